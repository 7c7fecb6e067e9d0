# Shared by the packaging tests: a private temporary world (HOME, XDG dirs, runtime dir), so nothing reads or
# writes the real user's MIME database, settings or running Tensorscope, and checks counted as they run.
set -uo pipefail
PASSED=0 FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tscope-packaging.XXXXXX")
cleanup_work() { rm -rf "$WORK"; }
trap cleanup_work EXIT
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/.local/share" XDG_CONFIG_HOME="$WORK/home/.config"
export XDG_CACHE_HOME="$WORK/home/.cache" XDG_CONFIG_DIRS="$WORK/etc-xdg" XDG_RUNTIME_DIR="$WORK/runtime"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_CONFIG_DIRS" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# No desktop environment: xdg-utils then use their generic code paths (mimetype, mimeinfo.cache).
unset XDG_CURRENT_DESKTOP XDG_SESSION_DESKTOP DESKTOP_SESSION KDE_FULL_SESSION GNOME_DESKTOP_SESSION_ID
unset MATE_DESKTOP_SESSION_ID XDG_SESSION_TYPE WAYLAND_DISPLAY BROWSER
export LC_ALL=C.UTF-8
CORPUS="${TSCOPE_CORPUS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/shared/corpus}"
APP_ID=io.github.tensorscope.Tensorscope

ok() { PASSED=$((PASSED + 1)); echo "ok   $*"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
# check DESCRIPTION COMMAND...: passes when the command exits 0 (its output is shown when it does not)
check() {
  local what="$1" out
  shift
  if out=$("$@" 2>&1); then ok "$what"; else bad "$what"; printf '%s\n' "$out" | sed 's/^/     /'; fi
}
# expect DESCRIPTION WANTED ACTUAL
expect() {
  if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: wanted '$2', got '$3'"; fi
}
need() { # skip loudly rather than pass when a tool is missing (scripts/install-deps.sh installs them)
  local t
  for t in "$@"; do
    command -v "$t" > /dev/null || { echo "missing tool $t: run scripts/install-deps.sh"; echo "0 passed, 1 failed"; exit 1; }
  done
}
finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}
# install_into PREFIX BUILD_DIR: the project as `cmake --install` lays it out
install_into() {
  cmake --install "$2" --prefix "$1" > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; return 1; }
}
