/**
 * The composition root: the only place where implementations are chosen and wired. Builds
 * every subsystem from the daemon config, re-adopts containers, and hands the route handlers
 * their Backend.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DaemonConfig } from './config.js';
import type { Backend } from './backend.js';
import type { Logger } from '../lib/log.js';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { run } from '../lib/exec.js';
import { createContentStore } from '../core/content/index.js';
import { createSnapshotter } from '../core/snapshots/index.js';
import { createEventBus } from '../core/events/index.js';
import { createRuntime } from '../core/runtime/index.js';
import { createImageService } from '../core/images/index.js';
import { createContainerService, type ContainerService } from '../core/containers/index.js';
import { createSystemService } from '../core/system/index.js';
import { createVolumeService } from '../core/volumes/index.js';
import { createNetworkService } from '../core/networks/index.js';
import { createDistributionService, type DistributionService } from '../core/distribution/index.js';
import { createBuilder } from '../core/builder/index.js';
import { readHostFacts } from '../core/system/host-facts.js';
import { PIER_VERSION } from '../version.js';

export interface Engine {
  backend: Backend;
  /** Stops watchers and flushes state; containers keep running. */
  close(): Promise<void>;
}

/** Builds the engine. Throws when the data root cannot be prepared or a subsystem fails to open. */
export async function createEngine(config: DaemonConfig, log: Logger): Promise<Engine> {
  await mkdir(config.dataRoot, { recursive: true, mode: 0o710 });
  await mkdir(config.execRoot, { recursive: true, mode: 0o700 });
  const daemonId = await loadDaemonId(config.dataRoot);

  const events = createEventBus();
  const content = await createContentStore({ root: config.dataRoot });
  const snapshots = await createSnapshotter({ root: config.dataRoot, driver: config.storageDriver });
  const runtime = await createRuntime({ log: log.child({ subsystem: 'runtime' }) }, {
    execRoot: config.execRoot,
    cgroupParent: `/pier-${daemonId.slice(0, 8)}`,
    runtimes: config.runtimes,
    defaultRuntime: config.defaultRuntime,
  });

  // The image service asks which containers use an image; the container service is built
  // after it, so the question is forwarded once both exist.
  let containersRef: ContainerService | undefined;
  let distributionRef: DistributionService | undefined;
  const images = await createImageService(
    {
      content,
      snapshots,
      log: log.child({ subsystem: 'images' }),
      containersUsing: (imageId: string) => containersRef?.usingImage(imageId) ?? [],
      emit: (action: string, id: string, attributes: Record<string, string>) => {
        void events.emit('image', action, id, attributes);
        // Compressed layers kept from registry transfers go once no image uses them.
        if (action === 'delete') void distributionRef?.collectGarbage().catch((e: unknown) => log.warn('distribution gc failed', { error: String(e) }));
      },
    },
    { root: config.dataRoot },
  );
  // Same forwarding for the volume service's in-use question.
  const volumes = await createVolumeService(
    { events, log: log.child({ subsystem: 'volumes' }), containersUsing: (name: string) => containersRef?.usingVolume?.(name) ?? [] },
    { root: config.dataRoot },
  );
  const net = config.network;
  if (net.userlandProxy !== undefined) log.debug('userland-proxy is accepted and ignored: pier holds published ports with its own listeners');
  const networks = await createNetworkService(
    { events, log: log.child({ subsystem: 'networks' }) },
    {
      root: config.dataRoot,
      execRoot: config.execRoot,
      instanceId: daemonId.slice(0, 8),
      bridge: net.bridge,
      bip: net.bip,
      fixedCidr: net.fixedCidr,
      defaultAddressPools: net.defaultAddressPools,
      ipForward: net.ipForward,
      iptables: net.iptables,
      ipMasq: net.ipMasq,
      icc: net.icc,
      mtu: net.mtu,
      defaultBindIp: net.defaultBindIp,
      resolvConf: config.resolvConf,
    },
  );
  const containers = await createContainerService(
    { runtime, images, snapshots, events, volumes, networks, log: log.child({ subsystem: 'containers' }) },
    {
      root: config.dataRoot,
      execRoot: config.execRoot,
      instanceId: daemonId.slice(0, 8),
      defaultRuntime: runtime.runtimes.default,
      defaultUlimits: Object.values(config.defaultUlimits),
      defaultShmSize: config.defaultShmSize,
      defaultLogOpts: config.logOpts,
      defaultLogDriver: config.logDriver,
      hostEtc: config.resolvConf ? { resolvConf: config.resolvConf } : undefined,
    },
  );
  containersRef = containers;
  const distribution = createDistributionService(
    {
      images,
      content,
      hasLayer: async (chainId: string) => (await snapshots.getLayer(chainId)) !== undefined,
      emit: (action: string, id: string, attributes: Record<string, string>) => void events.emit('image', action, id, attributes),
      log: log.child({ subsystem: 'distribution' }),
    },
    {
      root: config.dataRoot,
      insecureRegistries: config.insecureRegistries,
      registryMirrors: config.registryMirrors,
      // certs.d beside the daemon.json in use (tests point it at a temporary directory), then the system ones.
      certsDirs: [...new Set([...(config.configFile.startsWith('/dev/') ? [] : [path.join(path.dirname(config.configFile), 'certs.d')]), '/etc/pier/certs.d', '/etc/docker/certs.d'])],
    },
  );
  distributionRef = distribution;

  await containers.restore();

  const builder = await createBuilder({ containers, images, snapshots, pull: (ref, o) => distribution.pull(ref, o), log: log.child({ subsystem: 'builder' }) }, { root: config.dataRoot });

  const componentVersions = await probeComponentVersions(runtime.runtimes.names);
  const system = createSystemService(
    { containers, images, volumes, host: readHostFacts(), driver: snapshots.driver, runtimes: runtime.runtimes, initPath: runtime.initPath },
    {
      version: PIER_VERSION,
      gitCommit: '',
      buildTime: '',
      dataRoot: config.dataRoot,
      daemonId,
      liveRestore: config.liveRestore,
      loggingDriver: config.logDriver,
      registryMirrors: config.registryMirrors,
      insecureRegistries: config.insecureRegistries,
      componentVersions,
    },
  );
  return {
    backend: { containers, images, events, system, volumes, networks, distribution, builder, log },
    close: async () => {
      await containers.close();
      await networks.close();
      volumes.close();
      runtime.close();
      distribution.close();
    },
  };
}

/** A stable id for this daemon's data root (Docker's engine-id), created on first start. */
async function loadDaemonId(dataRoot: string): Promise<string> {
  const file = path.join(dataRoot, 'engine-id');
  try {
    const id = (await readFile(file, 'utf8')).trim();
    if (id) return id;
  } catch {
    /* first start */
  }
  const id = randomUUID();
  await writeFileAtomic(file, id);
  return id;
}

/** Versions of the low-level components for `version` (runtime, conmon, tini). */
async function probeComponentVersions(runtimes: string[]): Promise<{ name: string; version: string }[]> {
  const probes = [...runtimes.map((r) => ({ name: r, bin: r })), { name: 'conmon', bin: 'conmon' }, { name: 'docker-init', bin: 'tini' }];
  const out = await Promise.all(
    probes.map(async (p) => {
      const r = await run(p.bin, ['--version']).catch(() => undefined);
      const m = r && /(\d+\.\d+\.\d+[^\s,]*)/.exec(r.stdout + r.stderr);
      return m ? { name: p.name, version: m[1] } : undefined;
    }),
  );
  return out.filter((x): x is { name: string; version: string } => x !== undefined);
}
