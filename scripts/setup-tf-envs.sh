#!/usr/bin/env bash
# Creates (or reuses) the two pinned TensorFlow environments the oracle needs:
#   tf215  -> tensorflow-cpu 2.15.1 (Keras 2 era)
#   tfcur  -> tensorflow-cpu 2.21.0 (current 2.x, Keras 3)
# Location: $TSCOPE_VENV_DIR (default ~/.cache/tensorscope/venvs). Prints nothing on reuse.
set -euo pipefail
ROOT="${TSCOPE_VENV_DIR:-$HOME/.cache/tensorscope/venvs}"
PY="${TSCOPE_PYTHON:-python3}"
declare -A PINS=( [tf215]="tensorflow-cpu==2.15.1" [tfcur]="tensorflow-cpu==2.21.0" )
mkdir -p "$ROOT"
for name in tf215 tfcur; do
  venv="$ROOT/$name"
  want="${PINS[$name]}"
  stamp="$venv/.tscope-pins"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    continue
  fi
  echo "setting up $venv ($want)" >&2
  rm -rf "$venv"
  "$PY" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "$want" pytest "numpy<2.3"
  echo "$want" > "$stamp"
done
