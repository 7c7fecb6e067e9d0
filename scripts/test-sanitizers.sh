#!/usr/bin/env bash
# Builds the libraries and the whole C++ test suite with AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/) and runs every ctest test there. Part of scripts/test-all.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
B="${ASAN_BUILD_DIR:-build-asan}"
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTSCOPE_SANITIZE=ON -DTSCOPE_BUILD_BENCH=OFF \
  > "$B.configure.log" 2>&1 || { cat "$B.configure.log"; exit 1; }
ninja -C "$B" -j "${JOBS:-$(nproc)}"
# Leaks inside Qt's platform plugins and fontconfig are not ours: suppress those libraries only.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:max_allocation_size_mb=1024:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# The screenshot test starts the app via a script; everything else is a Qt Test executable.
ctest --test-dir "$B" --output-on-failure -j 2 --timeout 1200
