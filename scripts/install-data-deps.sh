#!/usr/bin/env bash
# Installs what the data and model tests read, when missing: Fashion-MNIST from Debian's
# dataset-fashion-mnist package (IDX files under /usr/share/datasets/fashion-mnist), and Debian's
# python3-torch, with which the TorchScript tests write a user's module
# (examples/torchscript/make_model.py), and Debian's python3-sklearn for the UCI 8x8 digits it
# ships (sklearn/datasets/data/digits.csv.gz: TabularDefaultsLearnTest). Needs root and apt; otherwise it says why and changes
# nothing (those tests then skip with a printed reason, or fail under CI=true). Idempotent.
# Always exits 0. FEDMESH_SKIP_TORCH_INSTALL=1 leaves python3-torch out (about 230 packages).
set -uo pipefail
log=/tmp/fedmesh-data-deps.log

install_pkg() {
pkg=$1
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
  echo "data deps: $pkg already installed"
elif [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "data deps: not root or no apt-get, so $pkg not installed; run: sudo apt-get install -y $pkg"
else
  export DEBIAN_FRONTEND=noninteractive
  echo "data deps: installing $pkg from Debian (log: $log)"
  if ! { apt-get install -y -qq "$pkg" || { apt-get update -qq && apt-get install -y -qq "$pkg"; }; } >"$log" 2>&1; then
    tail -n 20 "$log"
    echo "data deps: installation of $pkg failed (log above); the tests that need it will be skipped (or fail under CI=true)"
  else
    echo "data deps: installed $pkg"
  fi
fi
}

install_pkg dataset-fashion-mnist
install_pkg python3-sklearn
if [ "${FEDMESH_SKIP_TORCH_INSTALL:-0}" != 1 ]; then
  install_pkg python3-torch
fi
exit 0
