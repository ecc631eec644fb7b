/**
 * RUN: a real container from the stage's image (command in shell or exec form, the stage's
 * Env plus its build args, WorkingDir, User, the build's network mode and extra hosts),
 * attached before start so every output byte reaches the client, then its rw layer becomes
 * the next image. A non-zero exit fails the build with Docker's message and code; a cancelled
 * build kills and removes the container.
 */
import path from 'node:path';
import type { MountSpec } from '../../api/types.js';
import { prepareRunMounts } from './run-mounts.js';
import { withoutMountLeftovers } from './mount-leftovers.js';
import { shortId } from '../../lib/ids.js';
import { canceled } from '../../lib/errors.js';
import type { Instruction } from './instructions.js';
import { BuildFailure } from './failure.js';
import { argEnv, commitStep, expand, say, shellOf, tryCache, type BuildState, type Stage } from './stage.js';

const PROXY_ARGS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];

/** Docker's predefined proxy args: given with --build-arg, RUN sees them without an ARG (and they stay out of history). */
function proxyEnv(st: BuildState, stage: Stage, args: string[]): string[] {
  const have = new Set([...args, ...(stage.config.Env ?? [])].map((e) => e.split('=')[0]));
  return PROXY_ARGS.filter((k) => !have.has(k) && typeof st.req.buildArgs[k] === 'string').map((k) => `${k}=${st.req.buildArgs[k]}`);
}

/** The command a RUN executes (heredocs handed to the shell as written). */
function runCommand(st: BuildState, stage: Stage, ins: Extract<Instruction, { kind: 'run' }>): string[] {
  if (!ins.cmd.shell) return [...ins.cmd.args];
  let text = ins.cmd.args[0]!;
  if (ins.heredocs.length > 0) {
    const only = /^<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*$/.exec(text.trim());
    if (only && ins.heredocs.length === 1) {
      const h = ins.heredocs[0]!;
      return [...shellOf(stage), h.expand ? h.content : h.content];
    }
    text += '\n' + ins.heredocs.map((h) => h.content + h.name + '\n').join('');
  }
  void st;
  return [...shellOf(stage), text];
}

/** Runs a RUN instruction. Throws BuildFailure (non-zero exit), Canceled, engine errors. */
export async function dispatchRun(st: BuildState, stage: Stage, ins: Extract<Instruction, { kind: 'run' }>): Promise<void> {
  const cmd = runCommand(st, stage, ins);
  const args = argEnv(stage);
  const recorded = args.length > 0 ? [`|${args.length}`, ...args, ...cmd] : cmd;
  const key = st.cache.key(stage.imageId, recorded, args, ins.mounts.length ? JSON.stringify(ins.mounts) : undefined);
  if (await tryCache(st, stage, key, recorded)) return;
  if (!stage.imageId) throw new BuildFailure('no image to run the command in (FROM scratch has no shell)');
  const network = ins.network ? expand(st, stage, ins.network) : undefined;
  const mounts = ins.mounts.length ? await prepareRunMounts(st, stage, ins.mounts, path.join(st.builderDir, 'cache-mounts')) : undefined;
  try {
    await runContainer(st, stage, cmd, args, recorded, key, network, mounts?.mounts);
  } finally {
    await mounts?.cleanup();
  }
}

async function runContainer(st: BuildState, stage: Stage, cmd: string[], args: string[], recorded: string[], key: string, network: string | undefined, mounts: MountSpec[] | undefined): Promise<void> {
  const { containers, snapshots } = st.deps;
  const { Id } = await containers.create(undefined, {
    Image: stage.imageId!,
    Cmd: cmd,
    Entrypoint: [''],
    Env: [...(stage.config.Env ?? []), ...args, ...proxyEnv(st, stage, args)],
    WorkingDir: stage.config.WorkingDir ?? '',
    User: stage.config.User ?? '',
    AttachStdout: true,
    AttachStderr: true,
    Healthcheck: { Test: ['NONE'] },
    Labels: {},
    HostConfig: {
      NetworkMode: network === 'none' || network === 'host' ? network : st.req.networkMode || 'default',
      ExtraHosts: st.req.extraHosts.length ? st.req.extraHosts : null,
      AutoRemove: false,
      ...(mounts?.length ? { Mounts: mounts } : {}),
    },
  });
  const remove = async () => {
    await containers.remove(Id, { force: true }).catch((e) => st.deps.log.warn('build: removing intermediate container failed', { id: Id, error: (e as Error).message }));
  };
  await say(st, ` ---> Running in ${shortId(Id)}\n`);
  let ok = false;
  try {
    const att = await containers.attach(Id, { stdin: false, stdout: true, stderr: true, logs: false, stream: true });
    const waiter = await containers.wait(Id, 'next-exit');
    const onAbort = () => void containers.kill(Id, 'KILL').catch(() => {});
    st.req.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await containers.start(Id);
      for await (const chunk of att.output) await say(st, chunk.data.toString('utf8'));
      const res = await waiter.result;
      if (st.req.signal.aborted) throw canceled();
      if (res.StatusCode !== 0) {
        const msg = `The command '${cmd.join(' ')}' returned a non-zero code: ${res.StatusCode}`;
        throw new BuildFailure(msg, res.StatusCode);
      }
    } finally {
      st.req.signal.removeEventListener('abort', onAbort);
      att.close();
    }
    await commitStep(st, stage, recorded, key, withoutMountLeftovers(snapshots.rwDiff(Id), new Set((mounts ?? []).map((m) => m.Target.replace(/^\/+/, '').replace(/\/+$/, '')))), Id);
    ok = true;
  } finally {
    const rm = ok ? st.req.rm || st.req.forceRm : st.req.forceRm || st.req.signal.aborted;
    if (rm && ok && st.background) {
      // The committed container is removed while the next steps run (the build awaits it).
      const p = remove();
      st.background.add(p);
      await say(st, `Removing intermediate container ${shortId(Id)}\n`);
    } else if (rm) {
      await remove();
      if (!st.req.signal.aborted) await say(st, `Removing intermediate container ${shortId(Id)}\n`);
    }
  }
  await say(st, ` ---> ${shortId(stage.imageId!)}\n`);
}
