#!/usr/bin/env bash
# Double-clicks, as a file manager does them without a desktop environment: `xdg-open FILE` under Xvfb, with
# the package installed into a temporary prefix. The first file starts tensorscope through our desktop entry
# (checked by its window title and the process behind the window); the next files go to that same process
# and open in windows of their own (data shard -> its checkpoint, `checkpoint` file -> the run's latest
# checkpoint, saved_model.pb -> the SavedModel); `--new-instance` starts a separate process.
# Usage: test_open_by_double_click.sh BUILD_DIR
if [ -z "${TSCOPE_UNDER_XVFB:-}" ]; then # a private X server, whatever display the caller has
  command -v xvfb-run > /dev/null || { echo "missing tool xvfb-run: run scripts/install-deps.sh"; echo "0 passed, 1 failed"; exit 1; }
  TSCOPE_UNDER_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
BUILD="$(cd "${1:?build dir}" && pwd)"
need cmake update-mime-database update-desktop-database xdg-open xdg-mime xwininfo xprop
PREFIX="$WORK/prefix"
install_into "$PREFIX" "$BUILD" || { echo "0 passed, 1 failed"; exit 1; }
update-mime-database "$PREFIX/share/mime" > /dev/null 2>&1 && update-desktop-database "$PREFIX/share/applications"
export XDG_DATA_DIRS="$PREFIX/share:/usr/share" PATH="$PREFIX/bin:$PATH"
unset QT_QPA_PLATFORM # the real xcb platform, as on a desktop

STARTED=() # process ids this test started, ended by id at exit
end_started() { # in the order started: xdg-open before the app it waits for
  local p
  for p in "${STARTED[@]}"; do kill "$p" 2> /dev/null; done
  cleanup_work
}
trap end_started EXIT

window_id() { # TITLE: the id of the window with exactly that title, once it exists (60 s at most)
  local id i
  for ((i = 0; i < 600; i++)); do
    id=$(xwininfo -root -tree | grep -F "\"$1\"" | awk '{print $1}' | head -1)
    [ -n "$id" ] && { echo "$id"; return 0; }
    sleep 0.1
  done
  return 1
}
window_pid() { xprop -id "$1" _NET_WM_PID | sed -n 's/.* = //p'; }
title() { printf '%s \xe2\x80\x94 Tensorscope' "$1"; } # "NAME — Tensorscope", as MainWindow sets it

xdg-open "$CORPUS/ckpt-tf2-a2c-3ckpts/ckpt-3.index" > "$WORK/first.log" 2>&1 &
XDG_OPEN=$! # waits for the app; ended before it, or it would try other ways to open the file
STARTED+=("$XDG_OPEN")
if win=$(window_id "$(title ckpt-3)"); then
  ok "double-clicking ckpt-3.index opened a window titled '$(title ckpt-3)'"
else
  bad "no window for ckpt-3.index"; cat "$WORK/first.log"; xwininfo -root -tree | grep -i tensorscope; finish; exit
fi
FIRST=$(window_pid "$win")
STARTED+=("$FIRST")
expect "the window belongs to the installed tensorscope" "$PREFIX/bin/tensorscope" "$(readlink "/proc/$FIRST/exe")"

# Each further double-click: xdg-open returns at once (the new process handed over and exited), and the
# artifact opens in a new window of the first process.
double_click() { # FILE EXPECTED-WINDOW-NAME
  local w
  if timeout 60 xdg-open "$1" > "$WORK/next.log" 2>&1; then ok "xdg-open $(basename "$1") returned"; else bad "xdg-open $1"; cat "$WORK/next.log"; fi
  if w=$(window_id "$(title "$2")"); then
    expect "$(basename "$1") opened $2 in the first process" "$FIRST" "$(window_pid "$w")"
  else
    bad "no window '$(title "$2")' for $1"; xwininfo -root -tree | grep -F Tensorscope
  fi
}
double_click "$CORPUS/tf1-estimator-widedeep-5ckpts/model.ckpt-940.data-00000-of-00001" model.ckpt-940
double_click "$CORPUS/keras-weights-charity-cp/checkpoint" cp.ckpt
double_click "$CORPUS/keras-tf27-heart-savedmodel/saved_model.pb" keras-tf27-heart-savedmodel
expect "the first window is still there" "$win" "$(window_id "$(title ckpt-3)")"

# An .index and its own shard opened together (a file manager passing both to %F) open the artifact once.
windows() { xwininfo -root -tree | grep -cE '"[^"]*Tensorscope"' || true; }
before=$(windows)
check "tensorscope ckpt-2.index ckpt-2.data-* handed over" timeout 60 tensorscope \
  "$CORPUS/ckpt-tf2-a2c-3ckpts/ckpt-2.index" "$CORPUS/ckpt-tf2-a2c-3ckpts/ckpt-2.data-00000-of-00001"
if w=$(window_id "$(title ckpt-2)"); then
  expect "ckpt-2 opened in the first process" "$FIRST" "$(window_pid "$w")"
  sleep 1 # a second window, if one were made, would exist by now
  expect "one window for the two files of one artifact" "$((before + 1))" "$(windows)"
else
  bad "no window for ckpt-2"
fi

# A second start hands over before it connects to the display: one that cannot reach the display (no X
# authority; xvfb-run's server requires it) still gives its file to the running instance and exits 0.
check "a start without access to the display hands over" env XAUTHORITY=/dev/null timeout 60 tensorscope \
  "$CORPUS/ckpt-tf2-a2c-3ckpts/ckpt-4.index"
if w=$(window_id "$(title ckpt-4)"); then
  expect "ckpt-4 opened in the first process" "$FIRST" "$(window_pid "$w")"
else
  bad "no window for ckpt-4 handed over without the display"
fi

# --new-instance: a process of its own.
tensorscope --new-instance "$CORPUS/tf1-saver-two-prefixes/train_model.ckpt.index" > "$WORK/separate.log" 2>&1 &
STARTED+=($!)
if w=$(window_id "$(title train_model.ckpt)"); then
  other=$(window_pid "$w")
  check "--new-instance runs in a process of its own" test "$other" != "$FIRST"
else
  bad "no window for --new-instance"; cat "$WORK/separate.log"
fi

# Two starts at the same moment with nothing running (a file manager opening two files one by one): the lock
# lets one become the running instance and the other hand over, so both windows share one process.
kill "$XDG_OPEN" 2> /dev/null
wait "$XDG_OPEN" 2> /dev/null
kill "$FIRST" "$other" 2> /dev/null
for ((i = 0; i < 100; i++)); do [ "$(windows)" = 0 ] && break; sleep 0.1; done
expect "every window closed" 0 "$(windows)"
tensorscope "$CORPUS/tf1-saver-two-prefixes/model.ckpt.index" > "$WORK/race-a.log" 2>&1 &
STARTED+=($!)
tensorscope "$CORPUS/sessionbundle-v2-export-ckpt/export.index" > "$WORK/race-b.log" 2>&1 &
STARTED+=($!)
if wa=$(window_id "$(title model.ckpt)") && wb=$(window_id "$(title export)"); then
  expect "simultaneous starts end in one process" "$(window_pid "$wa")" "$(window_pid "$wb")"
else
  bad "simultaneous starts: a window is missing"; cat "$WORK/race-a.log" "$WORK/race-b.log"
fi
finish
