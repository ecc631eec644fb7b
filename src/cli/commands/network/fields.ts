/** The template fields of one network in `network ls`, as docker's networkContext exposes them. */
import type { NetworkInspect } from '../../../api/network-types.js';

/**
 * Go's time.Time.String() of an RFC 3339 timestamp as the API sends it
 * ("2026-11-22T16:00:00.1234Z" → "2026-11-22 16:00:00.1234 +0000 UTC"); trailing zeros of the
 * fraction are dropped. An unparseable value comes back unchanged.
 */
export function goTimeOf(rfc3339: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(rfc3339);
  if (!m) return rfc3339;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const zone = m[4] === 'Z' ? '+0000 UTC' : `${m[4]!.replace(':', '')} ${m[4]!.replace(':', '')}`;
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''} ${zone}`;
}

/** docker's network context: ID (12 hex unless `noTrunc`), Name, Driver, Scope, IPv4, IPv6, Internal, Labels, CreatedAt and Label(k). */
export function networkFields(n: NetworkInspect & { EnableIPv4?: boolean }, noTrunc: boolean): Record<string, unknown> {
  const labels = n.Labels ?? {};
  return {
    CreatedAt: goTimeOf(n.Created),
    Driver: n.Driver,
    ID: noTrunc ? n.Id : n.Id.slice(0, 12),
    IPv4: String(n.EnableIPv4 === true),
    IPv6: String(n.EnableIPv6 === true),
    Internal: String(n.Internal === true),
    Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
    Name: n.Name,
    Scope: n.Scope,
    Label: (k: string) => labels[k] ?? '',
  };
}
