/**
 * Hands crun its seccomp filter precompiled: crun 1.8.1 compiles `linux.seccomp` with
 * libseccomp at every create (~20 ms) unless the annotation `run.oci.seccomp_bpf_data` carries
 * the finished program. `linux.seccomp` stays in config.json (crun still reads its flags and
 * listener settings, and `crun exec` reuses the filter crun keeps in its state directory).
 * runc has no such annotation: its specs are left alone.
 */
import path from 'node:path';
import type { Logger } from '../../lib/log.js';
import type { OciSpec } from '../../oci/runtime-spec.js';
import type { RuntimeBinary } from './runtimes.js';
import { SECCOMP_BPF_ANNOTATION, type SeccompBpfCompiler } from './seccomp-bpf.js';

/** True for a crun binary (by name or executable), which reads the precompiled-filter annotation. Pure. */
export function readsSeccompBpfAnnotation(binary: RuntimeBinary): boolean {
  return binary.name === 'crun' || path.basename(binary.path) === 'crun';
}

/**
 * `spec` with the precompiled filter of its `linux.seccomp` in the annotations, for crun; the
 * spec unchanged for other runtimes, without a seccomp profile, when the caller already set the
 * annotation, or when compiling fails (crun then compiles the profile itself and reports any
 * error in its own words; the failure is logged at debug level). Never throws.
 */
export function withSeccompBpf(deps: { log: Logger; compiler: SeccompBpfCompiler }, binary: RuntimeBinary, spec: OciSpec): OciSpec {
  const profile = spec.linux?.seccomp;
  if (!profile || !readsSeccompBpfAnnotation(binary) || spec.annotations?.[SECCOMP_BPF_ANNOTATION] !== undefined) return spec;
  let data: string;
  try {
    data = deps.compiler.seccompBpfBase64(profile);
  } catch (e) {
    deps.log.debug('seccomp filter not precompiled', { error: (e as Error).message });
    return spec;
  }
  return { ...spec, annotations: { ...spec.annotations, [SECCOMP_BPF_ANNOTATION]: data } };
}
