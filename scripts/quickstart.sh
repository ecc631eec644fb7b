#!/usr/bin/env bash
# Quick start: set up the machine, start pierd in the background, load the busybox fixture
# image (built locally from busybox-static, nothing is pulled) and run a first container.
#   sudo ./scripts/quickstart.sh [setup.sh options]
# Environment: PIER_SOCKET (default /run/pier/pier.sock), PIER_LOG (default /var/log/pierd.log),
#   PIER_DATA_ROOT / PIER_EXEC_ROOT (pierd's defaults /var/lib/pier and /run/pier when unset).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
socket=${PIER_SOCKET:-/run/pier/pier.sock}
log=${PIER_LOG:-/var/log/pierd.log}
pidfile="$(dirname "$socket")/pierd.quickstart.pid"
daemon_args=(-H "unix://$socket")
[ -n "${PIER_DATA_ROOT:-}" ] && daemon_args+=(--data-root "$PIER_DATA_ROOT")
[ -n "${PIER_EXEC_ROOT:-}" ] && daemon_args+=(--exec-root "$PIER_EXEC_ROOT")
say() { printf '==> %s\n' "$*"; }

"$repo/scripts/setup.sh" "$@"

export PIER_HOST="unix://$socket" DOCKER_HOST="unix://$socket"
ping_ok() { curl -fsS --max-time 2 --unix-socket "$socket" http://pier/_ping >/dev/null 2>&1 || \
  node -e "require('http').get({socketPath:process.argv[1],path:'/_ping'},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))" "$socket"; }

if ping_ok; then
  say "pierd already answers on $socket"
else
  mkdir -p "$(dirname "$socket")" "$(dirname "$log")"
  say "starting pierd (socket $socket, log $log)"
  nohup node "$repo/dist/pierd.mjs" "${daemon_args[@]}" >>"$log" 2>&1 </dev/null &
  echo $! > "$pidfile"
  for _ in $(seq 1 100); do ping_ok && break; sleep 0.1; done
  ping_ok || { echo "pierd did not start; last lines of $log:" >&2; tail -n 30 "$log" >&2; exit 1; }
  say "pierd is up (pid $(cat "$pidfile"))"
fi

say "building and loading the busybox fixture image"
tarball=$(node "$repo/scripts/make-busybox-image.mjs")
"$repo/bin/pier" load -i "$tarball"

say "running a container"
"$repo/bin/pier" run --rm busybox echo "Hello from Pier"
cat <<MSG

Pier is running. Try:
  export DOCKER_HOST=unix://$socket
  pier ps -a            # or the docker CLI: docker ps -a
  pier run -it --rm busybox sh
Stop it with: kill \$(cat $pidfile)
MSG
