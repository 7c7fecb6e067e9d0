#!/usr/bin/env bash
# Builds the io and model libraries and their test suites with AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/) and runs them. Part of scripts/test-all.sh. The widgets and app suites are left out to keep CI
# inside its time budget: they add a QCustomPlot build under ASan and exercise no parser or kernel of their own.
#   TSCOPE_SANITIZE_ALL=1   build and run every suite (widgets, the real app) as well
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
B="${ASAN_BUILD_DIR:-build-asan}"
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTSCOPE_SANITIZE=ON -DTSCOPE_BUILD_BENCH=OFF \
  > "$B.configure.log" 2>&1 || { cat "$B.configure.log"; exit 1; }
if [ "${TSCOPE_SANITIZE_ALL:-0}" = 1 ]; then
  ninja -C "$B" -j "${JOBS:-$(nproc)}"
  FILTER='.'
else
  mapfile -t TARGETS < <(ninja -C "$B" -t targets all | grep -oE '^(io|model)_tst_[a-z0-9_]+:' | tr -d : | sort -u)
  ninja -C "$B" -j "${JOBS:-$(nproc)}" "${TARGETS[@]}"
  FILTER='^(io|model)/'
fi
# Leaks inside Qt's platform plugins and fontconfig are not ours: suppress those libraries only.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:max_allocation_size_mb=1024:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$B" --output-on-failure -j 2 --timeout 1200 -R "$FILTER"
