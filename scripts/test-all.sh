#!/usr/bin/env bash
# The whole test suite from a clean clone on Debian 12 (as root): installs what it needs, builds, runs every
# C++ test (ctest; again pinned to one CPU in another locale and time zone; again under ASan+UBSan), fuzz smoke
# runs, the oracle checker's own tests, the TensorFlow conformance suite against both pinned TensorFlow
# versions, and checks that regenerating the fixtures with TensorFlow reproduces the committed ones.
#
# Each stage's output goes to the terminal and to $BUILD_DIR-logs/NN-stage.log. A failing stage stops the run
# and says how to run it alone. The end prints a per-stage time table and one line of totals, all counted from
# what ctest, pytest, the fuzzers and the fixture checker reported.
#   TSCOPE_FUZZ_SECONDS   seconds per fuzz harness (default 30; long runs: scripts/fuzz.sh 600)
#   TSCOPE_ONLY           space-separated stage names to run (others are listed as skipped), for debugging
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export BUILD_DIR="${BUILD_DIR:-build}"
VENVS="${TSCOPE_VENV_DIR:-$HOME/.cache/tensorscope/venvs}"
FUZZ_SECONDS="${TSCOPE_FUZZ_SECONDS:-30}"
LOGS="$ROOT/$BUILD_DIR-logs"
mkdir -p "$LOGS"
# The same code must pass anywhere: the pinned stage below uses another locale and time zone on purpose.
PINNED_ENV=(env LC_ALL=C TZ=Asia/Kathmandu taskset -c 0)

declare -a T_NAME=() T_SECS=() T_RESULT=() T_COUNTS=()
TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0
RUN_START=$(date +%s)

# counts KIND LOG -> "passed failed skipped" as the tool reported them
counts() {
  local kind="$1" log="$2" p=0 f=0 s=0 line
  case "$kind" in
    ctest)
      line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
      if [ -n "$line" ]; then
        f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
        local t; t=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
        p=$((t - f))
      fi
      s=$(grep -cE '\*\*\*Skipped|Not Run' "$log" || true) ;;
    pytest)
      line=$(grep -E '^(=+ )?[0-9]+ (passed|failed|skipped|error)' "$log" | tail -1)
      p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
      f=$(( $(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0) \
          + $(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+' || echo 0) ))
      s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0) ;;
    fuzz)
      p=$(grep -cE '^fuzz_[a-z_]+: [0-9]+s, ' "$log" || true)
      f=$(grep -c 'FOUND A PROBLEM' "$log" || true) ;;
    plain) # a "N passed, N failed" line of our own scripts
      line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
      p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
      f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
      s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0) ;;
    regen)
      p=$(grep -cE '^  same ' "$log" || true)
      f=$(grep -cE '^  MISMATCH ' "$log" || true)
      f=$((f + $(grep -cE '^(CASE LIST DIFFERS|skipped.json differs)' "$log" || true))) ;;
  esac
  echo "${p:-0} ${f:-0} ${s:-0}"
}

print_table() {
  local i now
  now=$(date +%s)
  printf '\n%-44s %8s  %-7s %s\n' "stage" "seconds" "result" "tests (passed/failed/skipped)"
  for i in "${!T_NAME[@]}"; do
    printf '%-44s %8s  %-7s %s\n' "${T_NAME[$i]}" "${T_SECS[$i]}" "${T_RESULT[$i]}" "${T_COUNTS[$i]}"
  done
  printf '%-44s %8s\n' "total" "$((now - RUN_START))"
}

summary_line() {
  echo "total: $TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
}

# stage NAME KIND HOW-TO-RUN-ALONE -- COMMAND...   (KIND: none|plain|ctest|pytest|fuzz|regen)
stage() {
  local name="$1" kind="$2" how="$3"
  shift 4
  local n=${#T_NAME[@]}
  if [ -n "${TSCOPE_ONLY:-}" ] && [[ " $TSCOPE_ONLY " != *" $name "* ]]; then
    T_NAME+=("$name"); T_SECS+=(0); T_RESULT+=("skipped"); T_COUNTS+=("")
    return 0
  fi
  local log
  log="$LOGS/$(printf '%02d' "$n")-$name.log"
  printf '\n=== %s (%s)\n' "$name" "$(date -u +%H:%M:%S)"
  local t0 rc
  t0=$(date +%s)
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  local secs=$(( $(date +%s) - t0 ))
  local c="" p f s
  if [ "$kind" != none ]; then
    read -r p f s < <(counts "$kind" "$log")
    TOTAL_PASSED=$((TOTAL_PASSED + p)); TOTAL_FAILED=$((TOTAL_FAILED + f)); TOTAL_SKIPPED=$((TOTAL_SKIPPED + s))
    c="$p/$f/$s"
    # A runner that exits 0 having run nothing is a broken stage, not a pass.
    if [ "$rc" = 0 ] && [ "$p" = 0 ] && [ "$f" = 0 ] && [ "$s" = 0 ]; then
      echo "stage '$name' reported no test at all"; rc=97
    fi
  fi
  T_NAME+=("$name"); T_SECS+=("$secs"); T_COUNTS+=("$c")
  if [ "$rc" != 0 ]; then
    T_RESULT+=("FAILED")
    [ "$kind" = none ] || [ "$f" != 0 ] || { TOTAL_FAILED=$((TOTAL_FAILED + 1)); }
    print_table
    printf '\nSTAGE FAILED: %s (exit %s)\n  log:            %s\n  run it alone:   %s\n' "$name" "$rc" "$log" "$how"
    summary_line
    exit 1
  fi
  T_RESULT+=("ok")
}

stage dependencies none "bash scripts/install-deps.sh && bash scripts/setup-tf-envs.sh" -- \
  bash -c 'bash scripts/install-deps.sh && bash scripts/setup-tf-envs.sh'

stage format none "bash scripts/check-format.sh" -- bash scripts/check-format.sh

stage build none "bash scripts/build.sh" -- bash scripts/build.sh

stage ctest ctest "ctest --test-dir $BUILD_DIR --output-on-failure -j 2" -- \
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j 2 --timeout 900

stage ctest-one-cpu-C-locale-Kathmandu ctest \
  "env LC_ALL=C TZ=Asia/Kathmandu taskset -c 0 ctest --test-dir $BUILD_DIR --output-on-failure" -- \
  "${PINNED_ENV[@]}" ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 900

stage ctest-as-unprivileged-user plain "bash scripts/test-as-user.sh" -- bash scripts/test-as-user.sh

stage sanitizers-io-model ctest "bash scripts/test-sanitizers.sh" -- bash scripts/test-sanitizers.sh

stage fuzz-smoke fuzz "bash scripts/fuzz.sh $FUZZ_SECONDS" -- bash scripts/fuzz.sh "$FUZZ_SECONDS"

stage oracle-checker-tests pytest \
  "$VENVS/tf215/bin/python -m pytest -q -p no:cacheprovider tests/oracle" -- \
  "$VENVS/tf215/bin/python" -m pytest -q -p no:cacheprovider tests/oracle

export TSCOPE_CLI="$ROOT/$BUILD_DIR/app/tensorscope-cli"
stage conformance-tf215 pytest \
  "TSCOPE_CLI=$BUILD_DIR/app/tensorscope-cli TSCOPE_TF_TAG=tf215 $VENVS/tf215/bin/python -m pytest -q tests/conformance" -- \
  env TSCOPE_TF_TAG=tf215 "$VENVS/tf215/bin/python" -m pytest -q -p no:cacheprovider tests/conformance
# The second TensorFlow also runs pinned to one CPU, in the C locale and a +05:45 time zone.
stage conformance-tfcur-one-cpu-C-locale pytest \
  "TSCOPE_CLI=$BUILD_DIR/app/tensorscope-cli TSCOPE_TF_TAG=tfcur $VENVS/tfcur/bin/python -m pytest -q tests/conformance" -- \
  env TSCOPE_TF_TAG=tfcur "${PINNED_ENV[@]}" "$VENVS/tfcur/bin/python" -m pytest -q -p no:cacheprovider tests/conformance

for tag in tf215 tfcur; do
  stage "fixture-regeneration-$tag" regen \
    "$VENVS/$tag/bin/python tests/oracle/compare_regenerated.py --tag $tag --jobs 2" -- \
    "$VENVS/$tag/bin/python" tests/oracle/compare_regenerated.py --tag "$tag" --jobs 2
done

print_table
echo
if [ -n "${TSCOPE_ONLY:-}" ]; then echo "the selected stages passed (TSCOPE_ONLY=$TSCOPE_ONLY)"; else echo "all stages passed"; fi
summary_line
