/**
 * Kernel leftovers of a stopped test daemon: its nftables table `pier-<instance id>`, its
 * bridges (the default one and `br-*`/named ones of the networks recorded in its data root),
 * and the host veths still attached to them. Read with
 * {@link netLeftovers} before the data root goes, removed with {@link removeNetLeftovers}.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { daemonInstanceName } from './cleanup.js';

/** What a daemon may have left in the kernel. */
export interface NetLeftovers {
  /** nft table name (family ip), e.g. "pier-1a2b3c4d"; undefined when no engine-id exists. */
  table?: string;
  /** Bridge (or other link) names to delete, default bridge first. */
  links: string[];
}

/** The nftables table name of the daemon with this data root, or undefined. Never throws. */
export function nftTableOf(dataRoot: string): string | undefined {
  return daemonInstanceName(dataRoot);
}

/**
 * Link names a network record stands for: its `bridge` device, else the bridge-name option,
 * else `br-<id12>`. Predefined networks give none (the default bridge comes from the harness:
 * a `--bridge` a test chose itself, such as the system's, is never deleted here).
 */
function linksOfRecord(rec: unknown, fileId: string): string[] {
  const r = (rec ?? {}) as Record<string, unknown>;
  const driver = String(r.driver ?? r.Driver ?? '');
  const name = String(r.name ?? r.Name ?? '');
  if (r.predefined === true || ['bridge', 'host', 'none', 'default'].includes(name) || driver !== 'bridge') return [];
  if (typeof r.bridge === 'string' && r.bridge) return [r.bridge];
  const opts = (r.options ?? r.Options ?? {}) as Record<string, unknown>;
  const named = opts['com.docker.network.bridge.name'];
  if (typeof named === 'string' && named) return [named];
  const id = String(r.id ?? r.Id ?? fileId);
  return /^[0-9a-f]{12}/.test(id) ? [`br-${id.slice(0, 12)}`] : [];
}

/**
 * Reads what the daemon with `dataRoot` may have made in the kernel: its table name and the
 * links of the networks recorded under `<dataRoot>/metadata/networks`, plus `extraLinks`
 * (the default bridge the harness named). Never throws.
 */
export function netLeftovers(dataRoot: string, extraLinks: string[] = []): NetLeftovers {
  const links = new Set(extraLinks.filter(Boolean));
  const dir = path.join(dataRoot, 'metadata', 'networks');
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch { /* no networks */ }
  for (const f of names) {
    if (!f.endsWith('.json')) continue;
    try {
      for (const l of linksOfRecord(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')), f.slice(0, -5))) links.add(l);
    } catch { /* unreadable record */ }
  }
  return { table: nftTableOf(dataRoot), links: [...links] };
}

function ip(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout ?? '' };
}

/** Whether a network link with this name exists in the host namespace. Never throws. */
export function linkExists(name: string): boolean {
  return ip(['link', 'show', 'dev', name]).ok;
}

/** Names of the links whose master is `bridge` (host-side veths). Never throws. */
export function linksOnBridge(bridge: string): string[] {
  const r = ip(['-j', 'link', 'show', 'master', bridge]);
  if (!r.ok) return [];
  try {
    return (JSON.parse(r.out || '[]') as { ifname: string }[]).map((l) => l.ifname);
  } catch {
    return [];
  }
}

/** Whether the nftables table `ip <name>` exists. Never throws. */
export function nftTableExists(name: string): boolean {
  return spawnSync('nft', ['list', 'table', 'ip', name], { stdio: 'ignore' }).status === 0;
}

/**
 * Deletes the table and the links (with every veth still enslaved to them; macvlan links live
 * in container namespaces and go with them). Missing objects are fine. Never throws; returns
 * what it actually deleted (for tests asserting that nothing was left).
 */
export function removeNetLeftovers(l: NetLeftovers): string[] {
  const removed: string[] = [];
  if (l.table && nftTableExists(l.table)) {
    spawnSync('nft', ['delete', 'table', 'ip', l.table], { stdio: 'ignore' });
    removed.push(`nft table ip ${l.table}`);
  }
  for (const link of l.links) {
    if (!linkExists(link)) continue;
    for (const port of linksOnBridge(link)) {
      if (ip(['link', 'delete', 'dev', port]).ok) removed.push(`link ${port}`);
    }
    if (ip(['link', 'delete', 'dev', link]).ok) removed.push(`link ${link}`);
  }
  return removed;
}
