#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (as root), builds Tensorscope and opens the bundled demo.
# Without a display it runs under xvfb-run and saves a screenshot (demo-screenshot.png) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec build/app/tensorscope --demo "$@"
fi
echo "No display found: running under xvfb-run and saving demo-screenshot.png" >&2
xvfb-run -a -s "-screen 0 1400x900x24" build/app/tensorscope --demo \
  --select "layer_with_weights-0/kernel" --screenshot demo-screenshot.png
