/**
 * A minimal rtnetlink client through koffi, for the one change on every container start: a
 * veth pair with its host end on a bridge and its container end addressed inside a network
 * namespace file. The kernel does a request's work inside send(), so requests are sent and
 * answered on koffi's worker threads (async calls), keeping that work — about a millisecond
 * per pair — off the event loop, where `ip -batch` costs a spawn of its own (several
 * milliseconds of fork/exec, partly on the event loop) per namespace.
 *
 * The container-side socket is opened inside the namespace: the main thread enters it with
 * setns (thread-netns.ts), creates the socket (a netlink socket belongs to the namespace it was created in) and
 * returns to the daemon's namespace before anything else runs.
 */
import koffi from 'koffi';
import { closeSync, openSync, readFileSync, constants as fsc } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { internal } from '../../lib/errors.js';
import { errnoName } from '../../lib/errno-name.js';
import type { Logger } from '../../lib/log.js';
import { createThreadNetns, type ThreadNetns } from './thread-netns.js';

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_ROUTE = 0;

const NLMSG_ERROR = 2;
const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const RTM_GETLINK = 18;
const RTM_SETLINK = 19;
const RTM_NEWADDR = 20;
const RTM_NEWROUTE = 24;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;

const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_MASTER = 10;
const IFLA_LINKINFO = 18;
const IFLA_AF_SPEC = 26;
const IFLA_NET_NS_FD = 28;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const VETH_INFO_PEER = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const IFLA_INET6_ADDR_GEN_MODE = 8;
const IN6_ADDR_GEN_MODE_NONE = 1;
const IFF_UP = 1;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RT_TABLE_MAIN = 254;
const RTPROT_BOOT = 3;
const RTN_UNICAST = 1;

type Async<A extends unknown[]> = ((...args: A) => number) & { async: (...args: [...A, (err: unknown, res: number) => void]) => void };

interface Libc {
  socket: (domain: number, type: number, proto: number) => number;
  send: Async<[fd: number, buf: Buffer, len: number, flags: number]>;
  recv: Async<[fd: number, buf: Buffer, len: number, flags: number]>;
  close: (fd: number) => number;
}

/** iproute2's wording of the errors rtnetlink answers with here (the rest keep their errno name). */
const STRERROR: Record<string, string> = {
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  ENOENT: 'No such file or directory',
  EINVAL: 'Invalid argument',
  EPERM: 'Operation not permitted',
  EBUSY: 'Device or resource busy',
  ENETUNREACH: 'Network is unreachable',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EOPNOTSUPP: 'Operation not supported',
  ERANGE: 'Numerical result out of range',
  ENOBUFS: 'No buffer space available',
};

/** One netlink attribute: type and payload (a Buffer, or nested attributes). */
type Attr = [type: number, value: Buffer | Attr[]];

/** Encodes attributes (each padded to 4 bytes). */
export function encodeAttrs(attrs: Attr[]): Buffer {
  const parts: Buffer[] = [];
  for (const [type, value] of attrs) {
    const payload = Buffer.isBuffer(value) ? value : encodeAttrs(value);
    const head = Buffer.alloc(4);
    head.writeUInt16LE(4 + payload.length, 0);
    head.writeUInt16LE(type, 2);
    parts.push(head, payload, Buffer.alloc((4 - (payload.length % 4)) % 4));
  }
  return Buffer.concat(parts);
}

const str = (s: string) => Buffer.from(s + '\0');
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u8 = (n: number) => Buffer.from([n]);
/** Dotted IPv4 to 4 bytes. Throws Internal. */
function ip4(s: string): Buffer {
  const p = s.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw internal(`invalid IPv4 address: ${s}`);
  return Buffer.from(p);
}
/** "02:42:…" to 6 bytes. Throws Internal. */
function mac(s: string): Buffer {
  const p = s.split(':').map((x) => parseInt(x, 16));
  if (p.length !== 6 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw internal(`invalid MAC address: ${s}`);
  return Buffer.from(p);
}

/** An ifinfomsg (16 bytes). */
function ifinfo(index: number, flags = 0, change = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeInt32LE(index, 4);
  b.writeUInt32LE(flags, 8);
  b.writeUInt32LE(change, 12);
  return b;
}

/** What the kernel plumbing needs of a veth pair. */
export interface RtnlVeth {
  netns: string;
  bridge: string;
  hostIfname: string;
  ifname: string;
  mac: string;
  cidr: string;
  gateway?: string;
  mtu: number;
}

/** The rtnetlink operations. */
export interface Rtnl {
  /**
   * Creates the pair (see RtnlVeth): host end on the bridge (no IPv6 address generation,
   * hairpin, up), container end in `netns` with its address, up, and the default route when
   * `gateway`; the namespace's loopback up. Throws Internal with the kernel's error (the
   * caller deletes the host end).
   */
  addVeth(o: RtnlVeth): Promise<void>;
  /**
   * Deletes link `name` of the daemon's namespace (a veth: both ends go at once, where the
   * kernel's own cleanup of a dead namespace is asynchronous). Throws Internal with the
   * kernel's error ("RTNETLINK answers: No such device" when it is not there).
   */
  deleteLink(name: string): Promise<void>;
}

/** Loads the client; undefined when koffi or libc cannot be loaded (callers spawn ip then). */
export function createRtnl(deps: { log: Logger }): Rtnl | undefined {
  let libc: Libc;
  let thread: ThreadNetns;
  try {
    const lib = koffi.load('libc.so.6');
    libc = {
      socket: lib.func('int socket(int, int, int)') as Libc['socket'],
      send: lib.func('long send(int, const void *, size_t, int)') as Libc['send'],
      recv: lib.func('long recv(int, void *, size_t, int)') as Libc['recv'],
      close: lib.func('int close(int)') as Libc['close'],
    };
    thread = createThreadNetns(deps);
  } catch (e) {
    deps.log.warn('rtnetlink through koffi unavailable, spawning ip', { err: (e as Error).message });
    return undefined;
  }
  /** iproute2's wording of an errno where it has one, else its name. */
  const strerror = (n: number): string => {
    const name = errnoName(n);
    return STRERROR[name] ?? name;
  };
  let seq = 0;
  /** One call on koffi's worker threads; here, synchronously, when koffi's queue of async calls is full. */
  const call = (fn: Libc['send'], fd: number, b: Buffer, len: number) =>
    new Promise<number>((resolve, reject) => {
      try {
        fn.async(fd, b, len, 0, (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)));
      } catch {
        try {
          resolve(fn(fd, b, len, 0));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });

  function open(nsFd?: number): number {
    if (nsFd !== undefined) {
      const entered = thread.enter(nsFd);
      if (entered !== 0) throw internal(`setns: ${strerror(entered)}`);
    }
    const fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    const err = fd < 0 ? koffi.errno() : 0;
    if (nsFd !== undefined) thread.leave();
    if (fd < 0) throw internal(`netlink socket: ${strerror(err)}`);
    return fd;
  }

  /** One request of a batch. */
  interface Req {
    type: number;
    flags: number;
    body: Buffer;
  }

  /**
   * Sends requests in one message (the kernel handles them in order, each on its own) and
   * returns each one's reply payload (after the header; a NLMSG_ERROR's for acknowledged ones).
   * Throws Internal with the first failed request's error, once all were answered.
   */
  async function requests(fd: number, reqs: Req[]): Promise<Buffer[]> {
    const first = seq + 1;
    seq += reqs.length;
    const msg = Buffer.concat(reqs.flatMap((r, i) => {
      const head = Buffer.alloc(16);
      head.writeUInt32LE(16 + r.body.length, 0);
      head.writeUInt16LE(r.type, 4);
      head.writeUInt16LE(NLM_F_REQUEST | r.flags, 6);
      head.writeUInt32LE(first + i, 8);
      return [head, r.body, Buffer.alloc((4 - (r.body.length % 4)) % 4)];
    }));
    if ((await call(libc.send, fd, msg, msg.length)) !== msg.length) throw internal('netlink send failed');
    const replies: (Buffer | undefined)[] = reqs.map(() => undefined);
    const errors: (number | undefined)[] = reqs.map(() => undefined);
    let left = reqs.length;
    const buf = Buffer.alloc(32768);
    while (left > 0) {
      const n = await call(libc.recv, fd, buf, buf.length);
      if (n <= 0) throw internal('netlink recv failed');
      for (let off = 0; off + 16 <= n; ) {
        const len = buf.readUInt32LE(off);
        if (len < 16) break;
        const i = buf.readUInt32LE(off + 8) - first;
        if (i >= 0 && i < reqs.length && replies[i] === undefined) {
          replies[i] = Buffer.from(buf.subarray(off + 16, off + len));
          if (buf.readUInt16LE(off + 4) === NLMSG_ERROR && buf.readInt32LE(off + 16) !== 0) errors[i] = -buf.readInt32LE(off + 16);
          left--;
        }
        off += (len + 3) & ~3;
      }
    }
    const failed = errors.find((e) => e !== undefined);
    if (failed !== undefined) throw internal(`RTNETLINK answers: ${strerror(failed)}`);
    return replies as Buffer[];
  }

  const create = NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
  const byName = (name: string, flags = 0, change = 0, attrs: Attr[] = []) => Buffer.concat([ifinfo(0, flags, change), encodeAttrs([[IFLA_IFNAME, str(name)], ...attrs])]);
  const noAddrGenAttr: Attr = [IFLA_AF_SPEC, [[AF_INET6, [[IFLA_INET6_ADDR_GEN_MODE, u8(IN6_ADDR_GEN_MODE_NONE)]]]]];

  return {
    async deleteLink(name) {
      const fd = open();
      try {
        await requests(fd, [{ type: RTM_DELLINK, flags: NLM_F_ACK, body: byName(name) }]);
      } finally {
        libc.close(fd);
      }
    },

    async addVeth(o) {
      const [addr, bitsText] = o.cidr.split('/');
      const bits = Number(bitsText);
      if (!addr || !Number.isInteger(bits) || bits < 0 || bits > 32) throw internal(`invalid address: ${o.cidr}`);
      const nsFd = openSync(o.netns, fsc.O_RDONLY);
      let host = -1;
      let inner = -1;
      try {
        host = open();
        inner = open(nsFd);
        const mtu = u32(Math.trunc(o.mtu));
        const masterIndex = Number(readFileSync(`/sys/class/net/${o.bridge}/ifindex`, 'utf8').trim());
        if (!Number.isInteger(masterIndex) || masterIndex <= 0) throw internal(`cannot find device "${o.bridge}"`);
        const peer = Buffer.concat([ifinfo(0), encodeAttrs([[IFLA_IFNAME, str(o.ifname)], [IFLA_MTU, mtu], [IFLA_ADDRESS, mac(o.mac)], [IFLA_NET_NS_FD, u32(nsFd)]])]);
        // Host end: created on its bridge, no IPv6 address generation, up.
        await requests(host, [
          { type: RTM_NEWLINK, flags: create, body: byName(o.hostIfname, 0, 0, [
            [IFLA_MTU, mtu],
            [IFLA_MASTER, u32(masterIndex)],
            [IFLA_LINKINFO, [[IFLA_INFO_KIND, str('veth')], [IFLA_INFO_DATA, [[VETH_INFO_PEER, peer]]]]],
          ]) },
          { type: RTM_SETLINK, flags: NLM_F_ACK, body: byName(o.hostIfname, 0, 0, [noAddrGenAttr]) },
          { type: RTM_SETLINK, flags: NLM_F_ACK, body: byName(o.hostIfname, IFF_UP, IFF_UP) },
        ]);
        // Hairpin: a container reaching its own published port through the host comes back out of its own port.
        const hairpin = writeFile(`/sys/class/net/${o.hostIfname}/brport/hairpin_mode`, '1');
        const containerSide = async () => {
          const [, , link] = await requests(inner, [
            { type: RTM_SETLINK, flags: NLM_F_ACK, body: ifinfo(1, IFF_UP, IFF_UP) }, // lo is always index 1 in a namespace
            { type: RTM_SETLINK, flags: NLM_F_ACK, body: byName(o.ifname, 0, 0, [noAddrGenAttr]) },
            { type: RTM_GETLINK, flags: 0, body: byName(o.ifname) },
          ]);
          const index = link!.length >= 16 ? link!.readInt32LE(4) : 0;
          if (index <= 0) throw internal(`cannot find device "${o.ifname}"`);
          const ifa = Buffer.from([AF_INET, bits, 0, 0, 0, 0, 0, 0]);
          ifa.writeUInt32LE(index, 4);
          const batch: Req[] = [
            { type: RTM_NEWADDR, flags: create, body: Buffer.concat([ifa, encodeAttrs([[IFA_LOCAL, ip4(addr)], [IFA_ADDRESS, ip4(addr)]])]) },
            { type: RTM_SETLINK, flags: NLM_F_ACK, body: ifinfo(index, IFF_UP, IFF_UP) },
          ];
          if (o.gateway) {
            const rt = Buffer.from([AF_INET, 0, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, 0, RTN_UNICAST, 0, 0, 0, 0]);
            batch.push({ type: RTM_NEWROUTE, flags: create, body: Buffer.concat([rt, encodeAttrs([[RTA_GATEWAY, ip4(o.gateway)], [RTA_OIF, u32(index)]])]) });
          }
          await requests(inner, batch);
        };
        // Both settle before the sockets close; the first error is the one reported.
        const [h, c] = await Promise.allSettled([hairpin, containerSide()]);
        if (h.status === 'rejected') throw h.reason;
        if (c.status === 'rejected') throw c.reason;
      } finally {
        if (host >= 0) libc.close(host);
        if (inner >= 0) libc.close(inner);
        closeSync(nsFd);
      }
    },
  };
}
