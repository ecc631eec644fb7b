/**
 * `pier build [OPTIONS] PATH | -`: sends a build context (a directory as a tar, or a tar /
 * a lone Dockerfile on stdin) to `POST /build` and prints the daemon's step output like the
 * docker CLI's legacy builder; `-q` prints only the image ID, `--iidfile` writes it. A
 * Dockerfile outside the context (or `-f -`) travels inside the tar under a hidden name.
 * The context is filtered with `.dockerignore` on this side, as docker's CLI does (build-context.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { CommandSpec, CliContext, ParsedOpts } from '../../spec.js';
import { CliError } from '../../errors.js';
import { jsonLines } from '../../../client/index.js';
import { list, str } from '../common.js';
import { TarWriter } from '../../../lib/tar/index.js';
import { localContextTar, prepareLocalContext } from './build-context.js';
import { humanSizeWithPrecision } from '../../../lib/units.js';
import type { ProgressMessage } from '../../../api/types.js';

/**
 * The compact terminal view: the finished steps one line each (`=> Step 2/5 : RUN … 1.2s`),
 * the running step with the last few lines of its output, redrawn in place.
 */
class CompactView {
  private readonly started = Date.now();
  private step = '';
  private stepStart = Date.now();
  private tail: string[] = [];
  private partial = '';
  private drawn = 0;
  private result = '';
  constructor(private readonly out: (s: string) => void) {}
  private clear(): void {
    if (this.drawn > 0) this.out(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }
  private draw(): void {
    this.clear();
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    const lines = [`[+] Building ${secs}s`, ...(this.step ? [` => ${this.step}`] : []), ...this.tail.slice(-6).map((l) => `    ${l.slice(0, 120)}`)];
    this.out(lines.join('\n') + '\n');
    this.drawn = lines.length;
  }
  private finishStep(mark: string): void {
    if (!this.step) return;
    this.clear();
    this.out(`${mark} ${this.step}${this.result ? ' ' + this.result : ''} ${((Date.now() - this.stepStart) / 1000).toFixed(1)}s\n`);
    this.step = '';
    this.tail = [];
    this.result = '';
  }
  /** Feeds one stream message. */
  text(t: string): void {
    const all = this.partial + t;
    const parts = all.split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.startsWith('Step ')) {
        this.finishStep('=>');
        this.step = line;
        this.stepStart = Date.now();
      } else if (/^ ---> [0-9a-f]{12}$/.test(line)) this.result = line.trim();
      else if (/^( ---> (Running in|Using cache)|Removing intermediate container|Sending build context)/.test(line)) continue;
      else if (/^Successfully /.test(line) || !this.step) {
        this.finishStep('=>');
        this.clear();
        this.out(line + '\n');
      } else this.tail.push(line);
    }
    if (this.step) this.draw();
  }
  /** The build failed: keep the running step's output visible. */
  fail(): void {
    const tail = this.tail;
    this.finishStep('ERROR');
    for (const l of tail.slice(-10)) this.out(`    ${l}\n`);
  }
  /** The stream ended. */
  done(): void {
    this.finishStep('=>');
  }
}

/** A tar holding only a Dockerfile (build from a Dockerfile on stdin). */
function dockerfileOnlyTar(data: Buffer): Readable {
  const w = new TarWriter();
  void (async () => {
    await w.add({ name: 'Dockerfile', type: 'file', size: data.length, mode: 0o600, uid: 0, gid: 0, mtime: new Date() }, data);
    await w.finish();
  })();
  return w.stream;
}

async function readStdin(ctx: CliContext): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of ctx.io.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function isArchive(b: Buffer): boolean {
  if (b.length >= 262 && b.toString('latin1', 257, 262) === 'ustar') return true;
  return (b[0] === 0x1f && b[1] === 0x8b) || b.toString('latin1', 0, 3) === 'BZh' || b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
}

/** `--secret id=x[,src=file|,env=VAR]` values, base64 by id. Throws CliError for a bad spec or unreadable file. */
async function readSecrets(ctx: CliContext, specs: string[]): Promise<Record<string, string> | undefined> {
  if (specs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const f = new Map(spec.split(',').map((kv) => {
      const i = kv.indexOf('=');
      return [i < 0 ? kv : kv.slice(0, i), i < 0 ? '' : kv.slice(i + 1)] as [string, string];
    }));
    const id = f.get('id');
    if (!id) throw new CliError(`invalid secret: ${spec}: id is required`);
    const src = f.get('src') ?? f.get('source');
    const env = f.get('env') ?? (src ? undefined : id);
    let value: Buffer | undefined;
    if (src) value = await readFile(src).catch(() => undefined);
    else if (env !== undefined && ctx.env[env] !== undefined) value = Buffer.from(ctx.env[env]!);
    if (!value) throw new CliError(`failed to stat ${src ?? env}: no such file or directory`);
    out[id] = value.toString('base64');
  }
  return out;
}

/** `KEY=value` → [KEY, value]; a bare `KEY` takes the value from the environment (or null). */
function buildArgs(ctx: Pick<CliContext, 'env'>, values: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i >= 0) out[v.slice(0, i)] = v.slice(i + 1);
    else out[v] = ctx.env[v] ?? null;
  }
  return out;
}

/**
 * The `POST /build` query as docker 28's client sends it: only what is set (`rm=0` only when
 * --rm=false, `pull=1`, `cachefrom` as a JSON list, `extrahosts` repeated, empty build args and
 * labels left out), `dockerfile` unless a tar on stdin comes without -f.
 */
export function buildQuery(ctx: Pick<CliContext, 'env'>, o: ParsedOpts, dockerfile: string | undefined): Record<string, string | string[] | undefined> {
  const labels: Record<string, string> = {};
  for (const l of list(o.label)) {
    const i = l.indexOf('=');
    labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  const args = buildArgs(ctx, list(o['build-arg']));
  const cacheFrom = list(o['cache-from']);
  const hosts = list(o['add-host']);
  const tags = list(o.tag);
  return {
    buildargs: Object.keys(args).length ? JSON.stringify(args) : undefined,
    cachefrom: cacheFrom.length ? JSON.stringify(cacheFrom) : undefined,
    dockerfile,
    extrahosts: hosts.length ? hosts : undefined,
    forcerm: o['force-rm'] === true ? '1' : undefined,
    labels: Object.keys(labels).length ? JSON.stringify(labels) : undefined,
    networkmode: str(o.network),
    nocache: o['no-cache'] === true ? '1' : undefined,
    platform: str(o.platform),
    pull: o.pull === true ? '1' : undefined,
    q: o.quiet === true ? '1' : undefined,
    rm: o.rm === false ? '0' : undefined,
    t: tags.length ? tags : undefined,
    target: str(o.target),
    version: '1',
  };
}

/** The build command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] PATH | URL | -',
  description: 'Build an image from a Dockerfile',
  options: [
    { long: 'add-host', kind: 'list', description: 'Add a custom host-to-IP mapping ("host:ip")' },
    { long: 'build-arg', kind: 'list', description: 'Set build-time variables' },
    { long: 'cache-from', kind: 'list', label: 'strings', description: 'Images to consider as cache sources' },
    { long: 'file', short: 'f', kind: 'string', description: "Name of the Dockerfile (Default is 'PATH/Dockerfile')" },
    { long: 'force-rm', kind: 'bool', description: 'Always remove intermediate containers' },
    { long: 'iidfile', kind: 'string', description: 'Write the image ID to the file' },
    { long: 'label', kind: 'list', description: 'Set metadata for an image' },
    { long: 'network', kind: 'string', description: 'Set the networking mode for the RUN instructions during build', helpDefault: '"default"' },
    { long: 'no-cache', kind: 'bool', description: 'Do not use cache when building the image' },
    { long: 'platform', kind: 'string', description: 'Set platform if server is multi-platform capable' },
    { long: 'progress', kind: 'string', description: 'Set type of progress output (auto, plain, tty)', helpDefault: '"auto"' },
    { long: 'pull', kind: 'bool', description: 'Always attempt to pull a newer version of the image' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Suppress the build output and print image ID on success' },
    { long: 'rm', kind: 'bool', description: 'Remove intermediate containers after a successful build', helpDefault: 'true' },
    { long: 'secret', kind: 'list', label: 'stringArray', description: 'Secret to expose to the build (format: "id=mysecret[,src=/local/secret]")' },
    { long: 'tag', short: 't', kind: 'list', description: 'Name and optionally a tag in the "name:tag" format' },
    { long: 'target', kind: 'string', description: 'Set the target build stage to build.' },
  ],
  args: { exact: 1 },
  run: async (ctx, args, o) => {
    const target = args[0]!;
    if (/^(https?|git):\/\//.test(target) || target.startsWith('git@')) throw new CliError('unable to prepare context: remote contexts (git repositories and URLs) are not supported by pier');
    const file = str(o.file);
    const counter = { bytes: 0 };
    let body: Readable;
    let dockerfile: string | undefined;
    if (target === '-') {
      if (file === '-') throw new CliError('invalid argument: can\'t use stdin for both build context and dockerfile');
      const data = await readStdin(ctx);
      if (isArchive(data)) {
        body = Readable.from([data]);
        counter.bytes = data.length;
        dockerfile = file;
      } else {
        body = dockerfileOnlyTar(data);
        dockerfile = 'Dockerfile';
      }
    } else {
      const local = await prepareLocalContext(target, file, () => readStdin(ctx));
      dockerfile = local.dockerfile;
      body = localContextTar(local, counter);
    }
    const quiet = o.quiet === true;
    const query = buildQuery(ctx, o, dockerfile);
    const headers: Record<string, string> = { 'Content-Type': 'application/x-tar', 'X-Registry-Config': Buffer.from('{}').toString('base64') };
    const secrets = await readSecrets(ctx, list(o.secret));
    if (secrets) headers['X-Pier-Build-Secrets'] = Buffer.from(JSON.stringify(secrets)).toString('base64');
    const res = await ctx.client().transport.request('POST', '/build', { query, body, headers });
    if (!quiet) ctx.out(`Sending build context to Docker daemon  ${humanSizeWithPrecision(counter.bytes, 4)}\r\r\n`);
    let imageId = '';
    const progress = str(o.progress) ?? 'auto';
    if (!['auto', 'plain', 'tty'].includes(progress)) throw new CliError(`invalid progress mode: ${progress}`);
    const view = !quiet && (progress === 'tty' || (progress === 'auto' && ctx.io.stdout.isTTY)) ? new CompactView(ctx.out) : undefined;
    for await (const m of jsonLines<ProgressMessage>(res)) {
      if (m.error || m.errorDetail) {
        view?.fail();
        // docker exits with the failing RUN's code (1 when there is none).
        throw new CliError(m.errorDetail?.message ?? m.error ?? 'unknown error', m.errorDetail?.code || 1);
      }
      const aux = m.aux as { ID?: string } | undefined;
      if (aux?.ID) imageId = aux.ID;
      const text = m.stream ?? (m.status !== undefined ? `${m.id ? m.id + ': ' : ''}${m.status}\n` : undefined);
      if (quiet || text === undefined) continue;
      if (view) view.text(text);
      else ctx.out(text);
    }
    view?.done();
    if (quiet) ctx.out(`${imageId}\n`);
    const iid = str(o.iidfile);
    if (iid) await writeFile(iid, imageId);
    return 0;
  },
};
