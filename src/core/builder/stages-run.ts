/**
 * Running the stages of a build: which stages the target needs (FROM, COPY --from and
 * RUN --mount from= references), FROM with ONBUILD triggers, each instruction's dispatch, and
 * independent stages built in parallel (BuildKit's behaviour) while the output stays Docker's
 * sequential step log: a stage's messages are buffered until every stage before it is done.
 */
import type { ProgressMessage } from '../../api/types.js';
import { canceled, invalidArgument } from '../../lib/errors.js';
import { shortId } from '../../lib/ids.js';
import { toInstruction, type Instruction } from './instructions.js';
import { parseDockerfile } from './parser.js';
import { processWord } from './shell-lex.js';
import { dispatchMeta } from './dispatch-meta.js';
import { dispatchRun } from './dispatch-run.js';
import { dispatchCopy, dispatchWorkdir } from './dispatch-copy.js';
import { say, type BuildState, type Stage } from './stage.js';
import { baseImage } from './base-image.js';

/** One stage as written: its FROM and the instructions after it. */
export interface StagePlan {
  from: Extract<Instruction, { kind: 'from' }>;
  body: Instruction[];
  name?: string;
}

function refsOf(p: StagePlan): string[] {
  const refs = [p.from.image.toLowerCase()];
  for (const b of p.body) {
    if (b.kind === 'copy' && b.from) refs.push(b.from.toLowerCase());
    if (b.kind === 'run') for (const m of b.mounts) for (const f of m.split(',')) if (/^from=/i.test(f)) refs.push(f.slice(5).toLowerCase());
  }
  return refs;
}

/** Earlier stages stage `i` refers to. Never throws. */
function dependencies(stages: StagePlan[], i: number): number[] {
  const byName = new Map<string, number>();
  stages.forEach((s, j) => s.name && !byName.has(s.name) && byName.set(s.name, j));
  const out: number[] = [];
  for (const r of refsOf(stages[i]!)) {
    const j = byName.get(r) ?? (/^\d+$/.test(r) ? Number(r) : undefined);
    if (j !== undefined && j < i && !out.includes(j)) out.push(j);
  }
  return out;
}

/** Indexes of the stages the target needs (itself and, transitively, what it refers to). */
export function neededStages(stages: StagePlan[], target: number): Set<number> {
  const need = new Set<number>();
  const visit = (i: number) => {
    if (need.has(i)) return;
    need.add(i);
    for (const j of dependencies(stages, i)) visit(j);
  };
  visit(target);
  return need;
}

async function dispatch(st: BuildState, stage: Stage, ins: Instruction): Promise<void> {
  if (st.req.signal.aborted) throw canceled();
  if (ins.kind === 'run') return dispatchRun(st, stage, ins);
  if (ins.kind === 'copy' || ins.kind === 'add') return dispatchCopy(st, stage, ins);
  if (ins.kind === 'workdir') return dispatchWorkdir(st, stage, ins);
  if (ins.kind === 'from') throw invalidArgument('unexpected FROM');
  await dispatchMeta(st, stage, ins);
}

async function runFrom(st: BuildState, stage: Stage, p: StagePlan): Promise<void> {
  const ref = processWord(p.from.image, (n) => st.metaArgs.get(n), st.escape).value;
  const lower = ref.toLowerCase();
  const prev = st.stageNames.get(lower);
  if (lower === 'scratch') {
    await say(st, ' ---> \n');
    return;
  }
  if (prev !== undefined && prev < stage.index) {
    stage.imageId = st.stages[prev]!.imageId;
    stage.config = structuredClone(st.stages[prev]!.config);
  } else {
    if (ref === '') throw invalidArgument('base name (' + p.from.image + ') should not be blank');
    const plat = p.from.platform !== undefined ? processWord(p.from.platform, (n) => st.metaArgs.get(n), st.escape).value : st.req.platform;
    const img = await baseImage(st, ref, plat || undefined);
    stage.imageId = img.id;
    stage.config = structuredClone(img.config.config ?? {});
  }
  await say(st, ` ---> ${stage.imageId ? shortId(stage.imageId) : ''}\n`);
  const triggers = stage.config.OnBuild ?? [];
  if (triggers.length > 0) {
    await say(st, `# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
    stage.config.OnBuild = null;
    for (const t of triggers) {
      const parsed = parseDockerfile(t);
      for (const n of parsed.nodes) await dispatch(st, stage, toInstruction(n, parsed.escape));
    }
  }
}

/** Output of one stage: buffered until it is the stage being shown, then live. */
class StageOutput {
  private buf: ProgressMessage[] = [];
  private live = false;
  constructor(private readonly sink: (m: ProgressMessage) => Promise<void>) {}
  write = async (m: ProgressMessage): Promise<void> => {
    if (this.live) await this.sink(m);
    else this.buf.push(m);
  };
  /** Flushes what was buffered and writes through from now on. */
  async goLive(): Promise<void> {
    while (this.buf.length > 0) await this.sink(this.buf.shift()!);
    this.live = true;
  }
}

/**
 * Runs the needed stages up to `target` and returns the target stage. Step numbers continue
 * from `stepsBefore`. Throws the first failure (after showing that stage's output); the
 * other running stages are cancelled.
 */
export async function runStages(st: BuildState, stages: StagePlan[], target: number, stepsBefore: number, total: number): Promise<Stage> {
  const need = neededStages(stages, target);
  stages.forEach((p, i) => p.name && !st.stageNames.has(p.name) && i <= target && st.stageNames.set(p.name, i));
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  st.req.signal.addEventListener('abort', onAbort, { once: true });
  const running = new Map<number, { out: StageOutput; done: Promise<Stage> }>();
  let firstError: { error: unknown; stage: number } | undefined;
  let step = stepsBefore;
  try {
    for (let i = 0; i <= target; i++) {
      const p = stages[i]!;
      if (!need.has(i)) {
        st.stages[i] = { index: i, name: p.name, imageId: null, config: {}, args: new Map(), cmdSet: false };
        continue;
      }
      const first = step + 1;
      step += 1 + p.body.length;
      const out = new StageOutput(st.write);
      const sst: BuildState = { ...st, write: out.write, req: { ...st.req, signal: ac.signal } };
      const stage: Stage = { index: i, name: p.name, imageId: null, config: {}, args: new Map(), cmdSet: false };
      st.stages[i] = stage;
      const deps = dependencies(stages, i).map((j) => running.get(j)?.done);
      const done = (async () => {
        await Promise.all(deps);
        let n = first;
        const header = async (ins: Instruction) => {
          await say(sst, `Step ${n++}/${total} : ${ins.node.original}`);
          await say(sst, '\n');
        };
        await header(p.from);
        await runFrom(sst, stage, p);
        for (const ins of p.body) {
          await header(ins);
          const ts = Date.now();
          await dispatch(sst, stage, ins);
          st.deps.log.debug('build step done', { step: n - 1, ms: Date.now() - ts });
        }
        return stage;
      })();
      done.catch((error: unknown) => {
        if (!firstError) firstError = { error, stage: i };
        ac.abort();
      });
      running.set(i, { out, done });
    }
    for (const [i, r] of running) {
      await r.out.goLive();
      try {
        await r.done;
      } catch (e) {
        const fe = firstError ?? { error: e, stage: i };
        if (fe.stage !== i) await running.get(fe.stage)!.out.goLive();
        throw fe.error;
      }
    }
    return st.stages[target]!;
  } finally {
    st.req.signal.removeEventListener('abort', onAbort);
    if (firstError) await Promise.allSettled([...running.values()].map((r) => r.done));
  }
}
