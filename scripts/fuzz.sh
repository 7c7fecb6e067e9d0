#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan+UBSan) and runs each for SECONDS (default 60).
# usage: scripts/fuzz.sh [SECONDS] [harness...]     e.g. scripts/fuzz.sh 600 table bundle
# Findings are written to build-fuzz/findings/<harness>/; a summary line per harness reports
# executions and coverage. Exit status is non-zero if any harness found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER="${1:-60}"; shift || true
HARNESSES=("$@")
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=(table bundle saved_model checkpoint_state object_graph locator)
B=build-fuzz
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 # cache hits across clones
cmake -S . -B $B -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DTSCOPE_FUZZ=ON \
  -DTSCOPE_BUILD_GUI=OFF -DTSCOPE_BUILD_TESTS=OFF -DTSCOPE_BUILD_BENCH=OFF > $B.configure.log 2>&1 || { cat $B.configure.log; exit 1; }
ninja -C $B $(printf 'fuzz_%s ' "${HARNESSES[@]}") tensorscope-cli > $B.build.log 2>&1 || { tail -50 $B.build.log; exit 1; }
[ -d $B/seeds ] || python3 fuzz/make_seeds.py $B/seeds --cli $B/app/tensorscope-cli
status=0
for h in "${HARNESSES[@]}"; do
  mkdir -p $B/corpus/$h $B/findings/$h $B/seeds/$h
  log=$B/fuzz_$h.log
  # -rss_limit_mb and -timeout make resource exhaustion and hangs findings too.
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 $B/fuzz/fuzz_$h $B/corpus/$h $B/seeds/$h \
      -dict=fuzz/tscope.dict -max_total_time="$SECONDS_PER" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
      -artifact_prefix=$B/findings/$h/ -print_final_stats=1 > "$log" 2>&1; then
    echo "fuzz_$h: FOUND A PROBLEM (see $log and $B/findings/$h/)"; status=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  echo "fuzz_$h: ${SECONDS_PER}s, ${execs:-?} executions, ${cov:-coverage ?}"
done
exit $status
