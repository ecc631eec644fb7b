import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { run, start } from '../../lib/exec.js';
import { isKind } from '../../lib/errors.js';
import type { OciSeccomp } from '../../oci/runtime-spec.js';
import { DEFAULT_SECCOMP_PROFILE, resolveSeccomp } from '../containers/spec/seccomp.js';
import { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES } from '../containers/spec/capabilities.js';
import { archName, canonicalSeccompJson, createSeccompBpfCompiler, SECCOMP_BPF_ANNOTATION, seccompAction } from './seccomp-bpf.js';
import { loadLibseccomp, packArgCmps, type Libseccomp, type ScmpArgCmp } from './libseccomp.js';

// ---------- unit tests against a recording fake library (no root, no libseccomp) ----------

type Call = [string, ...unknown[]];

function fakeLib(calls: Call[], known: Record<string, number> = { read: 0, write: 1, mkdir: 83, socket: 41, clone: 56 }): Libseccomp {
  return {
    init: (a) => (calls.push(['init', a]), { ctx: true }),
    attrSet: (_c, attr, v) => (calls.push(['attr', attr, v]), 0),
    archAdd: (_c, t) => (calls.push(['archAdd', t]), t === 1 ? -17 : 0),
    archResolveName: (n) => (calls.push(['archResolve', n]), n === 'bogus' ? 0 : n.length + 1),
    syscallResolveName: (n) => known[n] ?? -1,
    ruleAddArray: (_c, a, nr, args: readonly ScmpArgCmp[]) => (calls.push(['rule', a, nr, args.map((x) => [x.arg, x.op, x.datumA, x.datumB])]), 0),
    exportBpf: () => (calls.push(['export']), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])),
    release: () => void calls.push(['release']),
  };
}

test('actions map as crun maps them', () => {
  assert.equal(seccompAction('SCMP_ACT_ALLOW', 1), 0x7fff0000);
  assert.equal(seccompAction('SCMP_ACT_ERRNO', 1), 0x00050001);
  assert.equal(seccompAction('SCMP_ACT_ERRNO', 0x10026), 0x00050026);
  assert.equal(seccompAction('SCMP_ACT_TRACE', 5), 0x7ff00005);
  assert.equal(seccompAction('SCMP_ACT_KILL', 1), 0);
  assert.equal(seccompAction('SCMP_ACT_KILL_THREAD', 1), 0);
  assert.equal(seccompAction('SCMP_ACT_KILL_PROCESS', 1), 0x80000000);
  assert.equal(seccompAction('SCMP_ACT_TRAP', 1), 0x00030000);
  assert.equal(seccompAction('SCMP_ACT_LOG', 1), 0x7ffc0000);
  assert.equal(seccompAction('SCMP_ACT_NOTIFY', 1), 0x7fc00000);
  assert.throws(() => seccompAction('SCMP_ACT_NOPE', 1), (e) => isKind(e, 'InvalidArgument'));
  assert.equal(archName('SCMP_ARCH_X86_64'), 'x86_64');
  assert.equal(archName('X32'), 'x32');
  assert.equal(
    canonicalSeccompJson({ syscalls: [{ names: ['a'], action: 'SCMP_ACT_LOG', args: [{ op: 'SCMP_CMP_EQ', value: 1, index: 0 }] }], defaultAction: 'SCMP_ACT_ALLOW', flags: ['X'] }),
    '["SCMP_ACT_ALLOW",null,[],[["SCMP_ACT_LOG",null,["a"],[[0,"SCMP_CMP_EQ",1,null]]]]]',
  );
});

test('call order, skipped default-action rules, unknown syscalls, split conditions', () => {
  const calls: Call[] = [];
  const warnings: string[] = [];
  const c = createSeccompBpfCompiler({ loadLibrary: () => fakeLib(calls), warn: (m) => warnings.push(m) });
  const bpf = c.compileSeccompBpf({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 38,
    architectures: ['SCMP_ARCH_X86_64', 'X'],
    syscalls: [
      { names: ['read', 'nope_h38'], action: 'SCMP_ACT_ALLOW' },
      { names: ['write'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      { names: ['mkdir'], action: 'SCMP_ACT_ERRNO' },
      { names: ['socket'], action: 'SCMP_ACT_LOG', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 0, value: 2, op: 'SCMP_CMP_EQ' }] },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 7, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }, { index: 2, value: 3, op: 'SCMP_CMP_NE' }] },
    ],
  });
  assert.deepEqual([...bpf], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(calls, [
    ['init', 0x00050026],
    ['attr', 8, 2],
    ['archResolve', 'x86_64'],
    ['archAdd', 7],
    ['archResolve', 'x'],
    ['archAdd', 2],
    ['rule', 0x7fff0000, 0, []],
    ['rule', 0x00050001, 83, []],
    ['rule', 0x7ffc0000, 41, [[0, 4, 1n, 0n]]],
    ['rule', 0x7ffc0000, 41, [[0, 4, 2n, 0n]]],
    ['rule', 0x7fff0000, 56, [[0, 7, 7n, 0n], [2, 1, 3n, 0n]]],
    ['export'],
    ['release'],
  ]);
  assert.deepEqual(warnings, ['unknown seccomp syscall `nope_h38` ignored']);
});

test('cache: one compile per distinct profile, key ignores key order, bounded', () => {
  const calls: Call[] = [];
  let loads = 0;
  const c = createSeccompBpfCompiler({ loadLibrary: () => (loads++, fakeLib(calls)) }, { cacheSize: 2 });
  const p = (n: string): OciSeccomp => ({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [n], action: 'SCMP_ACT_ERRNO' }] });
  const exports = () => calls.filter((x) => x[0] === 'export').length;
  c.compileSeccompBpf(p('read'));
  c.seccompBpfBase64({ syscalls: [{ action: 'SCMP_ACT_ERRNO', names: ['read'] }], defaultAction: 'SCMP_ACT_ALLOW' });
  assert.equal(exports(), 1);
  const a = c.compileSeccompBpf(p('read'));
  a[0] = 99; // callers get a copy
  assert.equal(c.compileSeccompBpf(p('read'))[0], 1);
  c.compileSeccompBpf(p('write'));
  c.compileSeccompBpf(p('mkdir')); // evicts read
  assert.equal(exports(), 3);
  c.compileSeccompBpf(p('mkdir'));
  c.compileSeccompBpf(p('read'));
  assert.equal(exports(), 4);
  assert.equal(loads, 1);
});

test('profiles crun rejects and a missing library throw EngineErrors', () => {
  const c = createSeccompBpfCompiler({ loadLibrary: () => fakeLib([]) });
  const bad = (p: OciSeccomp) => assert.throws(() => c.compileSeccompBpf(p), (e) => isKind(e, 'InvalidArgument'));
  bad({ defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 1 });
  bad({ defaultAction: 'SCMP_ACT_BOGUS' });
  bad({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['bogus'] });
  bad({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_KILL', errnoRet: 1 }] });
  bad({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_KILL', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] });
  bad({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_KILL', args: [{ index: 0, value: 1, op: 'SCMP_CMP_XX' as 'SCMP_CMP_EQ' }] }] });
  let loads = 0;
  const missing = createSeccompBpfCompiler({
    loadLibrary: () => {
      loads++;
      throw new Error('libseccomp.so.2: cannot open shared object file');
    },
  });
  assert.equal(missing.seccompBpfAvailable(), false);
  assert.throws(() => missing.compileSeccompBpf({ defaultAction: 'SCMP_ACT_ALLOW' }), (e) => isKind(e, 'Internal') && /libseccomp is not available/.test((e as Error).message));
  assert.equal(loads, 1);
});

test('struct scmp_arg_cmp packing', () => {
  const b = packArgCmps([{ arg: 1, op: 7, datumA: 0xffffffffffffffffn, datumB: 2n }]);
  assert.equal(b.length, 24);
  assert.equal(b.toString('hex'), '01000000' + '07000000' + 'ffffffffffffffff' + '0200000000000000');
});

// ---------- byte-for-byte against crun 1.8.1 (root, crun, libseccomp) ----------

function crunSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  if (!existsSync('/usr/bin/crun') && !existsSync('/usr/local/bin/crun')) return 'crun not installed';
  if (!existsSync('/bin/busybox')) return 'busybox-static not installed';
  try {
    loadLibseccomp();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

interface Lab {
  dir: string;
  rootfs: string;
  state: string;
}

function makeLab(): Lab {
  const dir = mkdtempSync(path.join(tmpdir(), 'h38-seccomp-'));
  const rootfs = path.join(dir, 'rootfs');
  for (const d of ['bin', 'dev', 'proc']) mkdirSync(path.join(rootfs, d), { recursive: true });
  copyFileSync('/bin/busybox', path.join(rootfs, 'bin/busybox'));
  for (const n of ['true', 'sh', 'mkdir', 'echo']) symlinkSync('busybox', path.join(rootfs, 'bin', n));
  const state = path.join(dir, 'state');
  mkdirSync(state);
  return { dir, rootfs, state };
}

function writeBundle(lab: Lab, id: string, args: string[], seccomp: OciSeccomp | undefined, annotations?: Record<string, string>): string {
  const bundle = path.join(lab.dir, id);
  mkdirSync(bundle);
  const spec = {
    ociVersion: '1.0.2',
    process: { terminal: false, user: { uid: 0, gid: 0 }, args, env: ['PATH=/bin'], cwd: '/', noNewPrivileges: true },
    root: { path: lab.rootfs },
    hostname: 'h38',
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
    ...(annotations ? { annotations } : {}),
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }],
      ...(seccomp ? { seccomp } : {}),
    },
  };
  writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

/** `crun create` the profile, returns the seccomp.bpf crun wrote, then deletes the container. */
async function crunBpf(lab: Lab, seccomp: OciSeccomp): Promise<Buffer> {
  const id = `h38-${randomBytes(4).toString('hex')}`;
  const bundle = writeBundle(lab, id, ['/bin/true'], seccomp);
  const errPath = path.join(lab.dir, `${id}.err`);
  const errFd = openSync(errPath, 'w');
  try {
    const child = start('crun', ['--root', lab.state, 'create', '--bundle', bundle, id], { stdio: ['ignore', 'ignore', errFd] });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`crun create: ${readFileSync(errPath, 'utf8')}`);
    return readFileSync(path.join(lab.state, id, 'seccomp.bpf'));
  } finally {
    closeSync(errFd);
    await run('crun', ['--root', lab.state, 'delete', '-f', id]);
  }
}

const CUSTOM: Record<string, OciSeccomp> = {
  'masked-eq and arches': {
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: ['read', 'write', 'exit_group', 'execve', 'brk', 'mmap'], action: 'SCMP_ACT_ALLOW' },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 131072, op: 'SCMP_CMP_EQ' }] },
      { names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 0x5401, op: 'SCMP_CMP_EQ' }, { index: 2, value: 10, op: 'SCMP_CMP_LE' }] },
    ],
  },
  'two conditions on one index': {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 16, op: 'SCMP_CMP_EQ' }, { index: 0, value: 17, op: 'SCMP_CMP_EQ' }, { index: 1, value: 3, op: 'SCMP_CMP_GT' }] },
      { names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 9, op: 'SCMP_CMP_NE' }, { index: 1, value: 0, op: 'SCMP_CMP_GE' }] },
    ],
  },
  'defaultErrnoRet, errnoRet, unknown syscall, kill kinds': {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 38,
    syscalls: [
      { names: ['read', 'write', 'no_such_syscall_h38', 'execve', 'exit_group'], action: 'SCMP_ACT_ALLOW' },
      { names: ['mkdir'], action: 'SCMP_ACT_ERRNO' },
      { names: ['rmdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      { names: ['unlink'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
      { names: ['reboot'], action: 'SCMP_ACT_KILL_PROCESS' },
      { names: ['swapon'], action: 'SCMP_ACT_KILL' },
      { names: ['swapoff'], action: 'SCMP_ACT_KILL_THREAD' },
      { names: ['ptrace'], action: 'SCMP_ACT_TRACE', errnoRet: 3 },
      { names: ['acct'], action: 'SCMP_ACT_TRAP' },
    ],
  },
  'SCMP_ACT_LOG with lower-case arches': {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['x86_64', 'SCMP_ARCH_X86'],
    syscalls: [
      { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_LOG' },
      { names: ['getpid'], action: 'SCMP_ACT_ALLOW' },
      { names: ['chroot'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [] },
    ],
  },
};

const skip = crunSkipReason();
if (skip) console.log(`# skipping crun comparisons: ${skip}`);

test('compiled filters are byte-identical to crun 1.8.1', { skip }, async (t) => {
  const lab = makeLab();
  t.after(() => rmSync(lab.dir, { recursive: true, force: true }));
  const compiler = createSeccompBpfCompiler({}, { binaryTree: false });
  assert.equal(compiler.seccompBpfAvailable(), true);
  const profiles: Record<string, OciSeccomp> = {
    'docker default (default caps)': resolveSeccomp(DEFAULT_SECCOMP_PROFILE, DEFAULT_CAPABILITIES),
    'docker default (all caps)': resolveSeccomp(DEFAULT_SECCOMP_PROFILE, KNOWN_CAPABILITIES),
    ...CUSTOM,
  };
  for (const [name, profile] of Object.entries(profiles)) {
    const mine = compiler.compileSeccompBpf(profile);
    const theirs = await crunBpf(lab, profile);
    assert.ok(mine.length > 0 && mine.length % 8 === 0, name);
    assert.ok(mine.equals(theirs), `${name}: ${mine.length} bytes vs crun's ${theirs.length}`);
  }
  // The default layout is libseccomp's binary tree: other bytes, same rules (the next test runs one).
  const tree = createSeccompBpfCompiler().compileSeccompBpf(profiles['docker default (default caps)']!);
  assert.ok(!tree.equals(compiler.compileSeccompBpf(profiles['docker default (default caps)']!)), 'binary tree layout');
});

test('crun run uses the annotation: mkdir is blocked by the precompiled filter', { skip }, async (t) => {
  const lab = makeLab();
  t.after(() => rmSync(lab.dir, { recursive: true, force: true }));
  const compiler = createSeccompBpfCompiler();
  const blocking: OciSeccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
  // linux.seccomp allows everything; only the annotation blocks mkdir, so a block proves crun used it.
  const permissive: OciSeccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['reboot'], action: 'SCMP_ACT_ERRNO' }] };
  const script = ['/bin/sh', '-c', 'mkdir /made-$$ 2>&1; echo rc=$?'];
  const go = async (annotations?: Record<string, string>) => {
    const id = `h38-${randomBytes(4).toString('hex')}`;
    const bundle = writeBundle(lab, id, script, permissive, annotations);
    const r = await run('crun', ['--root', lab.state, 'run', '--bundle', bundle, id], { timeoutMs: 30_000 });
    await run('crun', ['--root', lab.state, 'delete', '-f', id]);
    return r;
  };
  const blocked = await go({ [SECCOMP_BPF_ANNOTATION]: compiler.seccompBpfBase64(blocking) });
  assert.match(blocked.stdout, /Permission denied/, blocked.stdout + blocked.stderr);
  assert.match(blocked.stdout, /rc=1/);
  const control = await go();
  assert.match(control.stdout, /rc=0/, control.stdout + control.stderr);
});
