import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as packet from 'dns-packet';
import { decide, errorResponse, normalizeName, reverseNameToIp } from './answer.js';
import type { DnsResolver } from '../parts.js';

/** A decoded packet with the fields the tests read (dns-packet's types omit some). */
type Dec = packet.DecodedPacket & { rcode: string; answers?: { type: string; name: string; ttl?: number; data: unknown }[] };
const dec = (b: Buffer): Dec => packet.decode(b) as Dec;

const resolver: DnsResolver = {
  lookup: (_c, n) => (n === 'web' ? ['172.18.0.2', '172.18.0.3'] : n === 'many' ? Array.from({ length: 60 }, (_, i) => `10.0.${i}.1`) : undefined),
  reverse: (_c, ip) => (ip === '172.18.0.2' ? 'web' : undefined),
};

const q = (name: string, type: packet.RecordType | 'ANY' = 'A', extra: Partial<packet.Packet> = {}) =>
  packet.encode({ id: 4242, type: 'query', flags: packet.RECURSION_DESIRED, questions: [{ name, type: type as packet.RecordType, class: 'IN' }], ...extra });

test('A of a known name: not authoritative (as Docker), RA, RD echoed, TTL 600, resolver order', () => {
  const d = decide(q('WEB.'), '172.18.0.9', resolver, 'udp');
  assert.equal(d.kind, 'answer');
  const r = dec((d as { packet: Buffer }).packet);
  assert.equal(r.id, 4242);
  assert.equal(r.type, 'response');
  assert.equal(r.flag_aa, false);
  assert.equal(r.flag_ra, true);
  assert.equal(r.flag_rd, true);
  assert.equal(r.rcode, 'NOERROR');
  assert.deepEqual(r.answers!.map((a) => (a as { data: string }).data), ['172.18.0.2', '172.18.0.3']);
  assert.equal(r.answers![0]!.ttl, 600);
  assert.equal(r.answers![0]!.name, 'WEB', 'the name as asked');
  assert.equal(r.questions![0]!.name, 'WEB');
});

test('AAAA and MX of a known name: NOERROR, no records; ANY gives A', () => {
  for (const t of ['AAAA', 'MX'] as const) {
    const r = dec((decide(q('web', t), '1.2.3.4', resolver, 'udp') as { packet: Buffer }).packet);
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.answers!.length, 0);
  }
  const any = dec((decide(q('web', 'ANY'), '1.2.3.4', resolver, 'udp') as { packet: Buffer }).packet);
  assert.equal(any.answers!.length, 2);
});

test('PTR of a container address answers its name; others are forwarded', () => {
  const r = dec((decide(q('2.0.18.172.in-addr.arpa', 'PTR'), '1.2.3.4', resolver, 'udp') as { packet: Buffer }).packet);
  assert.equal(r.answers![0]!.type, 'PTR');
  assert.equal((r.answers![0] as { data: string }).data, 'web');
  assert.equal(decide(q('9.0.18.172.in-addr.arpa', 'PTR'), '1.2.3.4', resolver, 'udp').kind, 'forward');
});

test('unknown names are forwarded; responses and garbage are ignored', () => {
  assert.deepEqual(decide(q('example.com'), '1.2.3.4', resolver, 'udp'), { kind: 'forward', udpLimit: 512 });
  assert.deepEqual(decide(q('example.com'), '1.2.3.4', resolver, 'tcp'), { kind: 'forward', udpLimit: 65535 });
  const resp = Buffer.from(q('web'));
  resp[2]! |= 0x80;
  assert.equal(decide(resp, '1.2.3.4', resolver, 'udp').kind, 'ignore');
  assert.equal(decide(Buffer.from('hello'), '1.2.3.4', resolver, 'udp').kind, 'ignore');
  assert.equal(decide(Buffer.alloc(0), '1.2.3.4', resolver, 'udp').kind, 'ignore');
  const cut = q('web').subarray(0, 16);
  assert.equal(decide(cut, '1.2.3.4', resolver, 'udp').kind, 'ignore');
  for (let i = 0; i < 2000; i++) {
    const junk = Buffer.from(Array.from({ length: 12 + (i % 60) }, () => Math.floor(Math.random() * 256)));
    junk[2]! &= 0x7f;
    decide(junk, '1.2.3.4', resolver, 'udp');
  }
});

test('a local answer too big for UDP is truncated with TC; EDNS raises the limit', () => {
  const r = decide(q('many'), '1.2.3.4', resolver, 'udp') as { packet: Buffer };
  assert.ok(r.packet.length <= 512);
  const d = dec(r.packet);
  assert.equal(d.flag_tc, true);
  assert.ok(d.answers!.length > 0 && d.answers!.length < 60);
  const edns = q('many', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 } as packet.Answer] });
  const big = dec((decide(edns, '1.2.3.4', resolver, 'udp') as { packet: Buffer }).packet);
  assert.equal(big.flag_tc, false);
  assert.equal(big.answers!.length, 60);
});

test('errorResponse echoes the question with the rcode', () => {
  const r = dec(errorResponse(q('example.com'), 2)!);
  assert.equal(r.rcode, 'SERVFAIL');
  assert.equal(r.id, 4242);
  assert.equal(r.questions![0]!.name, 'example.com');
  assert.equal(errorResponse(Buffer.alloc(5), 2), undefined);
});

test('non-QUERY opcodes get NOTIMP', () => {
  const m = Buffer.from(q('web'));
  m.writeUInt16BE(m.readUInt16BE(2) | (4 << 11), 2);
  const r = dec((decide(m, '1.2.3.4', resolver, 'udp') as { packet: Buffer }).packet);
  assert.equal(r.rcode, 'NOTIMP');
});

test('names and reverse names', () => {
  assert.equal(normalizeName('Web.Example.'), 'web.example');
  assert.equal(reverseNameToIp('4.0.18.172.in-addr.arpa'), '172.18.0.4');
  assert.equal(reverseNameToIp('256.0.18.172.in-addr.arpa'), undefined);
  assert.equal(reverseNameToIp('0.18.172.in-addr.arpa'), undefined);
  assert.equal(reverseNameToIp('example.com'), undefined);
});
