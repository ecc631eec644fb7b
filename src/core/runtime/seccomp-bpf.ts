/**
 * Precompiled seccomp filters for crun. crun compiles `linux.seccomp` with libseccomp at every
 * create unless the annotation `run.oci.seccomp_bpf_data` carries the finished program (base64
 * of what seccomp_export_bpf writes). This module compiles a profile as crun 1.8.1 does (same
 * libseccomp calls in the same order; with `binaryTree: false`, the same bytes) and caches each
 * distinct profile's program, keyed by the sha256 of its canonical JSON (see
 * canonicalSeccompJson).
 *
 * By default the program is laid out as a binary tree sorted by syscall number (libseccomp's
 * SCMP_FLTATR_CTL_OPTIMIZE = 2) instead of crun's linear list: the same rules, so the same
 * decisions, but a syscall is found in ~10 comparisons instead of up to ~400. That matters
 * at every load: since Linux 5.11 the kernel runs the filter for every syscall number of every
 * architecture when a process installs it (to cache the always-allowed ones), and every
 * `crun exec` and container start installs it (measured: ~0.7 ms less per exec with Docker's
 * default profile).
 */
import { createHash } from 'node:crypto';
import { EngineError, internal, invalidArgument } from '../../lib/errors.js';
import type { OciSeccomp, OciSeccompArg } from '../../oci/runtime-spec.js';
import { loadLibseccomp, NR_SCMP_ERROR, SCMP_FLTATR_CTL_OPTIMIZE, SCMP_OPTIMIZE_BINARY_TREE, type Libseccomp, type ScmpArgCmp, type ScmpFilter } from './libseccomp.js';

/** The annotation crun reads a precompiled filter from. */
export const SECCOMP_BPF_ANNOTATION = 'run.oci.seccomp_bpf_data';

/** What the compiler needs from outside; everything is optional. */
export interface SeccompBpfDeps {
  /** Loads the bindings (default: libseccomp.so.2 through koffi). Throws when unavailable. */
  loadLibrary?: (libraryPath?: string) => Libseccomp;
  /** Receives "unknown seccomp syscall `x` ignored" warnings, as crun prints them. */
  warn?: (message: string) => void;
}

/** Tuning. */
export interface SeccompBpfOptions {
  /** How many compiled profiles to keep (least recently used go first). Default 16. */
  cacheSize?: number;
  /** The library to load. Default "libseccomp.so.2". */
  libraryPath?: string;
  /**
   * Lay the program out as a binary tree (default true). False produces crun's own bytes. A
   * libseccomp without the attribute (before 2.5) yields the linear layout either way.
   */
  binaryTree?: boolean;
}

/** Compiles OCI seccomp profiles to BPF, with a per-instance cache. */
export interface SeccompBpfCompiler {
  /** True when libseccomp can be loaded (loads it on first call). Never throws. */
  seccompBpfAvailable(): boolean;
  /**
   * The raw BPF program (struct sock_filter[]) crun 1.8.1 would produce for `profile`. A fresh
   * copy each call. Throws Internal when libseccomp is missing or fails, InvalidArgument when
   * the profile is one crun rejects (unknown action/operator/architecture, errnoRet on an action
   * without errno, argument index ≥ 6, a rule libseccomp refuses).
   */
  compileSeccompBpf(profile: OciSeccomp): Buffer;
  /** The annotation value (base64 of compileSeccompBpf's bytes). Throws like compileSeccompBpf. */
  seccompBpfBase64(profile: OciSeccomp): string;
}

const EPERM = 1;
const ACT_KILL_PROCESS = 0x80000000;
const ACT_KILL_THREAD = 0x00000000;
const ACT_TRAP = 0x00030000;
const ACT_NOTIFY = 0x7fc00000;
const ACT_LOG = 0x7ffc0000;
const ACT_ALLOW = 0x7fff0000;
const actErrno = (e: number) => (0x00050000 | (e & 0xffff)) >>> 0;
const actTrace = (e: number) => (0x7ff00000 | (e & 0xffff)) >>> 0;

const OPERATORS: Record<string, number> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

const present = (v: unknown): v is number => v !== undefined && v !== null;

/** crun's action table. Throws InvalidArgument for a name crun does not know. Pure. */
export function seccompAction(name: string, errnoRet: number): number {
  switch (name) {
    case 'SCMP_ACT_ALLOW':
      return ACT_ALLOW;
    case 'SCMP_ACT_ERRNO':
      return actErrno(errnoRet);
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return ACT_KILL_THREAD;
    case 'SCMP_ACT_LOG':
      return ACT_LOG;
    case 'SCMP_ACT_TRAP':
      return ACT_TRAP;
    case 'SCMP_ACT_TRACE':
      return actTrace(errnoRet);
    case 'SCMP_ACT_KILL_PROCESS':
      return ACT_KILL_PROCESS;
    case 'SCMP_ACT_NOTIFY':
      return ACT_NOTIFY;
    default:
      throw invalidArgument(`invalid seccomp action \`${name}\``);
  }
}

const supportsErrno = (action: string) => action === 'SCMP_ACT_ERRNO' || action === 'SCMP_ACT_TRACE';

/**
 * The canonical JSON of the parts of a profile that shape the filter (what crun reads when
 * compiling: default action and errno, architectures, each rule's action, errno, names and
 * arguments), in a fixed order whatever the key order of the input; `flags` and listener fields
 * only matter when the filter is loaded, so they are left out. The cache key hashes this. Pure.
 */
export function canonicalSeccompJson(p: OciSeccomp): string {
  const num = (v: number | undefined | null) => (present(v) ? v : null);
  return JSON.stringify([
    p.defaultAction,
    num(p.defaultErrnoRet),
    p.architectures ?? [],
    (p.syscalls ?? []).map((s) => [
      s.action,
      num(s.errnoRet),
      s.names ?? [],
      s.args ? s.args.map((a) => [a.index, a.op, a.value, num(a.valueTwo)]) : null,
    ]),
  ]);
}

/** The architecture name as crun hands it to seccomp_arch_resolve_name. Pure. */
export function archName(arch: string): string {
  const bare = arch.startsWith('SCMP_ARCH_') ? arch.slice('SCMP_ARCH_'.length) : arch;
  return bare.slice(0, 31).toLowerCase();
}

function argCmps(args: readonly OciSeccompArg[]): { cmps: ScmpArgCmp[]; separate: boolean } {
  const used = args.slice(0, 6);
  const seen = new Set<number>();
  let separate = false;
  for (const a of used) {
    if (!(a.index >= 0 && a.index < 6)) throw invalidArgument(`invalid seccomp index ${a.index}`);
    if (seen.has(a.index)) separate = true;
    seen.add(a.index);
  }
  const cmps = used.map((a) => {
    const op = OPERATORS[a.op];
    if (op === undefined) throw invalidArgument(`seccomp get operator \`${String(a.op)}\``);
    return { arg: a.index, op, datumA: datum(a.value), datumB: present(a.valueTwo) ? datum(a.valueTwo) : 0n };
  });
  return { cmps, separate };
}

function datum(v: number): bigint {
  if (!Number.isFinite(v)) throw invalidArgument(`invalid seccomp argument value ${String(v)}`);
  return BigInt.asUintN(64, BigInt(Math.trunc(v)));
}

/** Runs crun's generation steps against `lib`; returns the exported program. */
function generate(lib: Libseccomp, profile: OciSeccomp, warn: (m: string) => void, binaryTree: boolean): Buffer {
  const defName = profile.defaultAction;
  if (!defName) throw invalidArgument('seccomp misses the default action');
  let defErrno = EPERM;
  if (present(profile.defaultErrnoRet)) {
    if (!supportsErrno(defName)) throw invalidArgument(`errno value specified for action \`${defName}\``);
    defErrno = profile.defaultErrnoRet;
  }
  const defAction = seccompAction(defName, defErrno);
  const ctx: ScmpFilter | null = lib.init(defAction);
  if (ctx === null) throw internal('error seccomp_init');
  try {
    // Best effort: an older libseccomp refuses the attribute and exports the linear layout.
    if (binaryTree) lib.attrSet(ctx, SCMP_FLTATR_CTL_OPTIMIZE, SCMP_OPTIMIZE_BINARY_TREE);
    for (const arch of profile.architectures ?? []) {
      const token = lib.archResolveName(archName(arch));
      if (token === 0) throw invalidArgument(`seccomp unknown architecture ${arch.replace(/^SCMP_ARCH_/, '')}`);
      const rc = lib.archAdd(ctx, token);
      if (rc < 0 && rc !== -17) throw internal(`seccomp adding architecture ${arch}: errno ${-rc}`);
    }
    for (const call of profile.syscalls ?? []) {
      let errnoRet = EPERM;
      if (present(call.errnoRet)) {
        if (!supportsErrno(call.action)) throw invalidArgument(`errno value specified for action \`${call.action}\``);
        errnoRet = call.errnoRet;
      }
      const action = seccompAction(call.action, errnoRet);
      if (action === defAction) continue;
      for (const name of call.names ?? []) {
        const nr = lib.syscallResolveName(name);
        if (nr === NR_SCMP_ERROR) {
          warn(`unknown seccomp syscall \`${name}\` ignored`);
          continue;
        }
        const rules: ScmpArgCmp[][] = [];
        if (!call.args) rules.push([]);
        else {
          const { cmps, separate } = argCmps(call.args);
          if (separate) for (const c of cmps) rules.push([c]);
          else rules.push(cmps);
        }
        for (const r of rules) {
          const rc = lib.ruleAddArray(ctx, action, nr, r);
          if (rc < 0) throw invalidArgument(`seccomp_rule_add \`${name}\`: errno ${-rc}`);
        }
      }
    }
    return lib.exportBpf(ctx);
  } finally {
    lib.release(ctx);
  }
}

/**
 * Creates a compiler. Nothing is loaded until the first probe or compile; the cache lives in the
 * returned object. Never throws.
 */
export function createSeccompBpfCompiler(deps: SeccompBpfDeps = {}, options: SeccompBpfOptions = {}): SeccompBpfCompiler {
  const load = deps.loadLibrary ?? loadLibseccomp;
  const warn = deps.warn ?? (() => {});
  const cacheSize = Math.max(1, options.cacheSize ?? 16);
  const cache = new Map<string, { bpf: Buffer; base64: string }>();
  let lib: Libseccomp | undefined;
  let loadError: EngineError | undefined;

  const library = (): Libseccomp => {
    if (lib) return lib;
    if (loadError) throw loadError;
    try {
      lib = load(options.libraryPath);
      return lib;
    } catch (e) {
      loadError = e instanceof EngineError ? e : internal(`libseccomp is not available: ${(e as Error).message}`, e);
      throw loadError;
    }
  };

  const entry = (profile: OciSeccomp) => {
    const key = createHash('sha256').update(canonicalSeccompJson(profile)).digest('hex');
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const bpf = generate(library(), profile, warn, options.binaryTree ?? true);
    const made = { bpf, base64: bpf.toString('base64') };
    cache.set(key, made);
    while (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    return made;
  };

  return {
    seccompBpfAvailable() {
      try {
        library();
        return true;
      } catch {
        return false;
      }
    },
    compileSeccompBpf: (profile) => Buffer.from(entry(profile).bpf),
    seccompBpfBase64: (profile) => entry(profile).base64,
  };
}
