import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../lib/log.js';
import type { OciSpec } from '../../oci/runtime-spec.js';
import { withSeccompBpf } from './seccomp-annotation.js';
import type { SeccompBpfCompiler } from './seccomp-bpf.js';

const log = createLogger('error', new PassThrough());
const compiler = (fail = false): SeccompBpfCompiler => ({
  seccompBpfAvailable: () => !fail,
  compileSeccompBpf: () => Buffer.from('bpf'),
  seccompBpfBase64: () => {
    if (fail) throw new Error('no libseccomp');
    return 'YnBm';
  },
});
const spec = (): OciSpec => ({ ociVersion: '1.0.2', linux: { seccomp: { defaultAction: 'SCMP_ACT_ERRNO' } }, annotations: { a: 'b' } }) as OciSpec;
const crun = { name: 'crun', path: '/usr/bin/crun', runtimeArgs: [] };

test('crun gets the precompiled filter; runc, no profile and failures are left alone', () => {
  const s = spec();
  const out = withSeccompBpf({ log, compiler: compiler() }, crun, s);
  assert.deepEqual(out.annotations, { a: 'b', 'run.oci.seccomp_bpf_data': 'YnBm' });
  assert.deepEqual(out.linux?.seccomp, s.linux?.seccomp);
  assert.deepEqual(s.annotations, { a: 'b' });
  assert.equal(withSeccompBpf({ log, compiler: compiler() }, { name: 'runc', path: '/usr/bin/runc', runtimeArgs: [] }, s), s);
  assert.equal(withSeccompBpf({ log, compiler: compiler() }, { name: 'fast', path: '/opt/crun', runtimeArgs: [] }, s).annotations?.['run.oci.seccomp_bpf_data'], 'YnBm');
  assert.equal(withSeccompBpf({ log, compiler: compiler(true) }, crun, s), s);
  const none = { ociVersion: '1.0.2', linux: {} } as OciSpec;
  assert.equal(withSeccompBpf({ log, compiler: compiler() }, crun, none), none);
  const preset = { ...s, annotations: { 'run.oci.seccomp_bpf_data': 'x' } };
  assert.equal(withSeccompBpf({ log, compiler: compiler() }, crun, preset), preset);
});
