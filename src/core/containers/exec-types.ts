/**
 * Docker-shaped types of the exec API (`POST /containers/{id}/exec`, `POST /exec/{id}/start`,
 * `GET /exec/{id}/json`) as the container service takes and returns them.
 */
import type { Writable } from 'node:stream';

export type { ExecConfig } from '../../api/types.js';

/** Options of `POST /exec/{id}/start` (Docker's ExecStartCheck). */
export interface ExecStartOptions {
  /** Run without attaching: the call returns once the process runs. */
  detach: boolean;
  /** Whether the stream is raw (true) or stdcopy-framed (false), as the client asked. */
  tty: boolean;
  /** [height, width]; falls back to the create-time size. */
  consoleSize?: [number, number] | null;
}

/** `GET /exec/{id}/json` (Docker's ExecInspect). */
export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: {
    tty: boolean;
    entrypoint: string;
    arguments: string[];
    privileged?: boolean;
    user?: string;
  };
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  CanRemove: boolean;
  ContainerID: string;
  /** The detach key bytes, base64 (Go's []byte encoding), "" when none were given. */
  DetachKeys: string;
  Pid: number;
}

/**
 * An attached exec session as the HTTP layer needs it (the same shape as an attach session).
 * `output` ends only after the exit code is recorded, so exec inspect shows it by then; start
 * errors are its only output.
 */
export interface ExecAttachment {
  /** True for a raw stream, false for stdcopy framing (from the start request's Tty). */
  tty: boolean;
  /** Present when the exec was created with AttachStdin. */
  stdin?: Writable;
  output: AsyncIterable<{ stream: 1 | 2; data: Buffer }>;
  /** Detaches this client (the process keeps running). */
  close(): void;
  /**
   * Starts the process. Call once the response headers (101/200) are out: output that arrives
   * together with a 101 is lost by some clients (docker-py). Idempotent.
   */
  begin(): void;
}
