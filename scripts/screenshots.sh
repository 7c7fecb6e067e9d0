#!/usr/bin/env bash
# Starts the real app on corpus artifacts and the demo, selects a variable and saves screenshots.
# Usage: scripts/screenshots.sh [path/to/tensorscope] [output dir]
# Uses the X display if there is one, xvfb-run if installed, else Qt's offscreen platform.
set -euo pipefail
cd "$(dirname "$0")/.."
APP="${1:-build/app/tensorscope}"
OUT="${2:-screenshots}"
CORPUS="${TSCOPE_CORPUS_DIR:-$PWD/../shared/corpus}"
mkdir -p "$OUT"
run() {
  if [ -n "${DISPLAY:-}" ] || [ "${QT_QPA_PLATFORM:-}" = offscreen ]; then "$APP" "$@"
  elif command -v xvfb-run >/dev/null; then xvfb-run -a -s "-screen 0 1400x900x24" "$APP" "$@"
  else QT_QPA_PLATFORM=offscreen "$APP" "$@"; fi
}
shoot() { # name path [--select VAR]
  local name="$1" path="$2"; shift 2
  run "$path" "$@" --screenshot "$OUT/$name.png"
  test -s "$OUT/$name.png" || { echo "no screenshot for $name" >&2; exit 1; }
}
shoot tf2-training-checkpoint "$CORPUS/ckpt-tf2-a2c-3ckpts" --select critic/hidden2/kernel
shoot savedmodel-signatures "$CORPUS/keras-tf27-heart-savedmodel" --view savedmodel
shoot savedmodel-variable "$CORPUS/keras-tf27-heart-savedmodel" --select layer_with_weights-1/kernel
shoot tf1-checkpoint "$CORPUS/tf1-estimator-widedeep-5ckpts" --select dnn/hiddenlayer_0/kernel
shoot no-signatures-warning "$CORPUS/tf115-savedmodel-2shards" --view savedmodel
shoot error-legacy-v1 "$CORPUS/tf1-legacy-v1-ckpt-vocal"
if [ -d resources/demo/saved_model ]; then
  shoot demo-savedmodel resources/demo/saved_model --view savedmodel
  shoot demo-values resources/demo/saved_model --select layer_with_weights-0/kernel --view values
  shoot demo-heatmap resources/demo/saved_model --select layer_with_weights-1/kernel --view heatmap
  shoot demo-training-run resources/demo/training_run --view summary
fi
echo "screenshots in $OUT"
