#!/usr/bin/env bash
# Parse speed of pot-nats-config on a generated ~1 MB config, side by side with nats-server -t
# (figures in docs/BENCHMARKS.md). Usage: bench/config/run.sh [BYTES=1048576]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
pot_nats_find_jdk
pot_nats_ensure_nats_server
# Compile the modules the bench needs (no install: the shared ~/.m2 stays untouched).
mvn -B -ntp -q -pl pot-nats-config -am compile -Djacoco.skip=true
bin="${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}"
exec java -cp "pot-nats-api/target/classes:pot-nats-config/target/classes" \
  bench/config/ParseBench.java "${1:-1048576}" "$bin"
