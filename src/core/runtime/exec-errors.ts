/** Docker's wording for an exec the OCI runtime could not start (shared by both exec paths). */
import { internal, invalidArgument } from '../../lib/errors.js';
import { runtimeMessage } from './runtime-errors.js';

/**
 * Error for a failed `runtime exec` of `program`, in Docker's words ("OCI runtime exec failed:
 * exec failed: …"; crun's messages are reworded like runc's), InvalidArgument for a
 * missing/forbidden program or working directory. Pure.
 */
export function execError(message: string, program?: string): Error {
  let msg = runtimeMessage(message, program) || 'unknown error';
  if (!/^(runc )?exec failed/.test(msg)) msg = `exec failed: ${msg}`;
  const full = `OCI runtime exec failed: ${msg}: unknown`;
  if (/executable file not found|no such file or directory|permission denied/i.test(msg)) return invalidArgument(full);
  return internal(full);
}
