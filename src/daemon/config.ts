/**
 * pierd configuration: command-line flags (dockerd's names) merged over daemon.json (Docker's
 * keys where they apply). Throws InvalidArgument for an unreadable config file, unknown flag
 * or a key given both on the command line and in the file (as dockerd does).
 */
export interface DaemonConfig {
  /** Listen addresses: unix:///path or tcp://host:port. */
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  configFile: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  defaultRuntime?: string;
  runtimes: Record<string, { path: string; runtimeArgs?: string[] }>;
  logDriver: string;
  logOpts: Record<string, string>;
  defaultUlimits: Record<string, { Name: string; Soft: number; Hard: number }>;
  liveRestore: boolean;
  registryMirrors: string[];
  insecureRegistries: string[];
  storageDriver?: 'overlay2' | 'vfs';
  /** Default shm size in bytes (64 MiB). */
  defaultShmSize: number;
  /** Socket group (chown of the unix socket); default root. */
  group?: string;
  /**
   * `--resolv-conf` / `resolv-conf` (a pier extension): the host resolv.conf containers on the
   * default bridge copy and the embedded DNS forwards to (default /etc/resolv.conf).
   */
  resolvConf?: string;
  /** Networking (dockerd's flags/daemon.json keys); unset fields take the network service's defaults. */
  network: NetworkConfig;
}

/** dockerd's networking settings. */
export interface NetworkConfig {
  /** `--bridge`/`-b` / `bridge`: default bridge device ("none" disables the default bridge). */
  bridge?: string;
  /** `--bip` / `bip`: the default bridge's address in CIDR form. */
  bip?: string;
  /** `--fixed-cidr` / `fixed-cidr`. */
  fixedCidr?: string;
  /** `--default-address-pool` (repeatable `base=…,size=…`) / `default-address-pools`. */
  defaultAddressPools?: { base: string; size: number }[];
  /** `--ip-forward` / `ip-forward` (default true). */
  ipForward?: boolean;
  /** `--iptables` / `iptables` (default true): pier programs nftables. */
  iptables?: boolean;
  /** `--ip-masq` / `ip-masq` (default true). */
  ipMasq?: boolean;
  /** `--icc` / `icc` (default true). */
  icc?: boolean;
  /** `--mtu` / `mtu`. */
  mtu?: number;
  /** `--ip` / `ip`: default host address of published ports. */
  defaultBindIp?: string;
  /** `--userland-proxy` / `userland-proxy`: accepted and ignored (pier always holds published ports with its own listener). */
  userlandProxy?: boolean;
}
