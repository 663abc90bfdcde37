#!/usr/bin/env bash
# Runs pot-nats on the image's default config (docker/server.conf), as the image would, but with
# every path under .run/ so that any user can write them. Builds pot-nats.jar first when it is
# missing or stale, and an AOT cache for it. Extra arguments go to nats-server
# (scripts/run.sh -DV). Ctrl-C stops nats-server and the wrapper cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pot_nats_find_jdk
pot_nats_ensure_nats_server
pot_nats_build_jar

run="$PWD/.run"
mkdir -p "$run/config" "$run/data" "$run/certs" "$run/jwt" "$run/creds"
# The image's store_dir (/home/runner/data) is not writable here: point it at .run/data.
sed "s#/home/runner/data#$run/data#" docker/server.conf >"$run/config/server.conf"

export NATS_CONF="$run/config/server.conf"
export NATS_ACCOUNTS="$run/config/accounts.conf"
export NATS_SSL_DIR="$run/certs"
export NATS_JWT_DIR="$run/jwt"
export NATS_CREDS_DIR="$run/creds"
export NATS_MONITOR_PORT="${NATS_MONITOR_PORT:-8222}"

aot=$(pot_nats_aot_cache)
echo "pot-nats: client port 4222, monitoring http://127.0.0.1:$NATS_MONITOR_PORT, data in $run/data; Ctrl-C stops" >&2
exec java @docker/jvm.options ${aot:+-XX:AOTCache=$aot} -jar pot-nats-launcher/target/pot-nats.jar "$@"
