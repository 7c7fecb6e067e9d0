#!/usr/bin/env bash
# Runs every Qt Test executable of the build as an unprivileged user, so that nothing in the suite depends on
# running as root (CI runs as root: permission checks would be skipped there otherwise). Needs root to create
# the user `tscope-test`; as a normal user it just runs the tests as that user.
# Prints one "N passed, N failed, N skipped" line summed from the Qt Test totals.
set -euo pipefail
cd "$(dirname "$0")/.."
B="$PWD/${BUILD_DIR:-build}"
USER_NAME=tscope-test
if [ "$(id -u)" != 0 ]; then
  USER_NAME="$(id -un)"
elif ! id "$USER_NAME" > /dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
fi
# The build, the sources and the shared corpus must be readable by that user (a clone under /root is not).
if [ "$(id -u)" = 0 ]; then
  for need in "$B/tests" "$PWD/tests/fixtures" "$PWD/../shared/corpus"; do
    if ! runuser -u "$USER_NAME" -- test -r "$need" -a -x "$need"; then
      echo "cannot run as $USER_NAME: $need is not readable by an unprivileged user (clone elsewhere to run this)"
      echo "as user $USER_NAME: 0 passed, 0 failed, 1 skipped"
      exit 0
    fi
  done
fi
home=$(mktemp -d)
chown "$USER_NAME" "$home"
passed=0 failed=0 skipped=0 status=0
while IFS= read -r exe; do
  log="$home/$(basename "$exe").log"
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$USER_NAME" -- env HOME="$home" QT_QPA_PLATFORM=offscreen "$exe" > "$log" 2>&1 || status=1
  else
    env HOME="$home" QT_QPA_PLATFORM=offscreen "$exe" > "$log" 2>&1 || status=1
  fi
  totals=$(grep -E '^Totals: ' "$log" | tail -1 || true)
  echo "$(basename "$exe"): ${totals:-no totals (crashed?)}"
  if [ -z "$totals" ]; then failed=$((failed + 1)); tail -20 "$log"; continue; fi
  read -r p f s < <(sed -E 's/Totals: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/' <<<"$totals")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$f" = 0 ] || grep -E '^FAIL!' -A3 "$log"
done < <(find "$B/tests" -type f -executable -name '*_tst_*' | sort)
rm -rf "$home"
echo "as user $USER_NAME: $passed passed, $failed failed, $skipped skipped"
exit $status
