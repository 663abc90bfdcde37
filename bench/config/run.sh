#!/usr/bin/env bash
# Parse speed of pot-nats-config on a generated ~1 MB config, side by side with nats-server -t
# (figures in docs/BENCHMARKS.md). Usage: bench/config/run.sh [BYTES=1048576]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
pot_nats_find_jdk
pot_nats_ensure_nats_server
# Compile the modules the bench needs (no install: the shared ~/.m2 stays untouched) and write the
# config module's runtime class path (slf4j-api, which NatsConfigReader logs through).
mvn -B -ntp -q -pl pot-nats-config -am compile -Djacoco.skip=true \
  org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
  -Dmdep.includeScope=runtime -Dmdep.outputFile=target/bench-classpath.txt
bin="${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}"
exec java -cp "pot-nats-api/target/classes:pot-nats-config/target/classes:$(cat pot-nats-config/target/bench-classpath.txt)" \
  bench/config/ParseBench.java "${1:-1048576}" "$bin"
