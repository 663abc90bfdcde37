#!/usr/bin/env bash
# Soak: the wrapper's resident memory over many reloads (issue 11: RSS rose from 47 to 57 MiB over
# the first 500 reloads and crept on). Runs the wrapper as the image does (java @docker/jvm.options
# -jar pot-nats.jar) against the real nats-server, then:
#   RELOADS config rewrites (rename into place, max_payload alternating), each waited for until
#     the wrapper logs 'reloaded nats-server' for it (config check, SIGHUP, /varz confirmation);
#   HUPS SIGHUPs to the wrapper, each waited for until it logs that it forwarded it.
# Prints VmRSS after the first 100 reloads, every 500, and at the end; the budget is the end
# within 4 MiB of the figure after 100. Figures: docs/BENCHMARKS.md, section "Soak".
#
#   bench/soak/run.sh [RELOADS] [HUPS]      defaults 3000, 1000
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
pot_nats_find_jdk
pot_nats_ensure_nats_server
pot_nats_build_jar
reloads=${1:-3000}
hups=${2:-1000}
bin=${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}
work=$(mktemp -d)
trap '[[ -n "${pid:-}" ]] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
monitor=$(free_port)
conf=$work/server.conf
write_conf() { # atomic, as an editor or kubelet writes
  printf 'listen: 127.0.0.1:%s\nmax_payload: %s\n' "$port" "$1" >"$work/.server.conf.tmp"
  mv "$work/.server.conf.tmp" "$conf"
}
write_conf 1048576
log=$work/wrapper.log
NATS_CONF=$conf NATS_SERVER_BIN=$bin NATS_MONITOR_PORT=$monitor NATS_RELOAD_DEBOUNCE=20ms \
  NATS_ACCOUNTS=$work/none NATS_SSL_DIR=$work/none NATS_JWT_DIR=$work/none NATS_CREDS_DIR=$work/none \
  java @docker/jvm.options -jar pot-nats-launcher/target/pot-nats.jar >"$log" 2>&1 &
pid=$!
count() { grep -c -- "$1" "$log" || true; }
await_count() { # PATTERN N: until the log has N lines with PATTERN (60 s at most)
  local deadline=$((SECONDS + 60))
  until (( $(count "$1") >= $2 )); do
    (( SECONDS < deadline )) || { echo "timed out waiting for '$1' #$2" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.005
  done
}
rss() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
await_count 'watching ' 1
start=$SECONDS
for ((i = 1; i <= reloads; i++)); do
  write_conf $((1048576 + (i % 2) * 1024))
  await_count 'reloaded nats-server' "$i"
  if (( i == 100 )); then base=$(rss); echo "after 100 reloads: RSS $base MiB"; fi
  if (( i % 500 == 0 )); then echo "after $i reloads: RSS $(rss) MiB ($((SECONDS - start)) s)"; fi
done
for ((i = 1; i <= hups; i++)); do
  kill -HUP "$pid"
  await_count 'SIGHUP: reloading nats-server' "$i"
done
sleep 1
end=$(rss)
echo "after $reloads reloads and $hups SIGHUPs: RSS $end MiB ($((SECONDS - start)) s); after 100 reloads: $base MiB"
awk -v b="$base" -v e="$end" 'BEGIN { d = e - b; printf "difference: %+.1f MiB (budget: within 4 MiB)\n", d; exit (d > 4 || d < -4) }'
