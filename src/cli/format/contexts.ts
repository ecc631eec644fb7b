/**
 * docker's list "contexts": for each list command, the default table template, the header of
 * every field usable in `--format 'table …'`, and the Go type name docker's errors mention.
 * All values were read from the real docker CLI 28 output.
 */
import type { Headers } from './items.js';
import { goMethod } from './values.js';

/** What formatItems needs to print one kind of list like docker. */
export interface ListContext {
  /** Default `table …` template (no --format, or --format table). */
  defaultTable: string;
  /** Field → header for table formats. */
  headers: Headers;
  /** Go type in `can't evaluate field X in type …`. */
  typeName: string;
}

const label = goMethod((k: string): string => k, ['string']);

/** `docker ps`; add `\t{{.Size}}` to defaultTable for --size. */
export const containerContext: ListContext = {
  defaultTable: 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}',
  headers: {
    ID: 'CONTAINER ID', Names: 'NAMES', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT',
    RunningFor: 'CREATED', Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Labels: 'LABELS',
    Mounts: 'MOUNTS', LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS', Platform: 'PLATFORM', Label: label,
  },
  typeName: '*formatter.ContainerContext',
};

/** `docker images`; with --digests use `imageDigestsTable`. */
export const imageContext: ListContext = {
  defaultTable: 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}',
  headers: {
    ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED',
    CreatedAt: 'CREATED AT', Size: 'SIZE', Containers: 'CONTAINERS', VirtualSize: 'SIZE', SharedSize: 'SHARED SIZE',
    UniqueSize: 'UNIQUE SIZE',
  },
  typeName: '*formatter.imageContext',
};

/** `docker images --digests` default table. */
export const imageDigestsTable = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

/** `docker history`. */
export const historyContext: ListContext = {
  defaultTable: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
  headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
  typeName: '*image.historyContext',
};

/** `docker volume ls`. */
export const volumeContext: ListContext = {
  defaultTable: 'table {{.Driver}}\t{{.Name}}',
  headers: {
    Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS',
    Size: 'SIZE', Group: 'GROUP', Availability: 'AVAILABILITY', Status: 'STATUS', Label: label,
  },
  typeName: '*formatter.volumeContext',
};

/** `docker network ls`. */
export const networkContext: ListContext = {
  defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
  headers: {
    ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6', Internal: 'INTERNAL',
    Labels: 'LABELS', CreatedAt: 'CREATED AT', Label: label,
  },
  typeName: '*network.networkContext',
};

/** `docker stats`. */
export const statsContext: ListContext = {
  defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}',
  headers: {
    Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %',
    NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
  },
  typeName: '*container.statsContext',
};
