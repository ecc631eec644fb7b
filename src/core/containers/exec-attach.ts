/**
 * The client side of an exec session: output chunks from conmon's attach socket into a
 * queue (with backpressure), client stdin into the process (through the detach-key filter on
 * a TTY), and the end of the stream only once the exit code has been recorded — the docker
 * CLI inspects the exec right after the socket closes.
 */
import { PassThrough } from 'node:stream';
import type { ExecSession } from '../runtime/index.js';
import type { ExecAttachment } from './exec-types.js';
import { AsyncQueue } from './queue.js';
import { detachFilter } from './detach-keys.js';
import { outputEnded, pumpOutput, type OutputChunk } from './session-output.js';
/** How long client input to a TTY exec waits for the process' first output (ms). */
const TTY_STDIN_HOLD_MS = 250;
/** How long output may still arrive after the exit was recorded (ms). */
const DRAIN_AFTER_EXIT_MS = 500;

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** What an attached exec stream is built from. */
export interface ExecStreamOptions {
  /** Raw (true) or framed (false) stream, from the start request. */
  rawStream: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Whether the client may write stdin (the exec was created with AttachStdin). */
  stdin: boolean;
  /** Detach keys are honoured on a TTY (undefined: ctrl-p,ctrl-q). */
  tty: boolean;
  detachKeys?: string;
  /** Called when the client detached with the detach keys (Docker emits `exec_detach`). */
  onDetach?: () => void;
}

/** A client stream created before its exec session exists (see `pendingExecStream`). */
export interface PendingExecStream {
  attachment: ExecAttachment;
  /** True once the client went away (detached or disconnected). */
  readonly closed: boolean;
  /**
   * Hands over the running session. `exitRecorded` resolves once exec inspect shows the exit;
   * the output ends after it. A client that already left detaches from the session at once.
   */
  connect(session: ExecSession, exitRecorded: Promise<void>): void;
  /** The process could not start: `message` is the only output. */
  fail(message: string): void;
}

/**
 * A client stream for an exec whose process starts later (`begin` on the attachment starts
 * it): Docker answers 101 first and only then starts the process, and clients such as
 * docker-py lose output that arrives together with the 101. Client stdin is buffered until the
 * session exists. Never throws.
 */
export function pendingExecStream(o: ExecStreamOptions, begin: () => void): PendingExecStream {
  let session: ExecSession | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    session?.attach.close();
    queue.end();
  };
  const queue = new AsyncQueue<OutputChunk>(close);
  const stdin = o.stdin ? new PassThrough() : undefined;
  let begun = false;
  const attachment: ExecAttachment = {
    tty: o.rawStream,
    stdin,
    output: queue,
    close,
    begin() {
      if (begun) return;
      begun = true;
      begin();
    },
  };

  const connect = (sess: ExecSession, exitRecorded: Promise<void>) => {
    session = sess;
    const s = sess.attach;
    if (closed) {
      s.close();
      return;
    }
    // Once `closed` the queue has ended too, so later chunks are dropped.
    const pump = pumpOutput(s, queue, o);
    if (stdin && s.stdin) {
      const target = s.stdin;
      target.on('error', () => {});
      const detach = () => {
        close();
        o.onDetach?.();
      };
      const pipeIn = () => {
        if (o.tty) stdin.pipe(detachFilter(o.detachKeys, detach)).pipe(target);
        else stdin.pipe(target);
      };
      // On a TTY, client input (a terminal sends some at once) is held until the process
      // printed something or a moment passed: a write that reaches conmon just as a short
      // process exits makes the attach socket fail and loses the output still queued in it.
      if (o.tty) {
        let piped = false;
        const once = () => {
          if (piped) return;
          piped = true;
          pipeIn();
        };
        s.stdout.once('data', () => setImmediate(once));
        setTimeout(once, TTY_STDIN_HOLD_MS).unref();
      } else pipeIn();
    } else stdin?.resume();

    // After the exit: end once conmon's streams ended, or once they stayed idle for a moment
    // (a background child may keep them open).
    let streamsDone = false;
    const streamsEnded = outputEnded(s).then(() => {
      streamsDone = true;
    });
    void exitRecorded.then(async () => {
      while (!closed && !streamsDone && (pump.paused || Date.now() - pump.lastData < DRAIN_AFTER_EXIT_MS)) {
        await Promise.race([streamsEnded, delay(25)]);
      }
      if (closed) return;
      closed = true;
      queue.end();
      s.close();
    });
  };

  return {
    attachment,
    get closed() {
      return closed;
    },
    connect,
    fail(message) {
      stdin?.resume();
      queue.push({ stream: 1, data: Buffer.from(message) });
      queue.end();
    },
  };
}

/**
 * An attachment that only carries an error message (Docker writes exec start errors in-band
 * once the connection is hijacked, on stdout). Never throws.
 */
export function errorAttachment(rawStream: boolean, message: string): ExecAttachment {
  const queue = new AsyncQueue<OutputChunk>();
  queue.push({ stream: 1, data: Buffer.from(message) });
  queue.end();
  return { tty: rawStream, output: queue, close: () => queue.end(), begin: () => {} };
}
