#!/usr/bin/env bash
# The wrapper with 10,001 account JWTs in a full resolver (DESIGN.md budget: RSS after 5 JWT
# changes under 64 MiB; idle CPU under 20 ms over 60 s). For each of CHANGES reissued account JWTs:
# time from the write to the claims push that applied it, the push time alone, then RSS and idle
# CPU. Figures: docs/BENCHMARKS.md, section "10,001 JWTs".
#
#   bench/jwt-scale/run.sh [ACCOUNTS] [CHANGES] [IDLE_SECONDS]   defaults 10000, 5, 60
#
# BENCH_JVM_OPTS adds JVM options after the image's (e.g. -XX:NativeMemoryTracking=summary);
# BENCH_DIAG=1 writes, after the idle window, jcmd VM.native_memory (when NMT is on), GC.heap_info,
# GC.class_histogram, Thread.print and /proc/PID/smaps_rollup to bench/jwt-scale/target/diag-*.txt.
#
# The wrapper runs as the image runs it (java @docker/jvm.options, AOT cache, -jar pot-nats.jar)
# against the real nats-server, in operator mode with JetStream, NATS_PURGE_GRACE=0.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
pot_nats_find_jdk
pot_nats_ensure_nats_server
pot_nats_build_jar
aot=$(pot_nats_aot_cache)
mvn -B -ntp -q -pl pot-nats-testkit -am compile -Dspotless.check.skip=true
out=bench/jwt-scale/target
mkdir -p "$out"
cp=$(mvn -B -ntp -q -pl pot-nats-testkit dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
javac -d "$out" -cp "pot-nats-testkit/target/classes:$cp" bench/jwt-scale/JwtScaleBench.java
bin=${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}
jvm="java @docker/jvm.options${aot:+ -XX:AOTCache=$aot}${BENCH_JVM_OPTS:+ $BENCH_JVM_OPTS} -jar pot-nats-launcher/target/pot-nats.jar"
exec java -Dbench.diag="${BENCH_DIAG:-0}" -Dbench.out="$out" -cp "$out:pot-nats-testkit/target/classes:$cp" com.datasance.pot.nats.bench.jwtscale.JwtScaleBench \
  "$bin" "$jvm" "${1:-10000}" "${2:-5}" "${3:-60}"
