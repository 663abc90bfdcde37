#!/usr/bin/env bash
# Image runtime benchmark: size of the jlink'd runtime (as docker/Dockerfile links it) beside the
# full JDK, and pot-nats' time-to-ready, resident memory after 10 s idle and 'pot-nats version'
# time on each, with bare nats-server's time-to-ready measured in the same run.
#
#   bench/image/run.sh                 # after 'scripts/test.sh -pl docker -am' built pot-nats.jar
#   RUNS=20 IDLE=10 bench/image/run.sh
#   JAR=/path/pot-nats.jar JVM_OPTIONS=/path/jvm.options bench/image/run.sh
#
# Prints a Markdown table for docs/BENCHMARKS.md. Needs: JDK 25 (scripts/lib.sh finds it),
# nats-server, curl, python3 (free ports). Ports are free ones on 127.0.0.1, never 4222/8222.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
pot_nats_find_jdk
pot_nats_ensure_nats_server

RUNS=${RUNS:-10}
IDLE=${IDLE:-10}
JAR=${JAR:-pot-nats-launcher/target/pot-nats.jar}
JVM_OPTIONS=${JVM_OPTIONS:-docker/jvm.options}
NATS_SERVER=${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}
for f in "$JAR" "$JVM_OPTIONS"; do
  [ -f "$f" ] || { echo "bench/image: '$f' is missing (build pot-nats.jar with 'scripts/test.sh -pl docker -am')" >&2; exit 1; }
done
JAR=$(realpath "$JAR")
JVM_OPTIONS=$(realpath "$JVM_OPTIONS")

work=$(mktemp -d /tmp/pot-nats-bench-image.XXXXXX)
cleanup() {
  local pid
  # start_and_wait runs in a command substitution, so the pids it started are kept in a file.
  if [ -f "$work/pids" ]; then
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$work/pids"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "-"} else if (NR%2) {print a[(NR+1)/2]} else {print int((a[NR/2]+a[NR/2+1])/2)}}'; }

# The runtime the image ships, as docker/Dockerfile's runtime stage makes it: jlink, then the
# default CDS archive dumped with the image's JVM options (so that it matches them, e.g.
# compact object headers).
modules=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' docker/jlink.modules | tr -d ' \t' | paste -sd, -)
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
  --output "$work/rt-nocds" >/dev/null
cp -a "$work/rt-nocds" "$work/rt"
"$work/rt/bin/java" "@$JVM_OPTIONS" -Xshare:dump >/dev/null

mib() { du -sk "$1" | awk '{printf "%.1f", $1/1024}'; }

# Starts CMD... with a fresh config; echoes "pid ms-to-healthz".
start_and_wait() {
  local dir mon client start pid
  dir=$(mktemp -d "$work/run.XXXXXX")
  mon=$(free_port)
  client=$(free_port)
  mkdir -p "$dir/data" "$dir/jwt" "$dir/creds" "$dir/certs"
  printf 'listen: 127.0.0.1:%s\njetstream { store_dir: "%s" }\n' "$client" "$dir/data" >"$dir/server.conf"
  start=$(now_ms)
  NATS_CONF="$dir/server.conf" NATS_MONITOR_PORT="$mon" NATS_SERVER_BIN="$NATS_SERVER" \
    NATS_JWT_DIR="$dir/jwt" NATS_CREDS_DIR="$dir/creds" NATS_SSL_DIR="$dir/certs" \
    NATS_ACCOUNTS="$dir/accounts.conf" NATS_CLIENT_URL="nats://127.0.0.1:$client" \
    BENCH_MON="$mon" "$@" >"$dir/log" 2>&1 &
  pid=$!
  echo "$pid" >>"$work/pids"
  until curl -fs -o /dev/null "http://127.0.0.1:$mon/healthz"; do
    kill -0 "$pid" 2>/dev/null || { echo "bench/image: '$*' exited; log:" >&2; cat "$dir/log" >&2; exit 1; }
    sleep 0.005
  done
  echo "$pid $(($(now_ms) - start))"
}

# The process was started inside a command substitution, so it is not this shell's child and
# 'wait' cannot be used: poll until it is gone (SIGKILL after 30 s).
stop() {
  local i
  kill -TERM "$1" 2>/dev/null || true
  for ((i = 0; i < 3000; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.01
  done
  kill -KILL "$1" 2>/dev/null || true
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# Runtimes measured: name|java_home|extra JVM options (space-separated, no spaces inside).
runtimes=(
  "full JDK 25|$JAVA_HOME|"
  "jlink, no CDS archive|$work/rt-nocds|"
  "jlink + CDS (the image's)|$work/rt|"
  "jlink + CDS + AOT cache|$work/rt|-XX:AOTCache=$work/pot-nats.aot"
)
# JEP 483/514 AOT cache from a training run as the image would make it: start, ready, SIGTERM.
out=$(start_and_wait "$work/rt/bin/java" "@$JVM_OPTIONS" -XX:AOTCacheOutput="$work/pot-nats.aot" -jar "$JAR")
read -r pid ms <<<"$out"
sleep 1
stop "$pid"
[ -f "$work/pot-nats.aot" ] || { echo "bench/image: the AOT training run wrote no cache" >&2; exit 1; }

# One round runs every variant once, so that load from other processes drifts over all of them
# alike (the machine this was written on is shared).
declare -A ready version
bare=()
for ((i = 0; i < RUNS; i++)); do
  # shellcheck disable=SC2016 # expanded by the inner bash, from the environment start_and_wait sets
  out=$(start_and_wait bash -c 'exec "$0" -c "$NATS_CONF" -m "$BENCH_MON"' "$NATS_SERVER")
  read -r pid ms <<<"$out"
  bare+=("$ms")
  stop "$pid"
  for entry in "${runtimes[@]}"; do
    IFS='|' read -r name home opts <<<"$entry"
    read -r -a extra <<<"$opts"
    out=$(start_and_wait "$home/bin/java" "@$JVM_OPTIONS" "${extra[@]}" -jar "$JAR")
    read -r pid ms <<<"$out"
    ready[$name]+="$ms "
    stop "$pid"
    t0=$(now_ms)
    "$home/bin/java" "@$JVM_OPTIONS" "${extra[@]}" -jar "$JAR" version >/dev/null
    version[$name]+="$(($(now_ms) - t0)) "
  done
done

echo "JDK: $JAVA_HOME ($(java -version 2>&1 | head -1)); nats-server: $("$NATS_SERVER" --version); runs: $RUNS; idle: ${IDLE}s"
echo "JVM options: $(sed -e 's/#.*//' "$JVM_OPTIONS" | tr -s '\n ' '  ')"
echo "AOT cache: $(mib "$work/pot-nats.aot") MiB (not counted in the size column)"
echo
echo "| runtime | size (MiB) | time-to-ready, median (ms) | 'pot-nats version', median (ms) | wrapper RSS after ${IDLE}s idle (MiB) |"
echo "|---|---|---|---|---|"
echo "| bare nats-server (no wrapper) | - | $(printf '%s\n' "${bare[@]}" | median) | - | - |"
for entry in "${runtimes[@]}"; do
  IFS='|' read -r name home opts <<<"$entry"
  read -r -a extra <<<"$opts"
  out=$(start_and_wait "$home/bin/java" "@$JVM_OPTIONS" "${extra[@]}" -jar "$JAR")
  read -r pid ms <<<"$out"
  sleep "$IDLE"
  rss=$(rss_kib "$pid")
  stop "$pid"
  printf '| %s | %s | %s | %s | %.1f |\n' "$name" "$(mib "$home")" \
    "$(tr ' ' '\n' <<<"${ready[$name]}" | sed '/^$/d' | median)" \
    "$(tr ' ' '\n' <<<"${version[$name]}" | sed '/^$/d' | median)" \
    "$(awk '{print $1/1024}' <<<"$rss")"
done
