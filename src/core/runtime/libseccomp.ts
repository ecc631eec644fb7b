/**
 * The few libseccomp (libseccomp.so.2) calls needed to compile an OCI seccomp profile into a
 * raw BPF program, bound with koffi. `loadLibseccomp()` loads the library (and memfd_create from
 * libc) when called; callers keep the returned handle and call it lazily.
 */
import koffi from 'koffi';
import { closeSync, fstatSync, readSync } from 'node:fs';
import { internal } from '../../lib/errors.js';

type Fn = ReturnType<import('koffi').LibraryHandle['func']>;

/** Size of `struct scmp_arg_cmp` on 64-bit Linux: uint arg, int op, uint64 datum_a, uint64 datum_b. */
export const SCMP_ARG_CMP_SIZE = 24;

/** libseccomp's `__NR_SCMP_ERROR`: what seccomp_syscall_resolve_name returns for an unknown name. */
export const NR_SCMP_ERROR = -1;

/** One argument comparison (`struct scmp_arg_cmp`). `op` is libseccomp's enum value (SCMP_CMP_NE = 1 … MASKED_EQ = 7). */
export interface ScmpArgCmp {
  arg: number;
  op: number;
  datumA: bigint;
  datumB: bigint;
}

/** libseccomp's `SCMP_FLTATR_CTL_OPTIMIZE` (2.5+): how the exported program is laid out. */
export const SCMP_FLTATR_CTL_OPTIMIZE = 8;
/** The value of SCMP_FLTATR_CTL_OPTIMIZE for a binary tree sorted by syscall number. */
export const SCMP_OPTIMIZE_BINARY_TREE = 2;

/** An opaque `scmp_filter_ctx`. */
export type ScmpFilter = unknown;

/** The bound functions. Return values are libseccomp's (negative errno on failure). */
export interface Libseccomp {
  /** seccomp_init(def_action): a new filter, or null on failure. */
  init(defaultAction: number): ScmpFilter | null;
  /** seccomp_arch_add(ctx, token): 0, or -errno (-EEXIST when already present). */
  archAdd(ctx: ScmpFilter, token: number): number;
  /** seccomp_arch_resolve_name(name): the arch token, 0 when unknown. */
  archResolveName(name: string): number;
  /** seccomp_syscall_resolve_name(name): the syscall number, NR_SCMP_ERROR when unknown. */
  syscallResolveName(name: string): number;
  /** seccomp_attr_set(ctx, attr, value): 0, or -errno (e.g. an attribute this libseccomp lacks). */
  attrSet(ctx: ScmpFilter, attr: number, value: number): number;
  /** seccomp_rule_add_array(ctx, action, syscall, n, args): 0, or -errno. */
  ruleAddArray(ctx: ScmpFilter, action: number, syscall: number, args: readonly ScmpArgCmp[]): number;
  /**
   * seccomp_export_bpf into a memfd, read back. Throws Internal when the memfd cannot be
   * created or libseccomp fails to export (message carries the errno).
   */
  exportBpf(ctx: ScmpFilter): Buffer;
  /** seccomp_release(ctx). Never throws. */
  release(ctx: ScmpFilter): void;
}

const MFD_CLOEXEC = 1;

/** Packs comparisons into an array of `struct scmp_arg_cmp` (little-endian x86_64/arm64 layout). */
export function packArgCmps(args: readonly ScmpArgCmp[]): Buffer {
  const buf = Buffer.alloc(Math.max(1, args.length) * SCMP_ARG_CMP_SIZE);
  args.forEach((a, i) => {
    const o = i * SCMP_ARG_CMP_SIZE;
    buf.writeUInt32LE(a.arg >>> 0, o);
    buf.writeInt32LE(a.op | 0, o + 4);
    buf.writeBigUInt64LE(BigInt.asUintN(64, a.datumA), o + 8);
    buf.writeBigUInt64LE(BigInt.asUintN(64, a.datumB), o + 16);
  });
  return buf;
}

/**
 * Loads libseccomp.so.2 and libc's memfd_create. Throws Internal ("libseccomp is not
 * available: …") when either cannot be loaded.
 */
export function loadLibseccomp(libraryPath = 'libseccomp.so.2'): Libseccomp {
  let f: Record<'init' | 'attrSet' | 'archAdd' | 'archResolve' | 'sysResolve' | 'ruleAddArray' | 'exportBpf' | 'release' | 'memfd', Fn>;
  try {
    const lib = koffi.load(libraryPath);
    const libc = koffi.load('libc.so.6');
    f = {
      init: lib.func('void *seccomp_init(uint32_t def_action)'),
      attrSet: lib.func('int seccomp_attr_set(void *ctx, int attr, uint32_t value)'),
      archAdd: lib.func('int seccomp_arch_add(void *ctx, uint32_t arch_token)'),
      archResolve: lib.func('uint32_t seccomp_arch_resolve_name(const char *arch_name)'),
      sysResolve: lib.func('int seccomp_syscall_resolve_name(const char *name)'),
      ruleAddArray: lib.func('int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, const void *arg_array)'),
      exportBpf: lib.func('int seccomp_export_bpf(void *ctx, int fd)'),
      release: lib.func('void seccomp_release(void *ctx)'),
      memfd: libc.func('int memfd_create(const char *name, unsigned int flags)'),
    };
  } catch (e) {
    throw internal(`libseccomp is not available: ${(e as Error).message}`, e);
  }
  return {
    init: (action) => (f.init(action >>> 0) as ScmpFilter | null) ?? null,
    attrSet: (ctx, attr, value) => f.attrSet(ctx, attr, value >>> 0) as number,
    archAdd: (ctx, token) => f.archAdd(ctx, token >>> 0) as number,
    archResolveName: (name) => f.archResolve(name) as number,
    syscallResolveName: (name) => f.sysResolve(name) as number,
    ruleAddArray: (ctx, action, syscall, args) =>
      f.ruleAddArray(ctx, action >>> 0, syscall, args.length, args.length ? packArgCmps(args) : null) as number,
    exportBpf(ctx) {
      const fd = f.memfd('pier-seccomp-bpf', MFD_CLOEXEC) as number;
      if (fd < 0) throw internal(`memfd_create: errno ${koffi.errno()}`);
      try {
        const rc = f.exportBpf(ctx, fd) as number;
        if (rc < 0) throw internal(`seccomp_export_bpf: errno ${-rc}`);
        const size = fstatSync(fd).size;
        const out = Buffer.alloc(size);
        let got = 0;
        while (got < size) {
          const n = readSync(fd, out, got, size - got, got);
          if (n <= 0) break;
          got += n;
        }
        return out.subarray(0, got);
      } finally {
        closeSync(fd);
      }
    },
    release(ctx) {
      try {
        f.release(ctx);
      } catch {
        // nothing to do: the context is gone either way
      }
    },
  };
}
