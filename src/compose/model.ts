/**
 * The normalised compose project: what the loader (`compose/loader/`) produces from the files
 * after interpolation, merging, `extends`, profiles and validation, and what the engine side
 * (`compose/engine/`) converges. Short syntaxes are expanded (ports, volumes, depends_on,
 * networks, environment, healthcheck durations), relative paths are absolute (resolved against
 * the project directory), and keys keep the Compose Specification's names in snake_case as in
 * `docker compose config` output, so `config` prints this model.
 */

/** A long-syntax port (`ports:`). */
export interface ServicePort {
  target: number;
  /** "8080", "8000-8010" or "" (ephemeral). */
  published?: string;
  host_ip?: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  mode: 'ingress' | 'host';
  name?: string;
}

/** A long-syntax volume/bind/tmpfs mount (`volumes:`). */
export interface ServiceVolume {
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe';
  /** Volume name (project-scoped key in `volumes:`), absolute host path for binds; absent for anonymous volumes and tmpfs. */
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: string };
  volume?: { nocopy?: boolean };
  tmpfs?: { size?: number; mode?: number };
}

/** One `depends_on` entry. */
export interface ServiceDependency {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  required: boolean;
  restart: boolean;
}

/** A service's attachment to one network. */
export interface ServiceNetwork {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  priority?: number;
}

/** Healthcheck with durations in nanoseconds (as the Engine API wants them). */
export interface ServiceHealthcheck {
  test?: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  start_period?: number;
  start_interval?: number;
  disable?: boolean;
}

/** `build:` expanded. */
export interface ServiceBuild {
  /** Absolute path (or a URL). */
  context: string;
  /** Path relative to the context, or absolute. */
  dockerfile: string;
  dockerfile_inline?: string;
  args?: Record<string, string | null>;
  target?: string;
  labels?: Record<string, string>;
  network?: string;
  cache_from?: string[];
  extra_hosts?: string[];
  shm_size?: number;
  no_cache?: boolean;
  pull?: boolean;
}

/** A secret or config reference of a service (long syntax). */
export interface ServiceFileRef {
  source: string;
  /** Absolute target path in the container (secrets default to /run/secrets/<source>, configs to /<source>). */
  target: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

/** One service, normalised. Absent keys were not given. */
export interface ServiceConfig {
  name: string;
  image?: string;
  build?: ServiceBuild;
  command?: string[] | null;
  entrypoint?: string[] | null;
  /** Resolved: a null value means "unset in the container"; env_file contents are merged in (environment wins). */
  environment: Record<string, string | null>;
  /** Absolute paths, for `config` output. */
  env_file?: { path: string; required: boolean }[];
  ports: ServicePort[];
  /** "80", "80/udp". */
  expose: string[];
  volumes: ServiceVolume[];
  volumes_from?: string[];
  /** Key = project network key (as in top-level `networks:`), not the engine name. */
  networks: Record<string, ServiceNetwork | null>;
  network_mode?: string;
  depends_on: Record<string, ServiceDependency>;
  healthcheck?: ServiceHealthcheck;
  restart?: string;
  deploy?: {
    replicas?: number;
    resources?: { limits?: { cpus?: string; memory?: number; pids?: number }; reservations?: { cpus?: string; memory?: number } };
    restart_policy?: { condition?: string; delay?: number; max_attempts?: number; window?: number };
    labels?: Record<string, string>;
  };
  scale?: number;
  container_name?: string;
  hostname?: string;
  domainname?: string;
  labels: Record<string, string>;
  user?: string;
  working_dir?: string;
  init?: boolean;
  tty?: boolean;
  stdin_open?: boolean;
  privileged?: boolean;
  read_only?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  ulimits?: Record<string, { soft: number; hard: number }>;
  sysctls?: Record<string, string>;
  /** Bytes. */
  shm_size?: number;
  tmpfs?: string[];
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  extra_hosts?: string[];
  /** "service" or "service:alias". */
  links?: string[];
  external_links?: string[];
  logging?: { driver?: string; options?: Record<string, string> };
  stop_signal?: string;
  /** Nanoseconds. */
  stop_grace_period?: number;
  pid?: string;
  ipc?: string;
  devices?: string[];
  profiles?: string[];
  secrets?: ServiceFileRef[];
  configs?: ServiceFileRef[];
  mem_limit?: number;
  cpus?: number;
  platform?: string;
  pull_policy?: 'always' | 'never' | 'missing' | 'build' | 'if_not_present';
  group_add?: string[];
  /** Extension keys (`x-…`) and anything kept verbatim. */
  [extension: `x-${string}`]: unknown;
}

/** A top-level network. */
export interface NetworkConfig {
  /** Engine name: `<project>_<key>` unless `name:` or external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: { driver?: string; config?: { subnet?: string; ip_range?: string; gateway?: string; aux_addresses?: Record<string, string> }[] };
  internal?: boolean;
  attachable?: boolean;
  enable_ipv6?: boolean;
  external?: boolean;
  labels: Record<string, string>;
}

/** A top-level volume. */
export interface VolumeConfig {
  /** Engine name: `<project>_<key>` unless `name:` or external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels: Record<string, string>;
}

/** A top-level secret or config. */
export interface FileObjectConfig {
  name: string;
  /** Absolute path. */
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
}

/** The whole normalised project. */
export interface Project {
  /** Lowercase, [a-z0-9_-], starts with a letter or digit. */
  name: string;
  /** Absolute project directory. */
  workingDir: string;
  /** Absolute paths of the files loaded, in order. */
  configFiles: string[];
  /** Services enabled by the active profiles, by name. */
  services: Record<string, ServiceConfig>;
  /** Services left out by profiles (kept so `--profile`-less commands can name them). */
  disabledServices: Record<string, ServiceConfig>;
  /** Always has `default` when some service uses it. */
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
  /** The environment interpolation used (process env over .env / --env-file). */
  environment: Record<string, string>;
  /** Active profiles. */
  profiles: string[];
}

/** How to load a project (the `pier compose` global flags). */
export interface LoadOptions {
  /** `-f` values in order; "-" is stdin. Empty: look for the default file names in cwd and its parents. */
  files: string[];
  /** `--project-directory` (default: the first file's directory). */
  projectDirectory?: string;
  /** `-p`, else COMPOSE_PROJECT_NAME, else top-level `name`, else the directory's basename. */
  projectName?: string;
  /** `--profile`, else COMPOSE_PROFILES (comma-separated). */
  profiles: string[];
  /** `--env-file` values (default `<project dir>/.env` when present). */
  envFiles: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Reads stdin for `-f -`. */
  readStdin?: () => Promise<string>;
  /** Skip interpolation (`config --no-interpolate`). */
  noInterpolate?: boolean;
}

/** A load error: names the file, the key path and the line/column where known. */
export class ComposeError extends Error {
  constructor(
    message: string,
    readonly where: { file?: string; path?: string; line?: number; column?: number } = {},
  ) {
    super(message);
    this.name = 'ComposeError';
  }
}
