/**
 * The embedded DNS server's decision for one query, pure (no sockets): answer it from the
 * container names the resolver knows, or forward it to the upstreams. Local answers follow
 * Docker's embedded server: not authoritative (clients print "Non-authoritative answer"),
 * recursion available, TTL 600; a known name asked
 * for anything but A/ANY gets NOERROR with no records (AAAA of a container name included);
 * PTR of a container address answers its name.
 */
import * as packet from 'dns-packet';
import type { DnsResolver } from '../parts.js';

/** TTL of local answers (Docker's embedded server uses 600 s). */
export const LOCAL_TTL = 600;

/** Flag bits of the DNS header (second 16-bit word). */
const QR = 0x8000;
const TC = 0x0200;
const RD = 0x0100;
const RA = 0x0080;
const OPCODE_MASK = 0x7800;
/** Response codes. */
export const RCODE_SERVFAIL = 2;
const RCODE_NOTIMP = 4;

/** What to do with one received message. */
export type DnsDecision =
  /** Send `packet` back to the client. */
  | { kind: 'answer'; packet: Buffer }
  /** Forward the raw query; `udpLimit` is the largest UDP answer the client accepts. */
  | { kind: 'forward'; udpLimit: number }
  /** Not a query we can parse (malformed, or a response): drop it silently. */
  | { kind: 'ignore' };

type Answer = packet.Answer;

/**
 * Decides what to do with the raw message `msg` received from `clientIp` over `transport`.
 * Never throws: malformed input yields `ignore`.
 */
export function decide(msg: Buffer, clientIp: string, resolver: DnsResolver, transport: 'udp' | 'tcp'): DnsDecision {
  if (msg.length < 12 || (msg.readUInt16BE(2) & QR) !== 0) return { kind: 'ignore' };
  let query: packet.Packet;
  try {
    query = packet.decode(msg);
  } catch {
    return { kind: 'ignore' };
  }
  const flags = msg.readUInt16BE(2);
  const udpLimit = transport === 'tcp' ? 65535 : clientUdpLimit(query);
  const questions = query.questions ?? [];
  if ((flags & OPCODE_MASK) !== 0) {
    const notimp = errorResponse(msg, RCODE_NOTIMP);
    return notimp ? { kind: 'answer', packet: notimp } : { kind: 'ignore' };
  }
  if (questions.length === 0) return { kind: 'forward', udpLimit };
  const answers: Answer[] = [];
  for (const q of questions) {
    const local = answerQuestion(q, clientIp, resolver);
    if (local === undefined) return { kind: 'forward', udpLimit };
    for (const a of local) answers.push(a);
  }
  return { kind: 'answer', packet: encodeAnswer(query, flags, answers, udpLimit) };
}

/** Lowercased name without a trailing dot (the resolver's key form). */
export function normalizeName(name: string): string {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n.toLowerCase();
}

/** The records answering `q` locally, or undefined when the name is not a container's. */
function answerQuestion(q: packet.Question, clientIp: string, resolver: DnsResolver): Answer[] | undefined {
  if (q.class !== undefined && q.class !== 'IN' && q.class !== 'ANY') return undefined;
  const name = normalizeName(q.name);
  if (q.type === 'PTR') {
    const ip = reverseNameToIp(name);
    if (ip === undefined) return undefined;
    const target = resolver.reverse(clientIp, ip);
    if (target === undefined) return undefined;
    return [{ type: 'PTR', name: q.name, ttl: LOCAL_TTL, class: 'IN', data: target }];
  }
  const ips = resolver.lookup(clientIp, name);
  if (ips === undefined) return undefined;
  if (q.type !== 'A' && (q.type as string) !== 'ANY') return [];
  const out: Answer[] = new Array(ips.length);
  for (let i = 0; i < ips.length; i++) out[i] = { type: 'A', name: q.name, ttl: LOCAL_TTL, class: 'IN', data: ips[i]! };
  return out;
}

/** `4.0.18.172.in-addr.arpa` → `172.18.0.4`; undefined for anything else. */
export function reverseNameToIp(name: string): string | undefined {
  const suffix = '.in-addr.arpa';
  if (!name.endsWith(suffix)) return undefined;
  const parts = name.slice(0, -suffix.length).split('.');
  if (parts.length !== 4) return undefined;
  for (const p of parts) if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
  return `${parts[3]}.${parts[2]}.${parts[1]}.${parts[0]}`;
}

/** Largest UDP answer the client accepts: 512, or its EDNS payload size. */
function clientUdpLimit(query: packet.Packet): number {
  for (const a of query.additionals ?? []) {
    if (a.type === 'OPT') {
      const size = (a as { udpPayloadSize?: number }).udpPayloadSize ?? 512;
      return Math.min(Math.max(size, 512), 65535);
    }
  }
  return 512;
}

/** Encodes a local answer; records that do not fit `limit` are dropped and TC set. */
function encodeAnswer(query: packet.Packet, queryFlags: number, answers: Answer[], limit: number): Buffer {
  const flags = (queryFlags & (OPCODE_MASK | RD)) | RA;
  const res: packet.Packet = { id: query.id ?? 0, type: 'response', flags, questions: query.questions ?? [], answers };
  let buf = packet.encode(res);
  if (buf.length <= limit) return buf;
  let n = answers.length;
  while (n > 0 && buf.length > limit) {
    n = Math.max(0, Math.min(n - 1, Math.floor((n * limit) / buf.length)));
    buf = packet.encode({ ...res, flags: flags | TC, answers: answers.slice(0, n) });
  }
  return buf;
}

/**
 * A response with `rcode` echoing the header and question section of the raw query `msg`
 * (used for SERVFAIL and NOTIMP). Undefined when the question section cannot be delimited.
 */
export function errorResponse(msg: Buffer, rcode: number): Buffer | undefined {
  if (msg.length < 12) return undefined;
  const qd = msg.readUInt16BE(4);
  let off = 12;
  for (let i = 0; i < qd; i++) {
    off = skipName(msg, off);
    if (off < 0 || off + 4 > msg.length) return undefined;
    off += 4;
  }
  const out = Buffer.allocUnsafe(off);
  msg.copy(out, 0, 0, off);
  const flags = msg.readUInt16BE(2);
  out.writeUInt16BE(QR | (flags & (OPCODE_MASK | RD)) | RA | (rcode & 0xf), 2);
  out.writeUInt16BE(0, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(0, 10);
  return out;
}

/** Offset just after the (possibly compressed) name at `off`, or -1 when malformed. */
function skipName(msg: Buffer, off: number): number {
  while (off < msg.length) {
    const len = msg[off]!;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2 <= msg.length ? off + 2 : -1;
    if ((len & 0xc0) !== 0) return -1;
    off += 1 + len;
  }
  return -1;
}
