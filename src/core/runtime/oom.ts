/**
 * Did the kernel OOM-kill the container? conmon 2.1 creates `<persist-dir>/oom` when it sees an
 * OOM event (memory cgroup eventfd on v1, memory.events on v2); as a fallback the memory
 * cgroup's own `oom_kill` counter is read (before `runtime delete` removes the cgroup).
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Extracts the `oom_kill` counter from memory.oom_control (v1) or memory.events (v2) text. Pure. */
export function parseOomKill(text: string): number {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** True when an OOM kill was recorded for the container. Never throws. */
export async function wasOomKilled(persistDir: string, cgroupsPath: string | undefined, cgroupRoot = '/sys/fs/cgroup'): Promise<boolean> {
  // conmon's marker and the cgroup counters are read at once: one round trip before `die`.
  const marker = access(path.join(persistDir, 'oom')).then(() => true, () => false);
  const candidates = cgroupsPath?.startsWith('/')
    ? [path.join(cgroupRoot, 'memory', cgroupsPath, 'memory.oom_control'), path.join(cgroupRoot, cgroupsPath, 'memory.events')]
    : [];
  const counters = candidates.map((f) => readFile(f, 'utf8').then((t) => parseOomKill(t) > 0, () => false));
  const found = await Promise.all([marker, ...counters]);
  return found.some(Boolean);
}
