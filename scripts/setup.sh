#!/usr/bin/env bash
# Prepares a Debian 12 machine to build, run and test Pier. Idempotent; run as root.
#   scripts/setup.sh [--with-docker] [--no-apt] [--no-link] [--cgroups-only]
#     --with-docker   also install Debian's docker.io (a real dockerd for benchmarks and
#                     comparison runs; it is never enabled or started by this script)
#     --no-apt        skip apt-get (packages already installed)
#     --no-link       do not symlink pier/pierd into /usr/local/bin
#     --cgroups-only  only mount the missing v1 cgroup hierarchies and set favordynmods
#                     (see below), then exit
set -euo pipefail

with_docker=0 apt=1 link=1 cgroups_only=0
for arg in "$@"; do
  case "$arg" in
    --with-docker) with_docker=1 ;;
    --no-apt) apt=0 ;;
    --no-link) link=0 ;;
    --cgroups-only) cgroups_only=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
repo=$(pwd)
say() { printf '==> %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (sudo $0 $*)" >&2
  exit 1
fi

# crun (Pier's default runtime) refuses a hybrid cgroup host — tmpfs at /sys/fs/cgroup, cgroup2
# at /sys/fs/cgroup/unified — whose unified tree still holds controllers ("cgroups in hybrid
# mode not supported"). Mounting a v1 hierarchy for each such controller at
# /sys/fs/cgroup/<controller> (what systemd does on hybrid hosts) moves it off the unified tree.
# Idempotent; never fails the setup: when a mount fails, runc stays the default runtime.
# PIER_CGROUP_ROOT overrides /sys/fs/cgroup (for testing in a private mount namespace).
mount_v1_cgroups() {
  local root=${PIER_CGROUP_ROOT:-/sys/fs/cgroup}
  if [ "$(stat -f -c %T "$root" 2>/dev/null)" != tmpfs ] || [ "$(stat -f -c %T "$root/unified" 2>/dev/null)" != cgroup2fs ]; then
    say "cgroups: not a hybrid host, nothing to mount"
    return 0
  fi
  local ctrls
  ctrls=$(cat "$root/unified/cgroup.controllers" 2>/dev/null || true)
  if [ -z "$ctrls" ]; then
    say "cgroups: hybrid host, no controllers on the unified tree (crun can run)"
    return 0
  fi
  local c v1 failed=0
  for c in $ctrls; do
    v1=$c
    [ "$c" = io ] && v1=blkio
    # Already bound to a v1 hierarchy? (the super options of a cgroup mount name its controllers)
    if awk -v c="$v1" '$0 ~ / - cgroup / { split($0, p, " - "); split(p[2], f, " "); n = split(f[3], o, ","); for (i = 1; i <= n; i++) if (o[i] == c) found = 1 } END { exit !found }' /proc/self/mountinfo; then
      continue
    fi
    if mkdir -p "$root/$v1" 2>/dev/null && mount -t cgroup -o "$v1" cgroup "$root/$v1" 2>/dev/null; then
      say "cgroups: mounted the v1 $v1 hierarchy at $root/$v1 (moves it off the unified tree for crun)"
    else
      echo "setup.sh: warning: cannot mount the v1 $v1 cgroup hierarchy at $root/$v1; crun refuses this host, runc stays the default runtime" >&2
      rmdir "$root/$v1" 2>/dev/null || true
      failed=1
    fi
  done
  if [ "$failed" = 0 ]; then
    ctrls=$(cat "$root/unified/cgroup.controllers" 2>/dev/null || true)
    if [ -n "$ctrls" ]; then
      echo "setup.sh: warning: the unified cgroup tree still holds: $ctrls; runc stays the default runtime" >&2
    fi
  fi
  return 0
}

# Moving a process into a cgroup (every container create and exec does) waits for an RCU grace
# period on the kernel's global cgroup threadgroup lock unless the cgroup2 tree is mounted with
# `favordynmods` (Linux 6.0+; the kernel's documented trade: cheaper task migrations, slightly
# dearer fork/exit). Measured here: `runtime exec` 25-35 ms -> 13 ms. The lock is global, so
# every engine on the host gains alike. Skipped when the kernel lacks the option, on a pure v1
# host, or with PIER_NO_FAVORDYNMODS=1. Never fails the setup.
favor_dynmods() {
  local root=${PIER_CGROUP_ROOT:-/sys/fs/cgroup} mnt
  if [ "${PIER_NO_FAVORDYNMODS:-0}" = 1 ]; then return 0; fi
  grep -qw favordynmods /sys/kernel/cgroup/features 2>/dev/null || { say "cgroups: kernel without favordynmods, left as is"; return 0; }
  if [ "$(stat -f -c %T "$root" 2>/dev/null)" = cgroup2fs ]; then mnt=$root
  elif [ "$(stat -f -c %T "$root/unified" 2>/dev/null)" = cgroup2fs ]; then mnt=$root/unified
  else say "cgroups: no cgroup2 tree, favordynmods not set"; return 0; fi
  if awk -v m="$mnt" '$2 == m && $3 == "cgroup2" && $4 ~ /(^|,)favordynmods(,|$)/ { found = 1 } END { exit !found }' /proc/mounts; then return 0; fi
  if mount -o remount,favordynmods "$mnt" 2>/dev/null; then
    say "cgroups: remounted $mnt with favordynmods (fast task migration)"
  else
    echo "setup.sh: warning: cannot remount $mnt with favordynmods; containers start a little slower" >&2
  fi
  return 0
}

if [ "$cgroups_only" = 1 ]; then
  mount_v1_cgroups || true
  favor_dynmods || true
  exit 0
fi

mount_v1_cgroups || true
favor_dynmods || true

if [ "$apt" = 1 ]; then
  pkgs=(runc crun conmon tini busybox-static zstd iproute2 nftables util-linux skopeo python3-docker docker-compose tar ca-certificates)
  [ "$with_docker" = 1 ] && pkgs+=(docker.io)
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # --no-install-recommends keeps docker.io from pulling in extras; policy-rc.d below keeps
    # the package's service from starting (we only want its binaries).
    if [ "$with_docker" = 1 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    say "Debian packages already installed"
  fi
fi

command -v node >/dev/null || { echo "setup.sh: Node.js 20 or later is required (node not found)" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "setup.sh: Node.js >= 20 required, found $(node --version)" >&2; exit 1; }

# npm ci wipes node_modules first: only run it when the installed tree does not match the lock.
if [ -d node_modules ] && npm ls --all >/dev/null 2>&1; then
  say "node_modules up to date (npm ls ok)"
else
  say "npm ci"
  npm ci --no-audit --no-fund
fi

say "npm run build"
npm run build --silent

if [ "$link" = 1 ]; then
  for b in pier pierd; do
    chmod +x "$repo/bin/$b"
    ln -sfn "$repo/bin/$b" "/usr/local/bin/$b"
  done
  say "linked /usr/local/bin/pier and /usr/local/bin/pierd"
fi

mkdir -p /etc/pier
[ -f /etc/pier/daemon.json ] || echo '{}' > /etc/pier/daemon.json
say "setup done"
