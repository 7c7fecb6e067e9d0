#!/usr/bin/env bash
# Fails when a C++ file differs from what clang-format (.clang-format) makes of it.
#   scripts/check-format.sh          check, list the files that need formatting
#   scripts/check-format.sh --fix    format them in place
set -euo pipefail
cd "$(dirname "$0")/.."
CF="${CLANG_FORMAT:-clang-format}"
# Tracked files and new ones not yet added (a new file checked only after its commit slipped through once).
mapfile -t FILES < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.h' | grep -v '^io/proto/' | sort -u)
if [ "${1:-}" = "--fix" ]; then
  "$CF" -i "${FILES[@]}"
  exit 0
fi
bad=()
for f in "${FILES[@]}"; do
  "$CF" --dry-run --Werror "$f" > /dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  printf 'not formatted (%d of %d files; fix with scripts/check-format.sh --fix):\n' "${#bad[@]}" "${#FILES[@]}"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "format: ${#FILES[@]} passed, 0 failed"
