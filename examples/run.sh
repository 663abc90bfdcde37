#!/usr/bin/env bash
# Builds examples/purge-tool against the installed pot-nats library artifacts, as an outside user
# would, and runs it against the real nats-server in operator mode: a 'live' account keeps its
# stream, a 'gone' account (JWT removed) loses its data. Exit 0 only when both hold.
#
# The artifacts are installed into a PRIVATE local repository (target/example-repo), never into
# ~/.m2 where other builds resolve SNAPSHOTs. Third-party artifacts come from Maven Central; when
# ~/.m2/repository exists it is read (never written) first as a file:// repository, so a warm
# machine needs no network.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pot_nats_find_jdk >/dev/null

repo="$PWD/target/example-repo"
work="$PWD/target/example-run"
mkdir -p "$repo"
rm -rf "$work" && mkdir -p "$work"
settings="$work/settings.xml"
if [[ -d "$HOME/.m2/repository" ]]; then
  cat >"$settings" <<XML
<settings><profiles><profile><id>warm</id>
  <repositories><repository><id>user-m2</id><url>file://$HOME/.m2/repository</url></repository></repositories>
  <pluginRepositories><pluginRepository><id>user-m2</id><url>file://$HOME/.m2/repository</url></pluginRepository></pluginRepositories>
</profile></profiles><activeProfiles><activeProfile>warm</activeProfile></activeProfiles></settings>
XML
else
  echo '<settings/>' >"$settings"
fi
mvn=(mvn -B -ntp -q -s "$settings" -Dmaven.repo.local="$repo")

# The library artifacts only (api, config, jetstream, testkit for the scenario, the BOM, the parent),
# with their sources and javadoc jars as a published release has them: the javadoc build fails on
# any doclint warning, and this is the one CI step that builds it.
"${mvn[@]}" install -pl pot-nats-api,pot-nats-config,pot-nats-jetstream,pot-nats-testkit,pot-nats-bom -am \
  -DskipTests -Djacoco.skip=true
"${mvn[@]}" -f examples/purge-tool/pom.xml test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath"
cp="examples/purge-tool/target/classes:examples/purge-tool/target/test-classes:$(cat "$work/classpath")"

# The README's snippet compiles as written (--release 21), inside a method with the tool's imports.
snippet="$work/snippet/example/ReadmeSnippet.java"
mkdir -p "$(dirname "$snippet")"
{
  sed -n '/^import /p' examples/purge-tool/src/main/java/example/PurgeTool.java | sed '1i package example;'
  echo 'final class ReadmeSnippet { static void run(String[] args) throws Exception {'
  awk '/^## Use pot-nats-jetstream in your tool/ {section = 1} section && /^```java/ {inside = 1; next}
       inside && /^```/ {exit} inside {print}' pot-nats-jetstream/README.md
  echo '} }'
} >"$snippet"
grep -q 'JetStreamReconciler' "$snippet" || { echo "FAIL: no java snippet found in pot-nats-jetstream/README.md"; exit 1; }
javac --release 21 -Xlint:all -Werror -cp "$cp" -d "$work/snippet/classes" "$snippet"
echo "README snippet compiles"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java --enable-native-access=ALL-UNNAMED -cp "$cp" example.Scenario setup "$work/op" "$port"
. "$work/op/keys"
bin=${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}
"$bin" -c "$CONF" >"$work/nats-server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
url="nats://127.0.0.1:$port"
for _ in $(seq 1 100); do
  grep -q "Server is ready" "$work/nats-server.log" && break
  sleep 0.1 # waiting for nats-server's ready line, bounded to 10 s
done
grep -q "Server is ready" "$work/nats-server.log" || { echo "nats-server did not start:"; cat "$work/nats-server.log"; exit 1; }

java --enable-native-access=ALL-UNNAMED -cp "$cp" example.Scenario stream "$work/op" "$url" live 25
java --enable-native-access=ALL-UNNAMED -cp "$cp" example.Scenario stream "$work/op" "$url" gone 25
before=$(java --enable-native-access=ALL-UNNAMED -cp "$cp" example.Scenario count "$work/op" "$url" live)
rm "$work/op/jwt/$GONE.jwt"

java --enable-native-access=ALL-UNNAMED -cp "$cp" example.PurgeTool "$CONF" "$SYS_CREDS" "$url" | tee "$work/tool.out"

after=$(java --enable-native-access=ALL-UNNAMED -cp "$cp" example.Scenario count "$work/op" "$url" live)
echo "live account messages: before $before, after $after"
[[ "$before" == 25 && "$after" == 25 ]] || { echo "FAIL: the live account lost messages"; exit 1; }
[[ ! -e "$STORE/jetstream/$GONE" ]] || { echo "FAIL: the removed account's data is still in $STORE/jetstream/$GONE"; exit 1; }
grep -q "purged $GONE" "$work/tool.out" || { echo "FAIL: the tool did not report the purge"; exit 1; }
echo "example OK: removed account purged, live account intact"
