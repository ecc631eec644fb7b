/**
 * Merged log output of several containers, like Docker Compose v2: each line prefixed with the
 * container's short name (`web-1`) padded to the widest, a coloured ` | ` unless `--no-color`,
 * no prefix with `--no-log-prefix`. Streams are read through `GET /containers/{id}/logs`
 * (demultiplexed unless the container has a TTY).
 */
import { createDemuxer } from '../../client/index.js';
import { type Ctx, parallel } from './context.js';

/** A container whose logs are shown. */
export interface LogSource {
  id: string;
  /** Full container name (`proj-web-1`). */
  name: string;
  /** Short prefix (`web-1`). */
  label: string;
  /** The service the container belongs to. */
  service?: string;
  /** Overrides the run's `since` for this container (unix seconds). */
  since?: string;
  /** Colour index (per service). */
  colorIndex: number;
}

/** Options of the printer. */
export interface LogPrinterOptions {
  write: (text: string) => void;
  color: boolean;
  prefix: boolean;
  /** Width the labels are padded to. */
  width: number;
}

/** Prints lines of several containers. */
export interface LogPrinter {
  /** Feeds a chunk of one container's output (lines may be split across chunks). */
  chunk(src: LogSource, data: string): void;
  /** Flushes the container's partial last line. */
  end(src: LogSource): void;
  /** Prints a line about a container (`web-1 exited with code 0`). */
  event(src: LogSource, text: string): void;
}

/** ANSI colours Compose cycles through per service. */
const COLORS = ['36', '33', '32', '35', '34', '96', '93', '92', '95', '94'];

/** The colour escape of index `i`. Never throws. */
export function colorOf(i: number): string {
  return COLORS[i % COLORS.length]!;
}

/** Creates a printer. Never throws. */
export function createLogPrinter(opts: LogPrinterOptions): LogPrinter {
  const partial = new Map<string, string>();
  const prefixOf = (src: LogSource) => {
    if (!opts.prefix) return '';
    const p = `${src.label.padEnd(opts.width)}  | `;
    return opts.color ? `\x1b[${colorOf(src.colorIndex)}m${p}\x1b[0m` : p;
  };
  return {
    chunk(src, data) {
      const all = (partial.get(src.id) ?? '') + data;
      const lines = all.split('\n');
      partial.set(src.id, lines.pop() ?? '');
      if (lines.length) opts.write(lines.map((l) => `${prefixOf(src)}${l.replace(/\r$/, '')}\n`).join(''));
    },
    end(src) {
      const rest = partial.get(src.id);
      partial.delete(src.id);
      if (rest) opts.write(`${prefixOf(src)}${rest}\n`);
    },
    event(src, text) {
      const t = opts.color ? `\x1b[${colorOf(src.colorIndex)}m${text}\x1b[0m` : text;
      opts.write(`${t}\n`);
    },
  };
}

/** Query options of a logs run. */
export interface LogsOptions {
  follow?: boolean;
  timestamps?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  signal?: AbortSignal;
}

/** Streams the logs of one container into the printer; resolves when its stream ends or is aborted. */
export async function streamLogs(ctx: Ctx, src: LogSource, printer: LogPrinter, opts: LogsOptions): Promise<void> {
  const { client } = ctx.deps;
  const info = await client.containers.inspect(src.id);
  const res = await client.containers.logs(src.id, { follow: opts.follow, stdout: true, stderr: true, timestamps: opts.timestamps, tail: opts.tail ?? 'all', since: src.since ?? opts.since, until: opts.until });
  const onAbort = () => res.destroy();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const dm = info.Config.Tty ? undefined : createDemuxer((stream, payload) => {
    if (stream === 1 || stream === 2) printer.chunk(src, payload.toString('utf8'));
  });
  try {
    for await (const c of res) {
      if (dm) dm.push(c as Buffer);
      else printer.chunk(src, (c as Buffer).toString('utf8'));
    }
  } catch {
    /* aborted or connection closed: end of this stream */
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    printer.end(src);
  }
}

/** Streams the logs of every source in parallel; resolves when all ended. */
export async function streamAllLogs(ctx: Ctx, sources: LogSource[], printer: LogPrinter, opts: LogsOptions): Promise<void> {
  await parallel(sources, (s) => streamLogs(ctx, s, printer, opts));
}

/** The short label of a container (`web-1`, or the container_name). Never throws. */
export function shortLabel(project: string, name: string): string {
  for (const sep of ['-', '_']) if (name.startsWith(`${project}${sep}`)) return name.slice(project.length + 1);
  return name;
}
