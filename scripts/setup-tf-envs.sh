#!/usr/bin/env bash
# Creates (or reuses) the two pinned TensorFlow environments the oracle needs:
#   tf215  -> tensorflow-cpu 2.15.1 (Keras 2 era)
#   tfcur  -> tensorflow-cpu 2.21.0 (current 2.x, Keras 3)
# Every package in them (keras, numpy, ml_dtypes, protobuf, pytest, ...) is pinned by
# tests/oracle/constraints-<tag>.txt, so a new release on PyPI cannot change what the fixtures hold.
# Location: $TSCOPE_VENV_DIR (default ~/.cache/tensorscope/venvs). Prints nothing on reuse.
#   --refreeze   rewrite the constraints files from the venvs (after a deliberate upgrade)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="${TSCOPE_VENV_DIR:-$HOME/.cache/tensorscope/venvs}"
PY="${TSCOPE_PYTHON:-python3}"
declare -A PINS=( [tf215]="tensorflow-cpu==2.15.1" [tfcur]="tensorflow-cpu==2.21.0" )

if [ "${1:-}" = "--refreeze" ]; then
  for name in tf215 tfcur; do
    out="tests/oracle/constraints-$name.txt"
    { sed -n '1,2p' "$out"; "$ROOT/$name/bin/pip" freeze --disable-pip-version-check; } > "$out.new"
    mv "$out.new" "$out"
    echo "wrote $out"
  done
  exit 0
fi

mkdir -p "$ROOT"
for name in tf215 tfcur; do
  venv="$ROOT/$name"
  constraints="tests/oracle/constraints-$name.txt"
  want="${PINS[$name]} $(sha256sum "$constraints" | cut -c1-16)"
  stamp="$venv/.tscope-pins"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    continue
  fi
  echo "setting up $venv (${PINS[$name]}, constraints $constraints)" >&2
  rm -rf "$venv"
  "$PY" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -c "$constraints" "${PINS[$name]}" pytest numpy jsonschema safetensors
  echo "$want" > "$stamp"
done
