/**
 * The foreground part of `compose up`: merged, prefixed logs of the attached containers,
 * `<label> exited with code N` when one stops, Ctrl-C stopping everything (`Gracefully
 * stopping... (press Ctrl+C again to force)`, a second Ctrl-C kills), and
 * `--abort-on-container-exit` / `--exit-code-from`.
 */
import { createLogPrinter, kill, shortLabel, stop, streamLogs, type Ctx, type LogSource } from '../../../compose/engine/index.js';
import type { Project } from '../../../compose/model.js';
import type { ComposeRun } from './types.js';

/** Options of attachAndWait. */
export interface AttachOptions {
  sources: LogSource[];
  /** Services to stop on Ctrl-C or abort. */
  services: string[];
  abortOnExit: boolean;
  exitCodeFrom?: string;
  noColor: boolean;
  noPrefix: boolean;
  timestamps: boolean;
  timeout?: number;
}

/**
 * Streams logs until every attached container stopped (or an abort/Ctrl-C stopped them).
 * Resolves with the exit code compose would return. Throws what the engine throws while stopping.
 */
export async function attachAndWait(c: ComposeRun, engine: Ctx, project: Project, o: AttachOptions): Promise<number> {
  const { ctx } = c;
  const width = Math.max(0, ...o.sources.map((s) => s.label.length));
  const printer = createLogPrinter({ write: (t) => ctx.out(t), color: !o.noColor && c.color(), prefix: !o.noPrefix, width });
  ctx.out(`Attaching to ${o.sources.map((s) => s.label).join(', ')}\n`);
  const abort = new AbortController();
  let stopping: Promise<void> | undefined;
  let interrupted = false;
  let exitCode: number | undefined;
  const stopAll = () => (stopping ??= stop(engine, project, o.services, o.timeout).catch((e: unknown) => void ctx.err(`${e instanceof Error ? e.message : String(e)}\n`)));
  let sigints = 0;
  const onSigint = () => {
    sigints++;
    interrupted = true;
    if (sigints === 1) {
      ctx.err('Gracefully stopping... (press Ctrl+C again to force)\n');
      void stopAll();
    } else {
      void kill(engine, project, o.services).catch(() => {}).finally(() => abort.abort());
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const cleanup = () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  };
  ctx.onExit(cleanup);
  const svcOf = (s: LogSource) => s.service ?? s.name.slice(project.name.length + 1).replace(/[-_]\d+$/, '');
  try {
    await Promise.all(o.sources.map(async (src) => {
      await streamLogs(engine, src, printer, { follow: true, timestamps: o.timestamps, signal: abort.signal });
      if (abort.signal.aborted) return;
      const info = await engine.deps.client.containers.inspect(src.id).catch(() => undefined);
      const code = info?.State.ExitCode ?? 0;
      if (info && !info.State.Running) printer.event(src, `${src.label} exited with code ${code}`);
      if (o.exitCodeFrom ? svcOf(src) === o.exitCodeFrom : exitCode === undefined && o.abortOnExit) exitCode = code;
      if (o.abortOnExit && !stopping && !interrupted) {
        ctx.err('Aborting on container exit...\n');
        await stopAll();
      }
    }));
    if (stopping) await stopping;
  } finally {
    cleanup();
  }
  if (interrupted && exitCode === undefined) return 130;
  return exitCode ?? 0;
}

/** Log sources of containers, coloured per service in `serviceOrder`; already-running ones from now on. Never throws. */
export function sourcesOf(project: Project, containers: { id: string; name: string; service: string; fresh?: boolean }[], serviceOrder: string[]): LogSource[] {
  const now = String(Math.floor(Date.now() / 1000));
  return containers.map((x) => ({ id: x.id, name: x.name, service: x.service, label: shortLabel(project.name, x.name), colorIndex: Math.max(0, serviceOrder.indexOf(x.service)), since: x.fresh === false ? now : undefined }));
}
