#!/usr/bin/env bash
# Reload latency and idle cost of the wrapper with every watcher active (DESIGN.md budgets:
# write to reload applied (/varz config_load_time), end to end, p95 < 150 ms with the default
# NATS_RELOAD_DEBOUNCE; a burst of 100 writes in ~1 s gives 1 to 3 reloads, none failed; wrapper
# CPU over 60 s idle < 20 ms). Figures: docs/BENCHMARKS.md, sections "Reload" and "Performance
# round 2". IDLE_SECONDS 0 skips the idle window.
#
#   bench/reload/run.sh [CHANGES] [QUIET_MS] [IDLE_SECONDS]   defaults 100, 50 (the default), 60
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
  "$bin" "$jvm" "${1:-100}" "${2:-50}" "${3:-60}"
