/**
 * `--platform` of a build and `FROM --platform`: parsed as containerd's platforms.Parse does
 * (one word must be a known os or architecture; `os/arch[/variant]` is taken as given, with
 * architecture aliases normalised), and checked against a base image's config with the classic
 * builder's message. Pier builds for the host's platform only: an image of another platform
 * is refused (after a pull, when one is possible, did not bring a matching one).
 */
import { invalidArgument, notFound } from '../../lib/errors.js';

/** A parsed platform. */
export interface BuildPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'windows', 'zos']);
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);

function hostArch(): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386' };
  return map[process.arch] ?? process.arch;
}

function normArch(arch: string, variant: string | undefined): [string, string | undefined] {
  switch (arch) {
    case 'i386':
      return ['386', undefined];
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return ['amd64', variant === 'v1' ? undefined : variant];
    case 'aarch64':
    case 'arm64':
      return ['arm64', variant === '8' || variant === 'v8' ? undefined : variant];
    case 'armhf':
      return ['arm', 'v7'];
    case 'armel':
      return ['arm', 'v6'];
    case 'arm':
      return ['arm', variant === undefined || variant === '7' ? 'v7' : /^[5-8]$/.test(variant) ? `v${variant}` : variant];
    default:
      return [arch, variant];
  }
}

/** Parses a platform specifier. Throws InvalidArgument with containerd's message. */
export function parseBuildPlatform(spec: string): BuildPlatform {
  const parts = spec.toLowerCase().split('/');
  const bad = () => invalidArgument(`"${spec}": unknown operating system or architecture: invalid argument`);
  if (parts.length > 3 || parts.some((p) => p === '')) throw bad();
  const os = parts[0] === 'macos' ? 'darwin' : parts[0]!;
  if (parts.length === 1) {
    if (KNOWN_OS.has(os)) return { os, architecture: hostArch() };
    const [architecture, variant] = normArch(os, undefined);
    if (KNOWN_ARCH.has(architecture)) return { os: 'linux', architecture, ...(variant && variant !== 'v7' ? { variant } : {}) };
    throw bad();
  }
  const [architecture, variant] = normArch(parts[1]!, parts[2]);
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** `os/arch[/variant]`. */
export function formatPlatform(p: BuildPlatform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * True when an image config (os, architecture, variant) satisfies `want`. A missing variant on
 * either side matches. Never throws.
 */
export function platformMatches(want: BuildPlatform, img: { os?: string; architecture?: string; variant?: string }): boolean {
  const [arch, variant] = normArch((img.architecture ?? '').toLowerCase(), img.variant);
  return (img.os ?? 'linux') === want.os && arch === want.architecture && (!want.variant || !variant || variant === want.variant);
}

/** The classic builder's refusal of a local image of another platform (NotFound). */
export function platformMismatch(ref: string, want: BuildPlatform, img: { os?: string; architecture?: string; variant?: string }): Error {
  const have = formatPlatform({ os: img.os ?? '', architecture: img.architecture ?? '', ...(img.variant ? { variant: img.variant } : {}) });
  return notFound(`image with reference ${ref} was found but its platform (${have}) does not match the specified platform (${formatPlatform(want)})`);
}

/**
 * BuildKit's automatic platform ARGs (BUILDPLATFORM, BUILDOS, BUILDARCH, BUILDVARIANT and the
 * TARGET* ones) for a build targeting `target` (default: the host). Like global ARGs they
 * expand in FROM and reach a stage that declares them (`ARG TARGETARCH`). Never throws.
 */
export function automaticPlatformArgs(target: BuildPlatform | undefined): [string, string][] {
  const host: BuildPlatform = { os: 'linux', architecture: hostArch() };
  const t = target ?? host;
  const of = (prefix: string, p: BuildPlatform): [string, string][] => [
    [`${prefix}PLATFORM`, formatPlatform(p)],
    [`${prefix}OS`, p.os],
    [`${prefix}ARCH`, p.architecture],
    [`${prefix}VARIANT`, p.variant ?? ''],
  ];
  return [...of('BUILD', host), ...of('TARGET', t)];
}
