#!/usr/bin/env bash
# Builds and runs examples/consumer the way a newcomer's project sees the SDK: through installed
# artifacts only (the BOM, core, transport-virtio, testkit), never through the reactor.
#
#   1. installs the published modules into a private local repository (default
#      target/consumer-repo; CONSUMER_REPO=DIR to choose), never into the shared one; third-party
#      artifacts come read-only from the build's local repository through a file: mirror, so no
#      network is needed after the main build;
#   2. prints the consumer's effective dependencyManagement and fails unless it holds only
#      io.quantix.agent artifacts;
#   3. runs the consumer's tests (the testkit's JUnit 5 extension, a scripted fault, a vsock-less
#      class path) and checks its class path has no vsock transport;
#   4. starts the testkit's launcher on a temporary socket and runs the README's tour against it.
# Needs the main build first (the launcher jar): mvn -B verify, or mvn -B -DskipTests package.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
repo=${CONSUMER_REPO:-$root/target/consumer-repo}
work=$root/target/consumer-run
mkdir -p "$repo" "$work"

build_repo=${BUILD_LOCAL_REPO:-$(cd "$root" && mvn -B -q -o -N help:evaluate \
  -Dstyle.color=never -Dexpression=settings.localRepository -DforceStdout 2>/dev/null \
  | sed 's/\x1b\[[0-9;]*m//g' | tr -d '\r\n' || true)}
build_repo=${build_repo:-$HOME/.m2/repository}
url="file://$build_repo"
repo_xml="<id>central</id><url>$url</url><releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>"
cat > "$work/settings.xml" <<EOF
<settings>
  <mirrors><mirror><id>build-local</id><mirrorOf>*</mirrorOf><url>$url</url></mirror></mirrors>
  <profiles><profile><id>build-local</id>
    <repositories><repository>$repo_xml</repository></repositories>
    <pluginRepositories><pluginRepository>$repo_xml</pluginRepository></pluginRepositories>
  </profile></profiles>
  <activeProfiles><activeProfile>build-local</activeProfile></activeProfiles>
</settings>
EOF
echo "<settings/>" > "$work/global-settings.xml"
mvn_private() { mvn -B -q -s "$work/settings.xml" -gs "$work/global-settings.xml" -Dmaven.repo.local="$repo" "$@"; }

echo "consumer: installing the published modules into $repo"
(cd "$root" && mvn_private install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  -pl bom,sdk-core,sdk-transport-virtio,sdk-testkit -am)

cd "$here"
echo "consumer: effective dependencyManagement (importing only quantix-agent-bom)"
mvn_private org.apache.maven.plugins:maven-help-plugin:3.5.1:effective-pom -Doutput="$work/effective-pom.xml"
managed=$(tr -d '\n' < "$work/effective-pom.xml" | grep -o '<dependencyManagement>.*</dependencyManagement>' \
  | grep -o '<groupId>[^<]*</groupId>[[:space:]]*<artifactId>[^<]*</artifactId>[[:space:]]*<version>[^<]*</version>' \
  | sed -E 's|<groupId>([^<]*)</groupId>[[:space:]]*<artifactId>([^<]*)</artifactId>[[:space:]]*<version>([^<]*)</version>|\1:\2:\3|')
echo "$managed" | sed 's/^/  /'
if echo "$managed" | grep -qv '^io\.quantix\.agent:'; then
  echo "consumer: the BOM manages something that is not the SDK's" >&2
  exit 1
fi

echo "consumer: build and tests"
mvn_private clean verify
mvn_private dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -DincludeScope=runtime
if tr ':' '\n' < "$work/classpath.txt" | grep -q 'transport-vsock'; then
  echo "consumer: a vsock transport is on the class path" >&2
  exit 1
fi

echo "consumer: the tour against the launcher-started fake agent"
launcher=$(ls "$root"/sdk-testkit/target/quantix-agent-testkit-*-launcher.jar | head -1)
socket_dir=$(mktemp -d)
java -jar "$launcher" --socket "$socket_dir/vm-42.agent.sock" --telemetry 1s > "$work/launcher.out" 2>&1 &
launcher_pid=$!
# The launcher ends by SIGTERM (status 143): under set -e that status must not become the script's.
trap 'kill "$launcher_pid" 2>/dev/null || true; wait "$launcher_pid" 2>/dev/null || true; rm -rf "$socket_dir"' EXIT
for _ in $(seq 1 300); do
  grep -q '^ready' "$work/launcher.out" && break
  kill -0 "$launcher_pid" 2>/dev/null || { cat "$work/launcher.out" >&2; exit 1; }
  sleep 0.1
done
grep -q '^ready' "$work/launcher.out" || { echo "launcher not ready in 30 s" >&2; exit 1; }
java -cp "target/classes:$(cat "$work/classpath.txt")" com.example.agenttour.Tour \
  "unix:$socket_dir/vm-42.agent.sock" | tee "$work/tour.out"
grep -q '^exit 0: ' "$work/tour.out"
echo "consumer: passed"
