#!/bin/sh
# A one-key store: `INCR` adds one to /data/counter and prints it, `GET` prints it.
read -r cmd
f=/data/counter
n=$(cat "$f" 2>/dev/null || echo 0)
case "$cmd" in
  INCR*) n=$((n + 1)); echo "$n" > "$f.tmp" && mv "$f.tmp" "$f" ;;
esac
echo "$n"
