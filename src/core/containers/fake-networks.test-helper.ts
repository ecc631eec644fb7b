/** A fake network service for the container service's unit tests (see FakeNetworks). */
import type { ContainerNetworkRequest, EndpointState, SandboxPlan } from '../networks/index.js';
import type { EndpointSettings, PortBinding } from '../../api/types.js';
import { internal, notFound } from '../../lib/errors.js';

interface FakeNet {
  id: string;
  name: string;
  driver: string;
  predefined: boolean;
  subnet: string;
  next: number;
}

/**
 * A fake network service: predefined bridge (10.99.0.0/24), host, none, plus `addNetwork`
 * user bridges; addresses given in order; ports bound as asked (`takenPorts` fail like Docker);
 * `calls` records prepare/activate/release/connect/disconnect/reconcile/renamed.
 */
export class FakeNetworks {
  readonly calls: string[] = [];
  readonly nets: FakeNet[] = [];
  readonly live = new Map<string, Map<string, EndpointState>>();
  readonly ports = new Map<string, Record<string, PortBinding[] | null>>();
  readonly requests = new Map<string, ContainerNetworkRequest>();
  readonly takenPorts = new Set<string>();
  failActivate: string | undefined;
  readonly defaults = { bridgeName: 'pier0', gateway: '10.99.0.1' };

  constructor() {
    this.addNetwork('bridge', 'bridge', true, '10.99.0');
    this.addNetwork('host', 'host', true, '');
    this.addNetwork('none', 'null', true, '');
  }
  /** Adds a network; `subnet` is the first three octets of its /24. */
  addNetwork(name: string, driver = 'bridge', predefined = false, subnet = `10.98.${this.nets.length}`): FakeNet {
    const id = (name.charCodeAt(0).toString(16) + String(this.nets.length)).padEnd(64, 'e');
    const n = { id, name, driver, predefined, subnet, next: 2 };
    this.nets.push(n);
    return n;
  }
  private find(ref: string): FakeNet {
    const n = this.nets.find((x) => x.id === ref || x.name === ref) ?? this.nets.filter((x) => x.id.startsWith(ref)).at(0);
    if (!n || ref === '') throw notFound(`network ${ref} not found`);
    return n;
  }
  resolve(ref: string) {
    const n = this.find(ref);
    return { id: n.id, name: n.name, driver: n.driver, predefined: n.predefined };
  }
  private endpoint(req: ContainerNetworkRequest, net: FakeNet, idx: number, given?: EndpointSettings): EndpointState {
    const ip = given?.IPAMConfig?.IPv4Address || `${net.subnet}.${net.next++}`;
    const user = !net.predefined;
    return {
      networkId: net.id,
      networkName: net.name,
      endpointId: ('e' + req.id.slice(0, 8) + net.id.slice(0, 4)).padEnd(64, '0'),
      containerId: req.id,
      containerName: req.name,
      driver: 'bridge',
      ifname: `eth${idx}`,
      mac: '02:42:' + ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join(':'),
      ipv4: ip,
      prefixLen: 24,
      gateway: `${net.subnet}.1`,
      ipamConfig: given?.IPAMConfig ?? null,
      aliases: given?.Aliases ?? [],
      dnsNames: user ? [req.name, ...(given?.Aliases ?? []), req.id.slice(0, 12)] : [],
      links: [],
    };
  }
  async prepare(req: ContainerNetworkRequest): Promise<SandboxPlan> {
    this.calls.push(`prepare ${req.id}`);
    this.requests.set(req.id, req);
    const primary = this.find(req.networkMode === 'default' ? 'bridge' : req.networkMode);
    const eps = new Map<string, EndpointState>();
    const givenFor = (n: FakeNet) => Object.entries(req.endpoints).find(([k]) => this.find(k === 'default' ? 'bridge' : k).id === n.id)?.[1];
    eps.set(primary.name, this.endpoint(req, primary, 0, givenFor(primary)));
    for (const k of Object.keys(req.endpoints)) {
      const n = this.find(k === 'default' ? 'bridge' : k);
      if (!eps.has(n.name)) eps.set(n.name, this.endpoint(req, n, eps.size, req.endpoints[k]));
    }
    const ports: Record<string, PortBinding[] | null> = {};
    for (const p of req.exposedPorts) ports[p] = null;
    for (const [p, bs] of Object.entries(req.portBindings)) {
      ports[p] = (bs ?? []).map((b) => ({ HostIp: b.HostIp || '0.0.0.0', HostPort: b.HostPort || '32768' }));
      for (const b of ports[p]!) {
        if (this.takenPorts.has(b.HostPort!)) throw internal(`Bind for ${b.HostIp}:${b.HostPort} failed: port is already allocated`);
      }
    }
    this.live.set(req.id, eps);
    this.ports.set(req.id, ports);
    return {
      endpoints: [...eps.values()],
      ports,
      nameservers: primary.predefined ? undefined : [`${primary.subnet}.1`],
      hostGatewayIp: this.defaults.gateway,
    };
  }
  async activate(id: string, pid: number) {
    this.calls.push(`activate ${id} ${pid}`);
    if (this.failActivate) {
      await this.release(id);
      throw internal(this.failActivate);
    }
  }
  async release(id: string) {
    this.calls.push(`release ${id}`);
    this.live.delete(id);
    this.ports.delete(id);
  }
  async connect(req: ContainerNetworkRequest, network: string, config: EndpointSettings, pid?: number) {
    this.calls.push(`connect ${req.id} ${network} ${pid ?? ''}`.trim());
    if (pid === undefined) return undefined;
    const eps = this.live.get(req.id) ?? new Map<string, EndpointState>();
    const n = this.find(network);
    const ep = this.endpoint(req, n, eps.size, config);
    eps.set(n.name, ep);
    this.live.set(req.id, eps);
    return ep;
  }
  async disconnect(id: string, network: string) {
    this.calls.push(`disconnect ${id} ${network}`);
    this.live.get(id)?.delete(network);
  }
  endpointsOf(id: string) {
    return new Map(this.live.get(id) ?? []);
  }
  portsOf(id: string) {
    return this.ports.get(id) ?? {};
  }
  renamed(id: string, name: string) {
    this.calls.push(`renamed ${id} ${name}`);
  }
  async reconcile(running: Map<string, number>) {
    this.calls.push(`reconcile ${[...running.keys()].join(',')}`);
    for (const id of [...this.live.keys()]) if (!running.has(id)) await this.release(id);
  }
  async close() {}
  create = async () => ({ Id: '', Warning: '' });
  inspect = () => {
    throw notFound('unused');
  };
  list = () => [];
  remove = async () => {};
  prune = async () => ({ NetworksDeleted: null });
}
