/**
 * Progress lines of compose operations, like Docker Compose v2: on a terminal each finished
 * step as ` ✔ Container proj-web-1  Started  0.3s`; otherwise (plain) every step as
 * ` Container proj-web-1  Starting` then ` Container proj-web-1  Started`. Errors as
 * ` ✘ Container x  Error` / ` Container x  Error <message>`.
 */

/** Kinds of objects a line is about. */
export type ProgressKind = 'Network' | 'Volume' | 'Container' | 'Image' | 'Service';

/** Receives progress events. Implementations never throw. */
export interface Progress {
  /** A step began ("Creating", "Starting", "Stopping", "Waiting", …). */
  begin(kind: ProgressKind, name: string, status: string): void;
  /** A step finished ("Created", "Started", "Healthy", …). */
  done(kind: ProgressKind, name: string, status: string): void;
  /** A step failed. */
  fail(kind: ProgressKind, name: string, message: string): void;
  /** A free-form warning line on stderr. */
  warn(text: string): void;
}

/** Options of createProgress. */
export interface ProgressOptions {
  /** Where lines go (compose writes progress to stderr). */
  write: (text: string) => void;
  /** 'tty' shows finished steps with ✔ and times; 'plain' every step; 'quiet' nothing. */
  mode: 'tty' | 'plain' | 'quiet';
  /** ANSI colours (green ✔, red ✘). */
  color: boolean;
  now?: () => number;
}

function label(kind: ProgressKind, name: string): string {
  // Compose quotes volume names.
  return kind === 'Volume' ? `${kind} "${name}"` : `${kind} ${name}`;
}

/** Creates a progress printer. Never throws. */
export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? Date.now;
  const started = new Map<string, number>();
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return {
    begin(kind, name, status) {
      started.set(`${kind}/${name}`, now());
      if (opts.mode === 'plain') opts.write(` ${label(kind, name)}  ${status}\n`);
    },
    done(kind, name, status) {
      const key = `${kind}/${name}`;
      const t0 = started.get(key);
      started.delete(key);
      if (opts.mode === 'plain') opts.write(` ${label(kind, name)}  ${status}\n`);
      else if (opts.mode === 'tty') {
        const secs = t0 === undefined ? '0.0' : ((now() - t0) / 1000).toFixed(1);
        opts.write(` ${paint('32', '✔')} ${label(kind, name)}  ${status}  ${paint('34', `${secs}s`)}\n`);
      }
    },
    fail(kind, name, message) {
      if (opts.mode === 'plain') opts.write(` ${label(kind, name)}  Error ${message}\n`);
      else if (opts.mode === 'tty') opts.write(` ${paint('31', '✘')} ${label(kind, name)}  Error ${message}\n`);
    },
    warn(text) {
      opts.write(`${text}\n`);
    },
  };
}

/** A progress that prints nothing (tests, `--quiet`). */
export const silentProgress: Progress = { begin() {}, done() {}, fail() {}, warn() {} };
