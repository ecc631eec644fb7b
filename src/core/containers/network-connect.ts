/**
 * `POST /networks/{id}/connect` and `/disconnect` on the container side (moby's
 * ConnectToNetwork/DisconnectFromNetwork): a stopped container only has its endpoint settings
 * updated (Docker allows both on created/exited containers); a running one is connected or
 * disconnected live through the network service, and its /etc/hosts gains or loses the line of
 * the address. Docker's messages for host, none and `container:` modes.
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { EndpointSettings } from '../../api/types.js';
import { internal, invalidArgument, notFound, permissionDenied } from '../../lib/errors.js';
import { writeFileVolatile } from '../../lib/atomic-file.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import { NET_ERRORS, isContainerMode, modeNetworkName, usesNetworkService, validateEndpoint } from './network-mode.js';
import { networkRequest } from './network-attach.js';
import { configuredNetworks } from './network-settings.js';
import { selfNames } from './etc-files.js';

function removalError(id: string) {
  return internal(`Container ${id} is marked for removal and cannot be connected or disconnected to the network`);
}

/**
 * Connects container `ref` to `network`. Throws NotFound (container, network), InvalidArgument
 * (Docker's mode conflicts, endpoint settings), the network service's errors for a running one.
 */
export async function connectNetwork(ctx: Ctx, ref: string, network: string, config: EndpointSettings): Promise<void> {
  const networks = ctx.deps.networks;
  if (!networks) throw notFound(`network ${network} not found`);
  const rec = ctx.find(ref);
  await ctx.lock.with(rec.id, async () => {
    if (ctx.removing.has(rec.id) || rec.state.Dead) throw removalError(rec.id);
    const net = networks.resolve(network);
    const mode = rec.hostConfig.NetworkMode || 'default';
    if (isContainerMode(mode)) throw invalidArgument(NET_ERRORS.sharedNetwork);
    if (mode !== 'host' && net.driver === 'host') throw invalidArgument(NET_ERRORS.hostNetwork);
    const configured = configuredNetworks(ctx, rec);
    if (configured.some((n) => n.id === net.id || n.name === net.name)) {
      if (rec.state.Running) throw permissionDenied(`endpoint with name ${rec.name.slice(1)} already exists in network ${net.name}`);
      return; // Docker: a duplicate on a stopped container is ignored
    }
    // moby's updateNetworkSettings: the host network shares nothing, `none` joins nothing else.
    for (const n of configured) {
      if (n.name === 'host' || net.driver === 'host') throw invalidArgument(NET_ERRORS.sharedNetwork);
      if (n.name === 'none' || net.driver === 'null') throw invalidArgument(NET_ERRORS.noNetwork);
    }
    validateEndpoint(ctx, net.name, config);
    const given: EndpointSettings = { ...config, NetworkID: net.id };
    if (rec.state.Running && usesNetworkService(ctx, rec)) {
      const ep = await networks.connect(networkRequest(ctx, rec), net.name, given, rec.state.Pid);
      if (ep?.ipv4) {
        await appendFile(rec.paths.hosts, `${ep.ipv4}\t${selfNames(rec.config.Hostname ?? '', rec.config.Domainname).join(' ')}\n`).catch((e) =>
          ctx.log.warn('cannot update hosts file', { id: rec.id, error: (e as Error).message }),
        );
      }
    }
    rec.endpoints = { ...rec.endpoints, [net.name]: given };
    if (rec.modeDetached && isModeNetwork(rec, net)) rec.modeDetached = undefined;
    await ctx.persist(rec);
  });
}

/**
 * Disconnects container `ref` from `network`. Throws NotFound (container; network unless
 * `force` on a stopped container), InvalidArgument (host network), Internal (`container X is
 * not connected to the network Y`).
 */
export async function disconnectNetwork(ctx: Ctx, ref: string, network: string, force: boolean): Promise<void> {
  const networks = ctx.deps.networks;
  if (!networks) throw notFound(`network ${network} not found`);
  const rec = ctx.find(ref);
  await ctx.lock.with(rec.id, async () => {
    let net: ReturnType<typeof networks.resolve> | undefined;
    let lookupError: unknown;
    try {
      net = networks.resolve(network);
    } catch (e) {
      lookupError = e;
    }
    const configured = configuredNetworks(ctx, rec);
    if (!rec.state.Running || (!net && force)) {
      if (ctx.removing.has(rec.id) || rec.state.Dead) throw removalError(rec.id);
      const name = net?.name ?? network;
      const keys = Object.keys(rec.endpoints).filter((k) => k === name || k === network || (net && (k === net.id || (k === 'default' && net.name === 'bridge'))));
      if (!configured.some((n) => n.name === name) && keys.length === 0) throw internal(`container ${rec.id} is not connected to the network ${name}`);
      const endpoints = { ...rec.endpoints };
      for (const k of keys) delete endpoints[k];
      rec.endpoints = endpoints;
      if (isModeNetwork(rec, net ?? { id: '', name })) rec.modeDetached = true;
      await ctx.persist(rec);
      if (net) ctx.deps.events.emit('network', 'disconnect', net.id, { container: rec.id, name: net.name, type: net.driver });
      return;
    }
    if (!net) throw lookupError;
    const mode = rec.hostConfig.NetworkMode || 'default';
    if (mode === 'host' && net.driver === 'host') throw invalidArgument(NET_ERRORS.hostNetwork);
    const live = networks.endpointsOf(rec.id).get(net.name);
    if (!live) throw internal(`container ${rec.id} is not connected to network ${net.name}`);
    await networks.disconnect(rec.id, net.name);
    await dropHostsLine(rec, live.ipv4).catch((e) => ctx.log.warn('cannot update hosts file', { id: rec.id, error: (e as Error).message }));
    const endpoints = { ...rec.endpoints };
    for (const k of Object.keys(endpoints)) if (k === net.name || k === net.id || k === network) delete endpoints[k];
    rec.endpoints = endpoints;
    if (isModeNetwork(rec, net)) rec.modeDetached = true;
    await ctx.persist(rec);
  });
}

/** True when `net` is the container's NetworkMode network. */
function isModeNetwork(rec: ContainerRecord, net: { id: string; name: string }): boolean {
  const mode = rec.hostConfig.NetworkMode || 'default';
  const name = modeNetworkName(mode);
  return name === net.name || (net.id !== '' && (mode === net.id || net.id.startsWith(mode)));
}

async function dropHostsLine(rec: ContainerRecord, ip: string): Promise<void> {
  if (!ip) return;
  const text = await readFile(rec.paths.hosts, 'utf8');
  const kept = text.split('\n').filter((l) => !l.startsWith(`${ip}\t`));
  await writeFileVolatile(rec.paths.hosts, kept.join('\n'));
}
