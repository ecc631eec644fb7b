#!/usr/bin/env bash
# Prepares a Debian 12 machine to build, run and test Pier. Idempotent; run as root.
#   scripts/setup.sh [--with-docker] [--no-apt] [--no-link]
#     --with-docker  also install Debian's docker.io (a real dockerd for benchmarks and
#                    comparison runs; it is never enabled or started by this script)
#     --no-apt       skip apt-get (packages already installed)
#     --no-link      do not symlink pier/pierd into /usr/local/bin
set -euo pipefail

with_docker=0 apt=1 link=1
for arg in "$@"; do
  case "$arg" in
    --with-docker) with_docker=1 ;;
    --no-apt) apt=0 ;;
    --no-link) link=0 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
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
