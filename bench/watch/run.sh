#!/usr/bin/env bash
# Watcher benchmarks (pot-nats-watch alone, no nats-server):
#   bench/watch/run.sh latency [CHANGES] [QUIET_MS]   write -> listener call, beyond the quiet period
#   bench/watch/run.sh idle [SECONDS] [WINDOWS]       watcher CPU per idle window (default 2 x 60 s)
# JAVA_OPTS is passed to the JVM (e.g. the image's options). Figures: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
pot_nats_find_jdk
mvn -B -ntp -q -pl pot-nats-watch,pot-nats-testkit -am compile -Dspotless.check.skip=true
m2=${MAVEN_REPO:-$HOME/.m2/repository}
version() { sed -n "s|.*<$1>\(.*\)</$1>.*|\1|p" pom.xml | head -1; }
commons_io=$(version commons-io.version)
slf4j=$(version slf4j.version)
cp=pot-nats-api/target/classes:pot-nats-watch/target/classes
cp=$cp:pot-nats-testkit/target/classes
cp=$cp:$m2/commons-io/commons-io/$commons_io/commons-io-$commons_io.jar
cp=$cp:$m2/org/slf4j/slf4j-api/$slf4j/slf4j-api-$slf4j.jar
cp=$cp:$m2/org/slf4j/slf4j-simple/$slf4j/slf4j-simple-$slf4j.jar
# A plain class-path program, outside the reactor: it reads the JVM's CPU counters, which the
# watch module itself has no reason to require.
out=bench/watch/target
mkdir -p "$out"
javac -d "$out" -cp "$cp" bench/watch/WatchBench.java
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -cp "$out:$cp" com.datasance.pot.nats.bench.watch.WatchBench "$@"
