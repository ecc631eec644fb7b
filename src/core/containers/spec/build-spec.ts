/**
 * The OCI spec builder: a container's settings → `config.json`, matching what dockerd gives
 * runc (defaults from moby's oci/defaults.go and daemon/oci_linux.go). Pure: everything that
 * needs the filesystem (user ids, device nodes) is resolved by the caller beforehand.
 */
import { invalidArgument } from '../../../lib/errors.js';
import type { OciDevice, OciDeviceCgroup, OciNamespace, OciProcess, OciSpec } from '../../../oci/runtime-spec.js';
import { computeCapabilities } from './capabilities.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_NETNS_SYSCTLS, DEFAULT_READONLY_PATHS } from './defaults.js';
import { buildMounts, INIT_PATH_IN_CONTAINER } from './mounts.js';
import { buildCreateResources, buildRlimits, defaultDeviceRules, parseDeviceCgroupRule } from './resources.js';
import { seccompFor } from './seccomp.js';
import { parseSecurityOpts } from './security-opts.js';
import type { SpecInput } from './types.js';

/** OCI runtime-spec version written into config.json. */
export const OCI_VERSION = '1.0.2-dev';

/** The namespaces of a container from its modes. Throws InvalidArgument for unknown modes. Pure. */
export function buildNamespaces(input: SpecInput): OciNamespace[] {
  const hc = input.hostConfig;
  const join = input.joinNamespaces ?? {};
  const ns: OciNamespace[] = [{ type: 'mount' }];
  const add = (type: OciNamespace['type']) => ns.push(join[type] ? { type, path: join[type] } : { type });
  if (input.network.mode === 'path') ns.push({ type: 'network', path: input.network.path });
  else if (input.network.mode === 'new') add('network');
  const uts = hc.UTSMode ?? '';
  if (uts !== 'host') {
    if (uts !== '') throw invalidArgument(`invalid UTS mode: ${uts}`);
    add('uts');
  }
  const pid = hc.PidMode ?? '';
  if (pid !== 'host') {
    if (pid !== '' && !pid.startsWith('container:')) throw invalidArgument(`invalid PID mode: ${pid}`);
    add('pid');
  }
  const ipc = hc.IpcMode ?? '';
  if (ipc !== 'host') {
    if (!['', 'private', 'shareable', 'none'].includes(ipc) && !ipc.startsWith('container:')) throw invalidArgument(`invalid IPC mode: ${ipc}`);
    add('ipc');
  }
  const cgns = hc.CgroupnsMode || input.defaults.cgroupns || 'host';
  if (cgns !== 'host' && cgns !== 'private') throw invalidArgument(`invalid cgroup namespace mode: ${cgns}`);
  if (cgns === 'private') add('cgroup');
  return ns;
}

/**
 * Builds the spec. Throws InvalidArgument for an empty command, unknown capabilities, bad
 * security options, a bad seccomp profile, bad device cgroup rules, soft > hard ulimits, or
 * `--init` without an init binary.
 */
export function buildSpec(input: SpecInput): OciSpec {
  const hc = input.hostConfig;
  if (input.args.length === 0) throw invalidArgument('no command specified');
  const privileged = !!hc.Privileged;
  const sec = parseSecurityOpts(hc.SecurityOpt);
  const caps = computeCapabilities(hc.CapAdd, hc.CapDrop, privileged, input.defaults.allCapabilities);
  const namespaces = buildNamespaces(input);
  const privatePid = namespaces.some((n) => n.type === 'pid' && !n.path);

  const useInit = (hc.Init ?? input.defaults.init ?? false) && privatePid;
  if (useInit && !input.initPath) throw invalidArgument('docker-init binary not found: install tini to use --init');
  const args = useInit ? [INIT_PATH_IN_CONTAINER, '--', ...input.args] : [...input.args];

  const process: OciProcess = {
    terminal: input.terminal,
    user: { uid: input.user.uid, gid: input.user.gid, ...(input.user.additionalGids.length ? { additionalGids: [...input.user.additionalGids] } : {}) },
    args,
    env: [...input.env],
    cwd: input.cwd || '/',
    capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps] },
    rlimits: buildRlimits(hc.Ulimits, input.defaults.ulimits, input.defaults.nofile),
    oomScoreAdj: hc.OomScoreAdj ?? 0,
  };
  if (sec.noNewPrivileges) process.noNewPrivileges = true;
  if (input.terminal && hc.ConsoleSize && hc.ConsoleSize[0] > 0 && hc.ConsoleSize[1] > 0) {
    process.consoleSize = { height: hc.ConsoleSize[0], width: hc.ConsoleSize[1] };
  }

  const readonlyRootfs = input.readonlyRootfs ?? !!hc.ReadonlyRootfs;
  const mounts = buildMounts({
    userMounts: input.mounts,
    tmpfs: hc.Tmpfs,
    shmSize: hc.ShmSize && hc.ShmSize > 0 ? hc.ShmSize : input.defaults.shmSize,
    ipcMode: hc.IpcMode,
    readonlyRootfs,
    privileged,
    initPath: useInit ? input.initPath : undefined,
  });

  let devices: OciDevice[] = [];
  let deviceRules: OciDeviceCgroup[] = defaultDeviceRules();
  if (privileged) {
    devices = [...(input.defaults.hostDevices ?? [])];
    for (const d of input.devices ?? []) if (!devices.some((x) => x.path === d.device.path)) devices.push(d.device);
    deviceRules = [{ allow: true, access: 'rwm' }];
  } else {
    for (const d of input.devices ?? []) {
      devices.push(d.device);
      if (d.device.type === 'c' || d.device.type === 'b') {
        deviceRules.push({ allow: true, type: d.device.type, major: d.device.major, minor: d.device.minor, access: d.permissions });
      }
    }
    for (const r of hc.DeviceCgroupRules ?? []) deviceRules.push(parseDeviceCgroupRule(r));
  }

  const sysctl: Record<string, string> = {};
  if (input.network.mode !== 'host') Object.assign(sysctl, DEFAULT_NETNS_SYSCTLS);
  Object.assign(sysctl, hc.Sysctls ?? {});

  const spec: OciSpec = {
    ociVersion: OCI_VERSION,
    process,
    root: { path: input.rootfs, readonly: readonlyRootfs },
    mounts,
    linux: {
      namespaces,
      devices,
      cgroupsPath: input.cgroupsPath,
      resources: { devices: deviceRules, ...buildCreateResources(hc) },
      sysctl,
    },
  };
  if (namespaces.some((n) => n.type === 'uts' && !n.path)) {
    spec.hostname = input.hostname;
    if (input.domainname) spec.domainname = input.domainname;
  }
  const linux = spec.linux!;
  if (!privileged && !sec.unconfinedSystemPaths) {
    linux.maskedPaths = [...(hc.MaskedPaths ?? DEFAULT_MASKED_PATHS)];
    linux.readonlyPaths = [...(hc.ReadonlyPaths ?? DEFAULT_READONLY_PATHS)];
  } else if (!privileged) {
    linux.maskedPaths = [...(hc.MaskedPaths ?? [])];
    linux.readonlyPaths = [...(hc.ReadonlyPaths ?? [])];
  }
  if (!privileged) {
    const seccomp = seccompFor(sec.seccomp, caps, input.defaults.kernelVersion);
    if (seccomp) linux.seccomp = seccomp;
  }
  if (hc.Annotations && Object.keys(hc.Annotations).length) spec.annotations = { ...hc.Annotations };
  return spec;
}
