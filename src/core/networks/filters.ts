/**
 * Filters of `GET /networks` and `POST /networks/prune` (moby's daemon/network/filter.go
 * rules): driver and scope exact, name and id unanchored regular expressions (or exact), label
 * `k`/`k=v` (all must match), label! (prune), type builtin|custom, dangling (one value),
 * until (prune).
 */
import type { Filters } from '../../api/types.js';
import { filterRegexpMatch, filterTimestampMs, labelTermsMatch, rejectUnknownFilters } from '../../api/filters.js';
import { invalidArgument } from '../../lib/errors.js';

const LIST_KEYS = new Set(['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type']);
const PRUNE_KEYS = new Set(['label', 'label!', 'until']);

/** What a filter looks at for one network. */
export interface NetworkFacts {
  id: string;
  name: string;
  driver: string;
  scope: string;
  labels: Record<string, string>;
  predefined: boolean;
  inUse: boolean;
  /** ms since epoch. */
  created: number;
}

/** A compiled network filter. */
export type NetworkFilter = (n: NetworkFacts) => boolean;

const matchAny = (values: string[], s: string) => values.some((v) => v === s || filterRegexpMatch(v, s));

/**
 * Compiles list (`op` list) or prune filters. Throws InvalidArgument with moby's messages:
 * `invalid filter 'k'`, `invalid filter: 'type'='x'`, bad dangling/until values.
 */
export function compileNetworkFilter(f: Filters | undefined, op: 'list' | 'prune', now = new Date()): NetworkFilter {
  rejectUnknownFilters(f, op === 'list' ? LIST_KEYS : PRUNE_KEYS);
  const get = (k: string) => f?.get(k) ?? [];
  let byUse = op === 'prune';
  let danglingOnly = op === 'prune';
  const dangling = get('dangling');
  if (dangling.length > 1) throw invalidArgument('got more than one value for filter key "dangling"');
  if (dangling.length === 1) {
    byUse = true;
    const v = dangling[0]!;
    if (v === '1' || v === 'true') danglingOnly = true;
    else if (v !== '0' && v !== 'false') throw invalidArgument(`invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`);
  }
  const types = get('type');
  for (const t of types) if (t !== 'builtin' && t !== 'custom') throw invalidArgument(`invalid filter: 'type'='${t}'`);
  const untils = get('until');
  if (untils.length > 1) throw invalidArgument('more than one until filter specified');
  const until = untils.length ? filterTimestampMs(untils[0]!, now) : undefined;
  const drivers = get('driver');
  const names = get('name');
  const ids = get('id');
  const labels = get('label');
  const notLabels = get('label!');
  const scopes = get('scope');
  return (n) => {
    if (drivers.length && !drivers.includes(n.driver)) return false;
    if (names.length && !matchAny(names, n.name)) return false;
    if (ids.length && !matchAny(ids, n.id)) return false;
    if (labels.length && !labelTermsMatch(labels, n.labels)) return false;
    if (notLabels.length && labelTermsMatch(notLabels, n.labels)) return false;
    if (scopes.length && !scopes.includes(n.scope)) return false;
    if (byUse) {
      const isDangling = !n.predefined && !n.inUse;
      if (danglingOnly !== isDangling) return false;
    }
    if (types.length && !(types[0] === 'builtin' ? n.predefined : !n.predefined)) return false;
    if (until !== undefined && n.created > until) return false;
    return true;
  };
}
