/**
 * Types of the `pier compose` subcommands: a subcommand's spec (flags like any pier command)
 * and what it runs with (pier's context, the parsed compose global flags, a project loader and
 * the engine context).
 */
import type { Ctx } from '../../../compose/engine/index.js';
import type { Project } from '../../../compose/model.js';
import type { CliContext, CommandSpec, ParsedOpts } from '../../spec.js';

/** The compose global flags, parsed. */
export interface ComposeGlobals {
  files: string[];
  projectName?: string;
  projectDirectory?: string;
  profiles: string[];
  envFiles: string[];
  ansi: 'never' | 'always' | 'auto';
  progress: 'auto' | 'tty' | 'plain' | 'quiet' | 'json';
  parallel?: number;
  dryRun: boolean;
  compatibility: boolean;
}

/** What a subcommand runs with. */
export interface ComposeRun {
  ctx: CliContext;
  globals: ComposeGlobals;
  /** `pier compose <sub>` as typed. */
  path: string;
  /** Loads the project from the files (cached). Throws ComposeError. */
  project(): Promise<Project>;
  /**
   * The project when there are files, else (with `-p`/COMPOSE_PROJECT_NAME and no file) an
   * empty project of that name so that down/ps/logs/… work on what the labels find.
   */
  projectOrName(): Promise<Project>;
  /** The engine context (progress to stderr unless `quiet`). */
  engine(opts?: { quiet?: boolean }): Ctx;
  /** True when colours are on for stdout (`--ansi`, TTY). */
  color(): boolean;
}

/** One subcommand: a command's definition whose `run` gets the compose run context. */
export interface SubSpec extends Omit<CommandSpec, 'run'> {
  run(c: ComposeRun, args: string[], opts: ParsedOpts): Promise<number>;
}

/** An entry of the subcommand table. */
export interface SubEntry {
  name: string;
  description: string;
  load: () => Promise<{ sub: SubSpec }>;
}
