/**
 * Translation of OCI runtime error output into EngineErrors with Docker's wording.
 * runc prints `time="…" level=error msg="…"`; crun prints `crun: …`; conmon relays either.
 */
import { EngineError, invalidArgument, internal, notFound } from '../../lib/errors.js';

/**
 * Rewrites crun's messages about a program it cannot run into runc's words, which Docker users
 * (and the docker CLI's 126/127 exit codes) know: "executable file `x` not found in $PATH: No
 * such file or directory" → `unable to start container process: exec: "x": executable file not
 * found in $PATH` (`stat /x: no such file or directory` for a path), "open executable:
 * Permission denied" → `… exec: "x": permission denied`. `program` (the process's args[0])
 * names the program in messages where crun leaves it out. Anything else is returned as is. Pure.
 */
export function crunToRuncWording(msg: string, program?: string): string {
  const start = 'unable to start container process: exec:';
  const nf = /^executable file `(.*)` not found in \$PATH: No such file or directory$/.exec(msg);
  if (nf) {
    const p = nf[1]!;
    return p.includes('/') ? `${start} "${p}": stat ${p}: no such file or directory` : `${start} "${p}": executable file not found in $PATH`;
  }
  const open = /^open executable: (.+)$/.exec(msg);
  if (open) {
    const why = open[1]!.toLowerCase();
    const named = program !== undefined ? ` "${program}":` : '';
    if (why === 'not a directory' || why === 'no such file or directory') return program !== undefined ? `${start}${named} stat ${program}: ${why}` : `${start} ${why}`;
    // A directory gives EPERM from crun; runc (Go's LookPath) calls it permission denied.
    if (why === 'permission denied' || why === 'operation not permitted') return `${start}${named} permission denied`;
    return `${start}${named} ${why}`;
  }
  return msg;
}

/**
 * Extracts the human message from runc/crun stderr (the last `msg="…"`, or the text), with
 * crun's words for a program it cannot run rewritten into runc's (see crunToRuncWording). Pure.
 */
export function runtimeMessage(stderr: string, program?: string): string {
  return crunToRuncWording(rawRuntimeMessage(stderr), program);
}

/** The message as the runtime printed it. Pure. */
function rawRuntimeMessage(stderr: string): string {
  const msgs = [...stderr.matchAll(/msg="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
  if (msgs.length) return msgs[msgs.length - 1]!;
  const jsonMsgs: string[] = [];
  for (const line of stderr.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const o = JSON.parse(t) as { msg?: string; level?: string };
      if (o.msg && (o.level === 'error' || o.level === 'fatal')) jsonMsgs.push(o.msg);
    } catch {
      /* not json */
    }
  }
  if (jsonMsgs.length) return jsonMsgs[jsonMsgs.length - 1]!;
  return stderr.trim().replace(/^(crun|runc): /, '');
}

/** True when the runtime said it does not know the container. Pure. */
export function isNotExist(message: string): boolean {
  return /container does not exist|does not exist|not found|No such file or directory/i.test(message) && !/exec:/.test(message);
}

/**
 * Error for a failed `runtime create` (as Docker words it: `OCI runtime create failed: <msg>:
 * unknown`; `program` is the process's args[0], for crun's messages that leave it out). A missing or non-executable program becomes InvalidArgument so the CLI exits
 * 127/126 like Docker; anything else is Internal. Pure.
 */
export function createError(runtime: string, stderr: string, program?: string): EngineError {
  let msg = runtimeMessage(stderr, program);
  if (!msg) msg = 'unknown error';
  if (runtime === 'runc' && !msg.startsWith('runc create failed')) msg = `runc create failed: ${msg}`;
  const full = `OCI runtime create failed: ${msg}: unknown`;
  if (/executable file not found in \$PATH|no such file or directory|permission denied|not a directory/i.test(msg) && /exec|stat|starting container process/i.test(msg)) {
    return invalidArgument(full);
  }
  return internal(full);
}

/** Error for any other failed runtime subcommand: NotFound for an unknown container, else Internal. Pure. */
export function commandError(runtime: string, sub: string, id: string, stderr: string): EngineError {
  const msg = runtimeMessage(stderr) || 'unknown error';
  if (isNotExist(msg)) return notFound(`No such container: ${id}`);
  return internal(`${runtime} ${sub} ${id}: ${msg}`);
}
