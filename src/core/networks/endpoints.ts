/**
 * Endpoint state of running containers: one sandbox per container (its endpoints, published
 * ports, own upstream nameservers, pid), persisted as
 * `<execRoot>/networks/endpoints/<container-id>.json` (volatile writes: the exec root does not
 * survive a reboot, and neither do the containers) so a restarted daemon re-adopts them.
 */
import path from 'node:path';
import { readdir, readFile, rm, mkdir } from 'node:fs/promises';
import { writeFileVolatile } from '../../lib/atomic-file.js';
import type { PortBinding } from '../../api/types.js';
import type { EndpointState } from './index.js';

/** One published port as reserved and programmed. */
export interface SandboxPort {
  proto: 'tcp' | 'udp' | 'sctp';
  /** "" for every address. */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  /** Address and bridge of the endpoint the port forwards to ("" when the container has no bridge endpoint). */
  containerIp: string;
  bridge: string;
}

/** The network state of one container. */
export interface Sandbox {
  containerId: string;
  containerName: string;
  /** The container's pid when known (re-adopted, connected, or activated through the pid). */
  pid?: number;
  /**
   * The container's persistent network namespace file (`<execRoot>/netns/<id12>`), made by
   * prepare and removed by release; absent for sandboxes plumbed into a process's own namespace.
   */
  netns?: string;
  activated: boolean;
  /** Primary first. */
  endpoints: EndpointState[];
  ports: SandboxPort[];
  /** NetworkSettings.Ports. */
  portMap: Record<string, PortBinding[] | null>;
  /** The container's own `--dns` servers (upstreams of the embedded DNS for it). */
  dns?: string[];
  /** Network id of the endpoint that holds the default route. */
  gatewayNetworkId?: string;
}

/** Reads and writes sandbox files under one directory. */
export interface SandboxFiles {
  /** Writes a sandbox's file. Throws fs errors. */
  save(sb: Sandbox): Promise<void>;
  /** Removes a sandbox's file. Never throws. */
  remove(containerId: string): Promise<void>;
  /** Every readable sandbox file (corrupt ones are removed). Never throws. */
  loadAll(): Promise<Sandbox[]>;
}

/** Sandbox files under `dir` (created on first save). */
export function sandboxFiles(dir: string): SandboxFiles {
  let made = false;
  const fileOf = (id: string) => path.join(dir, `${id}.json`);
  return {
    async save(sb) {
      if (!made) {
        await mkdir(dir, { recursive: true });
        made = true;
      }
      await writeFileVolatile(fileOf(sb.containerId), JSON.stringify(sb));
    },
    async remove(id) {
      await rm(fileOf(id), { force: true }).catch(() => undefined);
    },
    async loadAll() {
      const names = await readdir(dir).catch(() => [] as string[]);
      const out: Sandbox[] = [];
      for (const n of names) {
        if (!n.endsWith('.json')) continue;
        try {
          const sb = JSON.parse(await readFile(path.join(dir, n), 'utf8')) as Sandbox;
          if (sb && typeof sb.containerId === 'string' && Array.isArray(sb.endpoints)) out.push(sb);
          else await rm(path.join(dir, n), { force: true });
        } catch {
          await rm(path.join(dir, n), { force: true }).catch(() => undefined);
        }
      }
      return out;
    },
  };
}
