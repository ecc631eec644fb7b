/**
 * What the engine already has of a project: its containers (found by the project label),
 * read into a small camelCase record, and helpers over them. Throws what the client throws.
 */
import type { ContainerSummary } from '../../api/types.js';
import type { EngineClient } from '../../client/index.js';
import { LABEL, projectFilter } from './labels.js';

/** One existing container of a project. */
export interface ObservedContainer {
  id: string;
  /** Without the leading slash. */
  name: string;
  service: string;
  number: number;
  oneoff: boolean;
  /** created, running, exited, paused, restarting, removing, dead. */
  state: string;
  status: string;
  hash: string;
  /** The image ID label (absent on containers made by other tools). */
  imageId?: string;
  image: string;
  labels: Record<string, string>;
  summary: ContainerSummary;
}

/** Reads a container summary into an ObservedContainer. Never throws. */
export function observe(c: ContainerSummary): ObservedContainer {
  const labels = c.Labels ?? {};
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
    service: labels[LABEL.service] ?? '',
    number: Number(labels[LABEL.number] ?? 0) || 0,
    oneoff: labels[LABEL.oneoff] === 'True',
    state: c.State,
    status: c.Status,
    hash: labels[LABEL.configHash] ?? '',
    imageId: labels[LABEL.image],
    image: c.Image,
    labels,
    summary: c,
  };
}

/** Sorts by service, then number, then name (the order ps and logs use). */
export function byServiceAndNumber(a: ObservedContainer, b: ObservedContainer): number {
  return a.service.localeCompare(b.service) || a.number - b.number || a.name.localeCompare(b.name);
}

/**
 * Lists a project's containers (all states; one-off ones only when asked). Throws what the
 * client throws.
 */
export async function listProjectContainers(client: EngineClient, project: string, opts: { oneoff?: boolean | 'any'; all?: boolean; service?: string } = {}): Promise<ObservedContainer[]> {
  const list = await client.containers.list({ all: opts.all ?? true, filters: projectFilter(project, { oneoff: opts.oneoff ?? false, service: opts.service }) });
  return list.map(observe).sort(byServiceAndNumber);
}

/** Groups containers by their service label. Never throws. */
export function groupByService(cs: ObservedContainer[]): Map<string, ObservedContainer[]> {
  const m = new Map<string, ObservedContainer[]>();
  for (const c of cs) {
    const l = m.get(c.service);
    if (l) l.push(c);
    else m.set(c.service, [c]);
  }
  return m;
}
