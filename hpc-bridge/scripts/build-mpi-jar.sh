#!/usr/bin/env bash
# Builds the Open MPI Java bindings, mpi.jar, into ${FEDMESH_MPI_DIR:-~/.fedmesh/mpi}.
# Debian's libopenmpi ships libmpi_java.so but no mpi.jar: the Java classes are in the openmpi
# source package. We fetch it through a PRIVATE apt configuration (its own deb-src list, lists and
# cache directories; /etc/apt is never touched), unpack only ompi/mpi/java/java/*.java and javac them.
# Skips when the jar already exists. Exits 1 with a reason when it cannot build the jar.
set -euo pipefail
mpi_dir=${FEDMESH_MPI_DIR:-$HOME/.fedmesh/mpi}
jar_path="$mpi_dir/mpi.jar"
if [ -s "$jar_path" ]; then
  echo "mpi.jar: already built at $jar_path"
  exit 0
fi
fail() { echo "mpi.jar: $*" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || fail "apt-get not found (this script needs Debian's openmpi source package)"
command -v dpkg-query >/dev/null 2>&1 || fail "dpkg-query not found"
# The sources must match the installed library: libmpi_java.so and mpi.jar call each other by name.
version=$(dpkg-query -W -f='${Version}' libopenmpi-dev 2>/dev/null || true)
version=${version%%+b*}  # a binNMU (+bN) has the source version without it
[ -n "$version" ] || fail "libopenmpi-dev is not installed (run install-hpc-deps.sh as root)"
ls /usr/lib/*/openmpi/lib/libmpi_java.so >/dev/null 2>&1 || fail "libmpi_java.so not found under /usr/lib/*/openmpi/lib"

javac_bin=javac
jar_bin=jar
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
  javac_bin="$JAVA_HOME/bin/javac"
  jar_bin="$JAVA_HOME/bin/jar"
fi
command -v "$javac_bin" >/dev/null 2>&1 || fail "javac not found (set JAVA_HOME to a JDK)"

work=$(mktemp -d /tmp/fedmesh-mpi-src.XXXXXX)
trap 'rm -rf "$work"' EXIT
apt_dir="$work/apt"
mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$work/src"

# Mirror and release as the system already uses them (a CI mirror keeps working); deb.debian.org otherwise.
. /etc/os-release
codename=${VERSION_CODENAME:-bookworm}
mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)
[ -n "$mirror" ] || mirror=$(grep -hsE '^deb +(\[[^]]*\] +)?http' /etc/apt/sources.list | sed -E 's/^deb +(\[[^]]*\] +)?//' | awk '{print $1}' | grep -v security | head -n1 || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed=""
[ -f "$keyring" ] && signed="[signed-by=$keyring] "
echo "deb-src ${signed}${mirror} ${codename} main" >"$apt_dir/sources.list"
apt_opts=(-q -oDir::Etc::SourceList="$apt_dir/sources.list" -oDir::Etc::SourceParts="$apt_dir/parts"
  -oDir::State::Lists="$apt_dir/lists" -oDir::Cache="$apt_dir/cache" -oAPT::Sandbox::User=root
  -oDebug::NoLocking=1)

echo "mpi.jar: fetching openmpi $version sources from $mirror ($codename) into a private apt directory"
apt-get "${apt_opts[@]}" update >"$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log" >&2; fail "apt-get update of the private deb-src list failed"; }
# Ask for the installed upstream version first (same ABI as libmpi_java.so), then whatever the release has.
(cd "$work/src" && { apt-get "${apt_opts[@]}" source --download-only "openmpi=$version" >>"$work/apt.log" 2>&1 \
  || apt-get "${apt_opts[@]}" source --download-only openmpi >>"$work/apt.log" 2>&1; }) \
  || { tail -n 20 "$work/apt.log" >&2; fail "apt-get source --download-only openmpi failed"; }
orig=$(ls "$work"/src/openmpi_*.orig.tar.* 2>/dev/null | head -n1)
[ -n "$orig" ] || fail "no openmpi_*.orig.tar.* among the downloaded sources"

mkdir -p "$work/x"
tar -xf "$orig" -C "$work/x" --wildcards '*/ompi/mpi/java/java/*.java'
java_src=$(find "$work/x" -type d -path '*/ompi/mpi/java/java' | head -n1)
[ -n "$java_src" ] || fail "ompi/mpi/java/java not found in $orig"
mkdir -p "$work/classes"
"$javac_bin" -nowarn -encoding UTF-8 --release 17 -d "$work/classes" "$java_src"/*.java 2>"$work/javac.log" \
  || { tail -n 20 "$work/javac.log" >&2; fail "javac of the Open MPI Java sources failed"; }
mkdir -p "$mpi_dir"
"$jar_bin" --create --file "$work/mpi.jar" -C "$work/classes" .
mv -f "$work/mpi.jar" "$jar_path"   # atomic: a half-written jar never appears at the final path
echo "mpi.jar: built $jar_path from $(basename "$orig") ($(ls "$java_src"/*.java | wc -l) sources)"
