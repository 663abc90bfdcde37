#!/usr/bin/env bash
# Runs every test of pot-nats (unit and integration, the latter against the real nats-server).
# Extra arguments go to Maven, e.g. scripts/test.sh -pl pot-nats-config -am.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pot_nats_find_jdk
pot_nats_ensure_test_tools
# Sources and javadoc jars are for publishing (mvn install), not for every test run.
exec mvn -B -ntp -Dlibrary.jars.skip=true verify "$@"
