/**
 * Layout of the runtime wrapper's files under the exec root. Kept short so that socket paths
 * stay well under the 108-byte unix socket limit where possible.
 *
 *   <exec-root>/exits/<id>          exit code written by conmon
 *   <exec-root>/conmon/<id>/        persist dir: meta.json, conmon.pid, exit, oom
 *   <exec-root>/sock/               conmon's socket dir (unused with --full-attach)
 *   <exec-root>/rt/<runtime name>/  the runtime's state root (`--root`), per daemon
 */
import path from 'node:path';

/** Paths of the runtime wrapper's files for one exec root. */
export interface RuntimePaths {
  exitsDir: string;
  socketDir: string;
  /** Persist directory of one container. */
  persistDir(id: string): string;
  /** meta.json of one container (bundle dir, runtime, cgroups path). */
  metaFile(id: string): string;
  exitFile(id: string): string;
  /** The runtime's `--root` for a runtime name. */
  runtimeRoot(name: string): string;
}

/** Computes the layout for `execRoot`. Pure. */
export function runtimePaths(execRoot: string): RuntimePaths {
  const exitsDir = path.join(execRoot, 'exits');
  return {
    exitsDir,
    socketDir: path.join(execRoot, 'sock'),
    persistDir: (id) => path.join(execRoot, 'conmon', id),
    metaFile: (id) => path.join(execRoot, 'conmon', id, 'meta.json'),
    exitFile: (id) => path.join(exitsDir, id),
    runtimeRoot: (name) => path.join(execRoot, 'rt', name),
  };
}

/** What the wrapper remembers about a created container (persisted in meta.json). */
export interface ContainerMeta {
  id: string;
  bundleDir: string;
  runtime: string;
  cgroupsPath?: string;
  terminal: boolean;
  stdin: boolean;
  /** Close the container's stdin when a stdin client ends it (absent in old records: false). */
  stdinOnce?: boolean;
  /**
   * What the fast start/delete paths (crun-fast.ts) check in the spec, known at create so they
   * need not read the runtime's copy of config.json back (absent in old records: they read it).
   */
  specFacts?: SpecFacts;
}

/** The parts of a container's spec that decide whether start/delete can skip the runtime. */
export interface SpecFacts {
  /** Hook kinds with at least one hook (e.g. "poststart"). */
  hooks: string[];
  /** The container gets a pid namespace of its own (not joined by path). */
  privatePid: boolean;
}

/** The parts of an OCI spec (or the runtime's copy of it) that SpecFacts are read from. */
export interface SpecFactsSource {
  hooks?: Record<string, unknown[] | null | undefined> | null;
  linux?: { namespaces?: { type?: string; path?: string }[] };
}

/** The SpecFacts of `spec`. Pure. */
export function specFactsOf(spec: SpecFactsSource): SpecFacts {
  return {
    hooks: Object.entries(spec.hooks ?? {}).flatMap(([k, v]) => (v?.length ? [k] : [])),
    privatePid: !!spec.linux?.namespaces?.some((n) => n.type === 'pid' && !n.path),
  };
}
