#!/usr/bin/env bash
# `tensorscope --startup-timing` on small fixtures, the main window and the compare window: every step line
# is printed once, in order (main, qapplication, opened, first-paint), with non-decreasing times, and the
# process exits 0; a path that cannot open exits 1 with a `failed` line. No timing is asserted.
# Usage: test_startup_timing.sh TENSORSCOPE FIXTURES_DIR
set -euo pipefail
app="$1"
fixtures="$2"
base="$fixtures/tf215/cmp_variants/base/ckpt"
perturbed="$fixtures/tf215/cmp_variants/perturbed/ckpt"
export QT_QPA_PLATFORM=offscreen
# A private settings home, so a saved window state of the user's never plays a part.
XDG_CONFIG_HOME="$(mktemp -d)"
export XDG_CONFIG_HOME
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT

check() { # NAME ARGS...: runs the app, checks the step lines
    local name="$1"
    shift
    local out
    out="$(timeout 120 "$app" --startup-timing "$@")" || {
        echo "FAIL $name: exit code $?"
        echo "$out"
        exit 1
    }
    echo "$out" | python3 -c '
import sys
name = sys.argv[1]
lines = [l.split() for l in sys.stdin.read().splitlines() if l.startswith("startup-timing ")]
steps = [l[1] for l in lines]
want = ["main", "qapplication", "opened", "first-paint"]
if steps != want:
    sys.exit(f"FAIL {name}: steps {steps}, want {want}")
times = [float(l[2]) for l in lines]
if any(t < 0 for t in times) or times != sorted(times):
    sys.exit(f"FAIL {name}: times not non-decreasing: {times}")
print(f"ok {name}: " + ", ".join(f"{s} {t:.0f} ms" for s, t in zip(steps, times)))
' "$name"
}

check "main window" "$base.index"
check "compare window" --compare "$base" "$perturbed"

# A path that does not open: a failed line, exit code 1.
set +e
out="$(timeout 120 "$app" --startup-timing "$fixtures/does-not-exist.index" 2>/dev/null)"
rc=$?
set -e
if [[ $rc -ne 1 ]] || ! grep -q '^startup-timing failed ' <<<"$out"; then
    echo "FAIL missing file: exit code $rc, output: $out"
    exit 1
fi
echo "ok missing file: exit code 1, $(grep '^startup-timing failed' <<<"$out" | cut -c1-80)"
