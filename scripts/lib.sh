# shellcheck shell=bash
# Shared by scripts/run.sh, scripts/test.sh and .ci/run: finds JDK 25 and nats-server.

# Sets JAVA_HOME to a JDK whose major version is 25 or newer: $JAVA_HOME first, then
# /usr/lib/jvm/*. Prints one line and fails when there is none.
pot_nats_find_jdk() {
  local candidate version major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && [ -f "$candidate/release" ] || continue
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)"/\1/p' "$candidate/release")
    major=${version%%[.+-]*}
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "pot-nats: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*); install one, e.g. 'apt-get install temurin-25-jdk', or set JAVA_HOME" >&2
  return 1
}

# Makes sure nats-server can be found as pot-nats looks for it; installs Debian's package when
# running as root, otherwise prints the command to run. The other tools the tests need are
# installed the same way (pot_nats_ensure_test_tools, pot_nats_ensure_podman, below).
pot_nats_ensure_nats_server() {
  if [ -n "${NATS_SERVER_BIN:-}" ] && [ -x "$NATS_SERVER_BIN" ]; then return 0; fi
  if command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ]; then return 0; fi
  pot_nats_apt_install "nats-server is missing (or set NATS_SERVER_BIN)" nats-server
}

# Builds pot-nats-launcher/target/pot-nats.jar when it is missing or older than any pom or main
# source file. Needs pot_nats_find_jdk first. Tests are skipped: scripts/test.sh runs them.
pot_nats_build_jar() {
  local jar=pot-nats-launcher/target/pot-nats.jar
  if [ -f "$jar" ] && [ -z "$(find pom.xml ./*/pom.xml ./*/src/main -newer "$jar" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  echo "pot-nats: building $jar" >&2
  # The shaded jar replaces the launcher's plain jar under the same name: when only another
  # module changed, maven-jar-plugin would keep that file and shade would keep the old copies of
  # the other modules' classes in it. Removing it makes every build re-shade.
  rm -f "$jar" pot-nats-launcher/target/pot-nats.aot
  mvn -B -ntp -q -DskipTests -Dlibrary.jars.skip=true package -pl pot-nats-launcher -am >&2
}

# Prints the path of an AOT cache for pot-nats.jar and docker/jvm.options (JDK 25, JEP 514),
# making it first when it is missing or older than either: a training run starts nats-server on
# random loopback ports through the wrapper, waits until it runs, and stops it with SIGTERM.
# Prints nothing (and the caller runs without a cache) when the training run fails.
pot_nats_aot_cache() {
  local jar=pot-nats-launcher/target/pot-nats.jar cache=pot-nats-launcher/target/pot-nats.aot
  if [ -f "$cache" ] && [ "$cache" -nt "$jar" ] && [ "$cache" -nt docker/jvm.options ]; then
    echo "$cache"
    return 0
  fi
  local dir pid
  dir=$(mktemp -d)
  echo 'port: -1' >"$dir/server.conf"
  rm -f "$cache"
  echo "pot-nats: training run for the AOT cache $cache" >&2
  NATS_CONF="$dir/server.conf" NATS_MONITOR_PORT=0 NATS_SHUTDOWN_TIMEOUT=10s \
    java @docker/jvm.options -XX:AOTCacheOutput="$cache" -jar "$jar" -a 127.0.0.1 >/dev/null 2>"$dir/log" &
  pid=$!
  # Until the watcher runs, so that its classes are in the cache too.
  for _ in $(seq 1 200); do
    grep -q 'watching ' "$dir/log" 2>/dev/null && break
    sleep 0.1
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  if [ -f "$cache" ]; then echo "$cache"; fi
}

# Installs Debian packages when running as root; otherwise prints what to install. $1: what needs
# them (for the message); the rest: package names.
pot_nats_apt_install() {
  local why=$1
  shift
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "pot-nats: $why: installing Debian's $*" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 </dev/null || {
      echo "pot-nats: 'apt-get install $*' failed" >&2
      return 1
    }
    return 0
  fi
  echo "pot-nats: $why; install it with 'sudo apt-get install $*'" >&2
  return 1
}

# Installs shellcheck (EntrypointTest runs it) when missing.
pot_nats_ensure_shellcheck() {
  command -v shellcheck >/dev/null 2>&1 || pot_nats_apt_install "shellcheck is missing" shellcheck
}

# podman and runc, for the image build and the container scenarios (make image-standin,
# make image-test); docker/standin/containers.conf selects runc (crun fails on this kind of host).
pot_nats_ensure_podman() {
  if command -v podman >/dev/null 2>&1 && { command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ]; }; then
    return 0
  fi
  pot_nats_apt_install "podman and runc are missing" podman runc
}

# Every tool a test of 'scripts/test.sh' needs besides the JDK.
pot_nats_ensure_test_tools() {
  pot_nats_ensure_nats_server && pot_nats_ensure_shellcheck && pot_nats_ensure_openssl
}

# testkit's TlsFixture makes the test certificates with the openssl command.
pot_nats_ensure_openssl() {
  command -v openssl >/dev/null 2>&1 || pot_nats_apt_install "openssl is missing" openssl
}
