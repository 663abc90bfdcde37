#!/usr/bin/env bash
# The image built and run with podman on local stand-in bases (docs/IMAGE.md, "Stand-in build").
#   scripts/image.sh build NAME            make the stand-in bases when missing, build docker/Dockerfile
#                                          with them, tag NAME
#   scripts/image.sh test NAME [MVN ARGS]  build, then run the container scenarios (docker module,
#                                          JUnit tag 'container') against NAME
# podman reads docker/standin/containers.conf (CONTAINERS_CONF) unless CONTAINERS_CONF is set.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/docker/standin/containers.conf}"

usage() {
  echo "usage: scripts/image.sh build NAME | test NAME [MAVEN ARGS...]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
command=$1 image=$2
shift 2

build() {
  pot_nats_ensure_podman
  docker/standin/make-bases.sh
  local start=$SECONDS
  # --network host: the jar stage downloads from Maven Central (podman's default bridge network
  # needs more than this machine allows). Only build arguments differ from a release build.
  podman build --network host -f docker/Dockerfile --ignorefile docker/Dockerfile.dockerignore -t "$image" \
    --build-arg MAVEN_IMAGE=localhost/pot-nats-standin/maven-jdk:25 \
    --build-arg JDK_IMAGE=localhost/pot-nats-standin/maven-jdk:25 \
    --build-arg GO_IMAGE=localhost/pot-nats-standin/nats-bin:2.9 \
    --build-arg NATS_PREBUILT=true \
    --build-arg BASE_IMAGE=localhost/pot-nats-standin/ubi-micro:9 \
    --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    . >&2
  echo "pot-nats: built $image in $((SECONDS - start)) s" >&2
}

remove_leftovers() {
  local ids
  ids=$(podman ps -aq --filter label=pot-nats-test=true 2>/dev/null || true)
  if [ -n "$ids" ]; then
    echo "pot-nats: removing containers the tests left: $ids" >&2
    # shellcheck disable=SC2086 # one id per word
    podman rm -f -t 0 $ids >/dev/null 2>&1 || true
  fi
  ids=$(podman network ls -q --filter label=pot-nats-test=true 2>/dev/null || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # one name per word
    podman network rm -f $ids >/dev/null 2>&1 || true
  fi
}

case "$command" in
  build) build ;;
  test)
    build
    pot_nats_find_jdk
    pot_nats_ensure_nats_server
    # Each test removes its containers; this catches what a killed test JVM left behind.
    trap remove_leftovers EXIT
    # Only the container scenarios: upstream modules are compiled and packaged (their tests match
    # no -Dtest pattern, and their coverage minimums do not apply to a run without tests).
    mvn -B -ntp verify -pl docker -am -Pimage-test -Dpot.nats.image="$image" -Djacoco.skip=true -Dlibrary.jars.skip=true \
      -Dtest='com.datasance.pot.nats.docker.**' -Dsurefire.failIfNoSpecifiedTests=false "$@"
    ;;
  *) usage ;;
esac
