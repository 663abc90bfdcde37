#!/usr/bin/env bash
# Benchmarks of pot-nats-jetstream against the real nats-server (figures in docs/BENCHMARKS.md).
# Usage: bench/jetstream/run.sh [PLAN_ACCOUNTS=10000] [PURGE_ACCOUNTS=1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
pot_nats_find_jdk
pot_nats_ensure_nats_server
# Compile the reactor modules the bench needs (no install: the shared ~/.m2 stays untouched).
mvn -B -ntp -q -pl pot-nats-jetstream -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt -Djacoco.skip=true
cp="pot-nats-api/target/classes:pot-nats-testkit/target/classes:pot-nats-jetstream/target/classes"
cp="$cp:$(cat pot-nats-jetstream/target/bench-classpath.txt)"
exec java -Xss1m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" \
  bench/jetstream/PurgeBench.java "$@"
