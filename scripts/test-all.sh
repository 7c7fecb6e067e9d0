#!/usr/bin/env bash
# The whole test suite from a clean clone on Debian 12 (as root): installs what it needs, builds,
# runs every C++ test (ctest), the TensorFlow conformance suite against both pinned TensorFlow
# versions, and checks that regenerating the fixtures with TensorFlow reproduces the committed ones.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export BUILD_DIR="${BUILD_DIR:-build}"
VENVS="${TSCOPE_VENV_DIR:-$HOME/.cache/tensorscope/venvs}"
step() { printf '\n=== %s (%s)\n' "$1" "$(date +%H:%M:%S)"; }

step "dependencies"
bash scripts/install-deps.sh
bash scripts/setup-tf-envs.sh

step "build"
bash scripts/build.sh

step "C++ tests (ctest)"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j 2 --timeout 900

step "C++ tests again under AddressSanitizer + UndefinedBehaviorSanitizer"
bash scripts/test-sanitizers.sh

step "fuzz smoke run (${TSCOPE_FUZZ_SECONDS:-60} s per harness; long runs: scripts/fuzz.sh 600)"
bash scripts/fuzz.sh "${TSCOPE_FUZZ_SECONDS:-60}"

step "TensorFlow conformance suite"
export TSCOPE_CLI="$ROOT/$BUILD_DIR/app/tensorscope-cli"
for tag in tf215 tfcur; do
  step "conformance with $tag ($("$VENVS/$tag/bin/python" -c 'import importlib.metadata as m; print(m.version("tensorflow-cpu"))' 2>/dev/null))"
  TSCOPE_TF_TAG="$tag" "$VENVS/$tag/bin/python" -m pytest -q -p no:cacheprovider tests/conformance
done

step "fixture regeneration matches the committed fixtures"
for tag in tf215 tfcur; do
  "$VENVS/$tag/bin/python" tests/oracle/compare_regenerated.py --tag "$tag"
done
step "all tests passed"
# Reached only when every suite passed (set -e stops at the first failure with its exit status).
echo "suites: 7 passed, 0 failed"
