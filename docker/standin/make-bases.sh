#!/usr/bin/env bash
# Makes the stand-in base images that let docker/Dockerfile build and run on a machine with no
# container registry (docs/IMAGE.md, "Stand-in build"). Each is a root filesystem put together
# from this Debian host's own installed files and imported with 'podman import':
#
#   localhost/pot-nats-standin/ubi-micro:9    BASE_IMAGE: what UBI 9 micro has that matters (bash,
#                                             coreutils, glibc); no package manager, no useradd,
#                                             no curl, no ps
#   localhost/pot-nats-standin/maven-jdk:25   MAVEN_IMAGE and JDK_IMAGE: the above plus sed, grep,
#                                             find, tar, objcopy, the host's Temurin JDK 25, Maven
#   localhost/pot-nats-standin/nats-bin:2.9   GO_IMAGE with NATS_PREBUILT=true: the micro files plus
#                                             /out/nats-server (Debian's 2.9.10) and /out/nats, a
#                                             script that says it is a stand-in
#
# Usage: docker/standin/make-bases.sh [--force]   (without --force, existing images are kept)
# Needs: podman, a JDK 25 under /usr/lib/jvm (scripts/lib.sh finds it), Maven, objcopy (binutils),
# nats-server (installed when missing and root).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/docker/standin/containers.conf}"

readonly MICRO=localhost/pot-nats-standin/ubi-micro:9
readonly MAVEN_JDK=localhost/pot-nats-standin/maven-jdk:25
readonly NATS_BIN=localhost/pot-nats-standin/nats-bin:2.9
readonly PATH_IN_IMAGE=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

force=false
[ "${1:-}" = --force ] && force=true

have() { [ "$force" = false ] && podman image exists "$1"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Copies the regular files and symlinks of installed Debian packages into a root filesystem.
copy_packages() {
  local root=$1 pkg path
  shift
  for pkg in "$@"; do
    dpkg -L "$pkg" | while IFS= read -r path; do
      # Documentation, man pages and locales are not what an image ships.
      case "$path" in /usr/share/doc/* | /usr/share/man/* | /usr/share/info/* | /usr/share/locale/* | /usr/share/lintian/*) continue ;; esac
      if [ -L "$path" ] || [ -f "$path" ]; then printf '%s\n' "${path#/}"; fi
    done
  done | copy_paths "$root"
}

# Copies the host paths read from stdin (relative to /, one per line) into the root in one tar
# pipe; --keep-directory-symlink keeps the root's /lib -> usr/lib links (merged /usr).
copy_paths() {
  tar -C / --no-recursion -cf - -T - | tar -C "$1" --keep-directory-symlink -xf -
}

# Adds every shared library that an ELF file in the root needs (as ldd resolves it on the host).
copy_libraries() {
  local root=$1 file lib
  find "$root" -type f \( -perm -u+x -o -name '*.so*' \) -print0 | while IFS= read -r -d '' file; do
    ldd "$file" 2>/dev/null | awk '/=> \//{print $3} /^\s*\/lib/{print $1}' || true
  done | sort -u | while IFS= read -r lib; do
    for path in "$lib" "$(readlink -f "$lib")"; do
      [ -e "$root$path" ] || printf '%s\n' "${path#/}"
    done
  done | sort -u | copy_paths "$root"
}

# The layout every image has: merged /usr (Debian 12 and UBI 9 both), root's passwd/group, /tmp.
base_root() {
  local root=$1
  mkdir -p "$root"/{etc,tmp,root,var/tmp,proc,sys,dev,run,usr/bin,usr/sbin,usr/lib,usr/lib64}
  ln -s usr/bin "$root/bin"
  ln -s usr/sbin "$root/sbin"
  ln -s usr/lib "$root/lib"
  ln -s usr/lib64 "$root/lib64"
  chmod 1777 "$root/tmp" "$root/var/tmp"
  printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
}

import() {
  local root=$1 name=$2
  shift 2
  local changes=()
  local change
  for change in "$@"; do changes+=(--change "$change"); done
  tar -C "$root" --numeric-owner -cf "$work/rootfs.tar" .
  podman import "${changes[@]}" "$work/rootfs.tar" "$name" >"$work/import.log" 2>&1 || {
    cat "$work/import.log" >&2
    return 1
  }
  rm -f "$work/rootfs.tar"
  echo "pot-nats: made $name" >&2
}

micro_root() {
  local root=$1
  if [ -d "$work/micro" ]; then
    cp -a "$work/micro" "$root"
    return 0
  fi
  base_root "$root"
  # Paths differ from Debian's /lib -> /usr/lib merge only by where copies land: copy_packages
  # copies /lib/... into the /lib symlink, which lands in usr/lib as on the host.
  copy_packages "$root" libc6 libgcc-s1 bash coreutils
  copy_libraries "$root"
  # RHEL's bash package provides /bin/sh as well (RUN steps and scripts need it).
  ln -s bash "$root/usr/bin/sh"
  cat >"$root/etc/os-release" <<'EOF'
NAME="pot-nats stand-in for Red Hat Enterprise Linux 9 micro"
ID=pot-nats-standin
VERSION_ID=9
PRETTY_NAME="pot-nats stand-in for ubi9/ubi-micro (Debian 12 files: bash, coreutils, glibc)"
EOF
  cp -a "$root" "$work/micro"
}

if ! have "$MICRO"; then
  root="$work/micro-image"
  micro_root "$root"
  import "$root" "$MICRO" "ENV PATH=$PATH_IN_IMAGE" 'CMD ["/bin/bash"]'
fi

if ! have "$MAVEN_JDK"; then
  pot_nats_find_jdk
  root="$work/maven-jdk"
  micro_root "$root"
  copy_packages "$root" sed grep findutils gzip tar
  # objcopy: jlink --strip-debug runs it (the Temurin images install binutils for that).
  command -v objcopy >/dev/null 2>&1 || pot_nats_apt_install "objcopy is missing" binutils
  objcopy=$(readlink -f "$(command -v objcopy)")
  cp -a "$objcopy" "$root$objcopy"
  ln -sf "$(basename "$objcopy")" "$root/usr/bin/objcopy"
  # The JDK and Maven as the official images lay them out; -L copies what the host's symlinks
  # point at (Debian's cacerts, Maven's jars in /usr/share/java).
  copy_libraries "$root"
  # After copy_libraries: the JDK's own libraries need only glibc, and ldd over them is slow.
  mkdir -p "$root/opt/java" "$root/usr/share"
  cp -rL "$JAVA_HOME" "$root/opt/java/openjdk"
  maven_home=$(dirname "$(dirname "$(readlink -f "$(command -v mvn)")")")
  cp -rL "$maven_home" "$root/usr/share/maven"
  ln -s /usr/share/maven/bin/mvn "$root/usr/bin/mvn"
  import "$root" "$MAVEN_JDK" \
    "ENV JAVA_HOME=/opt/java/openjdk" "ENV MAVEN_HOME=/usr/share/maven" \
    "ENV PATH=/opt/java/openjdk/bin:$PATH_IN_IMAGE" 'CMD ["/bin/bash"]'
fi

if ! have "$NATS_BIN"; then
  pot_nats_ensure_nats_server
  server=${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}
  root="$work/nats-bin"
  micro_root "$root"
  mkdir -p "$root/out"
  cp "$server" "$root/out/nats-server"
  cat >"$root/out/nats" <<'EOF'
#!/bin/bash
# pot-nats STAND-IN for the nats CLI. The production image builds github.com/nats-io/natscli
# (docker/Dockerfile, stage 'go'); this test image was built without a Go module proxy, so there
# is no nats CLI in it. See docs/IMAGE.md, "Stand-in build".
echo "nats: this is a stand-in, not the nats CLI (test image built without the Go module proxy; see docs/IMAGE.md)" >&2
exit 127
EOF
  chmod 0755 "$root/out/nats-server" "$root/out/nats"
  import "$root" "$NATS_BIN" "ENV PATH=$PATH_IN_IMAGE"
fi
