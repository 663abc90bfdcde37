#!/usr/bin/env bash
# Facts of the built image, measured with podman (docs/BENCHMARKS.md, "The image, built"):
# size by layer, the Java runtime's size, time from 'podman run' to /healthz answering through a
# published port, the wrapper's (PID 1) resident memory after IDLE seconds, and 'podman stop -t 30'
# time. Containers get unique names and free 127.0.0.1 ports and are removed at exit.
#
#   make image-standin && bench/image/container.sh                 # IMAGE=localhost/pot-nats:standin
#   IMAGE=NAME RUNS=10 IDLE=10 bench/image/container.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/docker/standin/containers.conf}"

IMAGE=${IMAGE:-localhost/pot-nats:standin}
RUNS=${RUNS:-5}
IDLE=${IDLE:-10}
prefix="pot-nats-bench-$$"
cleanup() {
  local ids
  ids=$(podman ps -aq --filter "name=^$prefix" 2>/dev/null || true)
  # shellcheck disable=SC2086 # one id per word
  [ -z "$ids" ] || podman rm -f -t 0 $ids >/dev/null 2>&1 || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

echo "image $IMAGE: $(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.1f MiB", $1/1048576}')"
echo
echo "| layer (podman history, newest first) | size |"
echo "|---|---|"
podman history --no-trunc --format '{{.Size}}|{{.CreatedBy}}' "$IMAGE" | while IFS='|' read -r size by; do
  by=$(echo "$by" | sed -e 's/^\/bin\/sh -c #(nop) //' -e 's/^\/bin\/sh -c //' -e 's/|/\\|/g' | tr -s ' ' | cut -c1-100)
  echo "| \`$by\` | $size |"
done
echo
runtime_kib=$(podman run --rm --name "$prefix-du" --entrypoint /bin/bash "$IMAGE" -c 'du -sk /home/runner/java' | cut -f1)
cds_kib=$(podman run --rm --name "$prefix-cds" --entrypoint /bin/bash "$IMAGE" -c 'du -ck /home/runner/java/lib/server/*.jsa | tail -1' | cut -f1)
echo "runtime /home/runner/java: $((runtime_kib / 1024)) MiB (CDS archives $((cds_kib / 1024)) MiB)"

ready=() rss=() stop=()
for run in $(seq 1 "$RUNS"); do
  port=$(free_port)
  name="$prefix-$run"
  start=$(date +%s%N)
  podman run -d --name "$name" -p "127.0.0.1:$port:8222" "$IMAGE" >/dev/null
  until curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"; do
    sleep 0.02
    if [ $(( ($(date +%s%N) - start) / 1000000000 )) -gt 60 ]; then echo "no /healthz within 60 s" >&2; podman logs "$name" >&2; exit 1; fi
  done
  ready+=($(( ($(date +%s%N) - start) / 1000000 )))
  sleep "$IDLE"
  rss+=("$(podman exec "$name" cat /proc/1/status | awk '/^VmRSS/ {printf "%.1f", $2/1024}')")
  start=$(date +%s%N)
  podman stop -t 30 "$name" >/dev/null
  stop+=($(( ($(date +%s%N) - start) / 1000000 )))
  podman rm -f -t 0 "$name" >/dev/null
done
echo "podman run -> /healthz (ms, $RUNS runs): ${ready[*]}; median $(printf '%s\n' "${ready[@]}" | median)"
echo "wrapper (PID 1) VmRSS after ${IDLE}s idle (MiB): ${rss[*]}"
echo "podman stop -t 30 (ms): ${stop[*]}; median $(printf '%s\n' "${stop[@]}" | median)"
