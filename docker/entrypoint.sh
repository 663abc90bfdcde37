#!/bin/bash
# The image's entrypoint, installed as /home/runner/bin/pot-nats. It only picks the files and then
# replaces itself with the JVM (exec): the JVM becomes the container's main process, so SIGTERM
# from the runtime reaches pot-nats directly and no shell stays in between to swallow it.
# Arguments pass through unchanged: 'docker run IMAGE -DV' runs 'pot-nats -DV', which hands -DV
# to nats-server. ubi-micro ships bash (no package manager), which is why this is a bash script.
#
# POT_NATS_JAVA_HOME and POT_NATS_LIB exist for tests and for running the same layout outside
# the image; JAVA_TOOL_OPTIONS adds JVM options without rebuilding (the JVM reads it itself).
# An AOT cache (JEP 483/514) at $lib/pot-nats.aot is used when present, as scripts/run.sh does;
# the image ships none (docs/IMAGE.md), a derived image may add one trained with jvm.options.
set -euo pipefail

java_home="${POT_NATS_JAVA_HOME:-/home/runner/java}"
lib="${POT_NATS_LIB:-/home/runner/lib}"

aot=()
if [[ -f "$lib/pot-nats.aot" ]]; then
  aot=("-XX:AOTCache=$lib/pot-nats.aot")
fi

exec "$java_home/bin/java" "@$lib/jvm.options" "${aot[@]}" -jar "$lib/pot-nats.jar" "$@"
