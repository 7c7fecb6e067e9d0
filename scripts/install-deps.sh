#!/usr/bin/env bash
# Installs the Debian 12 packages Tensorscope needs to build, test and run headless.
# Idempotent: apt-get skips what is already installed. Must run as root (or via sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
PKGS=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-qpa-plugins qt6-svg-dev
  libgl1-mesa-dev
  libprotobuf-dev protobuf-compiler
  libleveldb-dev libsnappy-dev
  libeigen3-dev libqcustomplot-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev clang-format
  libdeflate-dev
  libfarmhash-dev
  xvfb xauth fonts-dejavu-core
  python3 python3-venv
  clang libclang-rt-14-dev
  desktop-file-utils appstream xdg-utils libfile-mimeinfo-perl shared-mime-info x11-utils dpkg-dev file man-db
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
