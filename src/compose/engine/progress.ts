/**
 * Progress lines of compose operations, like Docker Compose v2: on a terminal a live view
 * (`[+] Running 2/3`, then ` ✔ Container proj-web-1  Started  0.3s` per object, redrawn in
 * place); otherwise (plain) every step as ` Container proj-web-1  Starting` then
 * ` Container proj-web-1  Started`. Errors as ` ✘ Container x  Error <message>` /
 * ` Container x  Error <message>`.
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
  /**
   * 'tty' redraws a live view (`[+] Running 2/3` and one line per object, ✔ when done);
   * 'plain' prints every step as a line; 'quiet' nothing.
   */
  mode: 'tty' | 'plain' | 'quiet';
  /** ANSI colours (green ✔, red ✘). */
  color: boolean;
  /** Terminal height: a live view taller than this prints finished lines only (no redraw). */
  rows?: number;
  now?: () => number;
}

function label(kind: ProgressKind, name: string): string {
  // Compose quotes volume names.
  return kind === 'Volume' ? `${kind} "${name}"` : `${kind} ${name}`;
}

interface Row {
  label: string;
  status: string;
  state: 'working' | 'done' | 'error';
  t0: number;
  t1?: number;
}

/** Creates a progress printer. Never throws. */
export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? Date.now;
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  if (opts.mode !== 'tty') {
    const line = (kind: ProgressKind, name: string, status: string) => {
      if (opts.mode === 'plain') opts.write(` ${label(kind, name)}  ${status}\n`);
    };
    return {
      begin: line,
      done: line,
      fail: (kind, name, message) => line(kind, name, `Error ${message}`),
      warn: (text) => opts.write(`${text}\n`),
    };
  }
  const rows = new Map<string, Row>();
  let drawn = 0;
  let appendOnly = false;
  const render = (changed?: Row) => {
    const list = [...rows.values()];
    if (appendOnly || (opts.rows && list.length + 1 >= opts.rows)) {
      // Too tall to redraw in place: print each finished line once.
      appendOnly = true;
      if (changed && changed.state !== 'working') opts.write(` ${changed.state === 'done' ? paint('32', '✔') : paint('31', '✘')} ${changed.label}  ${changed.status}\n`);
      return;
    }
    const width = Math.max(0, ...list.map((r) => r.label.length));
    const statusWidth = Math.max(0, ...list.map((r) => r.status.length));
    const done = list.filter((r) => r.state !== 'working').length;
    const lines = [`[+] Running ${done}/${list.length}`, ...list.map((r) => {
      const mark = r.state === 'done' ? paint('32', '✔') : r.state === 'error' ? paint('31', '✘') : '⠿';
      const secs = (((r.t1 ?? now()) - r.t0) / 1000).toFixed(1);
      return ` ${mark} ${r.label.padEnd(width)}  ${r.status.padEnd(statusWidth)}  ${paint('34', `${secs}s`)}`;
    })];
    opts.write(`${drawn ? `\x1b[${drawn}A\x1b[J` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const set = (kind: ProgressKind, name: string, status: string, state: Row['state']) => {
    const key = `${kind}/${name}`;
    const r = rows.get(key);
    // A row keeps its start time across steps (Stopping → Removed shows the whole time).
    const row = r ?? { label: label(kind, name), status, state, t0: now() };
    if (!r) rows.set(key, row);
    Object.assign(row, { status, state, t1: state === 'working' ? undefined : now() });
    render(row);
  };
  return {
    begin: (kind, name, status) => set(kind, name, status, 'working'),
    done: (kind, name, status) => set(kind, name, status, 'done'),
    fail: (kind, name, message) => set(kind, name, `Error ${message}`, 'error'),
    warn(text) {
      // Above the live view: clear it, print, draw it again below.
      opts.write(`${drawn ? `\x1b[${drawn}A\x1b[J` : ''}${text}\n`);
      drawn = 0;
      if (rows.size && !appendOnly) render();
    },
  };
}

/** A progress that prints nothing (tests, `--quiet`). */
export const silentProgress: Progress = { begin() {}, done() {}, fail() {}, warn() {} };
