/**
 * pierd configuration: command-line flags (dockerd's names) merged over daemon.json (Docker's
 * keys where they apply). Throws InvalidArgument for an unreadable config file, unknown flag
 * or a key given both on the command line and in the file (as dockerd does).
 */
import type { NetworkServiceOptions } from '../core/networks/index.js';

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

/**
 * dockerd's networking settings (`--bridge`/`-b`, `--bip`, `--fixed-cidr`,
 * `--default-address-pool`, `--ip-forward`, `--iptables`, `--ip-masq`, `--icc`, `--mtu`, `--ip`
 * and their daemon.json keys): the network service's options, plus `--userland-proxy`, accepted
 * and ignored (pier always holds published ports with its own listener).
 */
export type NetworkConfig = Pick<
  NetworkServiceOptions,
  'bridge' | 'bip' | 'fixedCidr' | 'defaultAddressPools' | 'ipForward' | 'iptables' | 'ipMasq' | 'icc' | 'mtu' | 'defaultBindIp'
> & { userlandProxy?: boolean };
