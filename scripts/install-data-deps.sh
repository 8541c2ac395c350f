#!/usr/bin/env bash
# Installs the data sets the tests read, when missing: Fashion-MNIST from Debian's
# dataset-fashion-mnist package (IDX files under /usr/share/datasets/fashion-mnist).
# Needs root and apt; otherwise it says why and changes nothing (the Fashion-MNIST tests then skip
# with a printed reason, or fail under CI=true). Idempotent. Always exits 0.
set -uo pipefail
log=/tmp/fedmesh-data-deps.log
pkg=dataset-fashion-mnist

if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
  echo "data deps: $pkg already installed"
elif [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "data deps: not root or no apt-get, so $pkg not installed; run: sudo apt-get install -y $pkg"
else
  export DEBIAN_FRONTEND=noninteractive
  echo "data deps: installing $pkg from Debian (log: $log)"
  if ! { apt-get install -y -qq "$pkg" || { apt-get update -qq && apt-get install -y -qq "$pkg"; }; } >"$log" 2>&1; then
    tail -n 20 "$log"
    echo "data deps: installation failed (log above); the Fashion-MNIST tests will be skipped (or fail under CI=true)"
  else
    echo "data deps: installed $pkg"
  fi
fi
exit 0
