/**
 * Waiting on containers by polling inspect: a dependency's `depends_on` condition
 * (service_started / service_healthy / service_completed_successfully) before its dependents
 * start, and `up --wait` (running, and healthy where a healthcheck exists). Failures are worded
 * like Docker Compose v2 (`dependency failed to start: container x is unhealthy`).
 */
import type { ContainerInspect } from '../../api/types.js';
import type { ServiceDependency } from '../model.js';
import { ComposeError } from '../model.js';
import { type Ctx, parallel, sleepMs } from './context.js';

/** A container to wait on. */
export interface WaitTarget {
  id: string;
  name: string;
  /** False for a container that was already running before this `up` (its old logs are not replayed). */
  fresh?: boolean;
}

type Verdict = { done: true; status: string } | { done: false } | { error: string };

function judgeDependency(cond: ServiceDependency['condition'], service: string, name: string, c: ContainerInspect): Verdict {
  const st = c.State;
  if (cond === 'service_started') return { done: true, status: 'Started' };
  if (cond === 'service_completed_successfully') {
    if (st.Running || st.Status === 'created' || st.Restarting) return { done: false };
    if (st.ExitCode === 0) return { done: true, status: 'Exited' };
    return { error: `service "${service}" didn't complete successfully: exit ${st.ExitCode}` };
  }
  const health = st.Health?.Status;
  if (!c.Config.Healthcheck?.Test?.length && !health) return { error: `dependency failed to start: container ${name} has no healthcheck configured` };
  if (health === 'healthy') return { done: true, status: 'Healthy' };
  if (health === 'unhealthy') return { error: `dependency failed to start: container ${name} is unhealthy` };
  if (!st.Running && st.Status !== 'created' && !st.Restarting) return { error: `dependency failed to start: container ${name} exited (${st.ExitCode})` };
  return { done: false };
}

async function pollUntil(ctx: Ctx, t: WaitTarget, judge: (c: ContainerInspect) => Verdict, deadline?: number): Promise<string> {
  const sleep = ctx.deps.sleep ?? sleepMs;
  for (;;) {
    const v = judge(await ctx.deps.client.containers.inspect(t.id));
    if ('error' in v) throw new ComposeError(v.error);
    if (v.done) return v.status;
    if (deadline !== undefined && Date.now() > deadline) throw new ComposeError(`timeout waiting for container ${t.name}`);
    await sleep(ctx.options.pollMs ?? 500);
  }
}

/**
 * Waits until every container of dependency `service` meets `dep.condition`, printing
 * `Container x  Waiting` / `Healthy`. Throws ComposeError when it cannot (unless the dependency
 * is not required: then it warns and resolves).
 */
export async function waitDependency(ctx: Ctx, service: string, dep: ServiceDependency, targets: WaitTarget[]): Promise<void> {
  if (dep.condition === 'service_started' || ctx.options.dryRun) return;
  const { progress } = ctx.deps;
  try {
    await parallel(targets, async (t) => {
      progress.begin('Container', t.name, 'Waiting');
      try {
        progress.done('Container', t.name, await pollUntil(ctx, t, (c) => judgeDependency(dep.condition, service, t.name, c)));
      } catch (e) {
        progress.fail('Container', t.name, e instanceof Error ? e.message : String(e));
        throw e;
      }
    });
  } catch (e) {
    if (!dep.required) {
      progress.warn(`WARN[0000] optional dependency "${service}" failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    throw e;
  }
}

function judgeReady(name: string, c: ContainerInspect): Verdict {
  const st = c.State;
  const health = st.Health?.Status;
  if (health === 'unhealthy') return { error: `container ${name} is unhealthy` };
  if (!st.Running && st.Status !== 'created' && !st.Restarting) {
    return st.ExitCode === 0 ? { done: true, status: 'Exited' } : { error: `container ${name} exited (${st.ExitCode})` };
  }
  if (health && health !== 'none') return health === 'healthy' ? { done: true, status: 'Healthy' } : { done: false };
  return st.Running ? { done: true, status: 'Healthy' } : { done: false };
}

/** `up --wait`: waits until every target runs (healthy when it has a healthcheck). Throws ComposeError on failure or after `timeoutS`. */
export async function waitReady(ctx: Ctx, targets: WaitTarget[], timeoutS?: number): Promise<void> {
  if (ctx.options.dryRun) return;
  const deadline = timeoutS ? Date.now() + timeoutS * 1000 : undefined;
  const { progress } = ctx.deps;
  await parallel(targets, async (t) => {
    progress.begin('Container', t.name, 'Waiting');
    try {
      progress.done('Container', t.name, await pollUntil(ctx, t, (c) => judgeReady(t.name, c), deadline));
    } catch (e) {
      progress.fail('Container', t.name, e instanceof Error ? e.message : String(e));
      throw e;
    }
  });
}
