#!/usr/bin/env bash
# Reload latency and idle cost of the wrapper with every watcher active (DESIGN.md budgets:
# change to reload applied, beyond the debounce window, p95 < 30 ms; wrapper CPU over 60 s
# idle < 20 ms). Figures: docs/BENCHMARKS.md, section "Reload".
#
#   bench/reload/run.sh [CHANGES] [QUIET_MS] [IDLE_SECONDS]   defaults 100, 200, 60
#
# The wrapper runs as the image runs it (java @docker/jvm.options, AOT cache, -jar pot-nats.jar)
# against the real nats-server; the floor is a bare nats-server and 'kill -HUP' after each write.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
pot_nats_find_jdk
pot_nats_ensure_nats_server
pot_nats_build_jar
aot=$(pot_nats_aot_cache)
mvn -B -ntp -q -pl pot-nats-testkit -am compile -Dspotless.check.skip=true
out=bench/reload/target
mkdir -p "$out"
javac -d "$out" -cp pot-nats-testkit/target/classes bench/reload/ReloadBench.java
bin=${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}
jvm="java @docker/jvm.options${aot:+ -XX:AOTCache=$aot} -jar pot-nats-launcher/target/pot-nats.jar"
exec java -cp "$out:pot-nats-testkit/target/classes" com.datasance.pot.nats.bench.reload.ReloadBench \
  "$bin" "$jvm" "${1:-100}" "${2:-200}" "${3:-60}"
