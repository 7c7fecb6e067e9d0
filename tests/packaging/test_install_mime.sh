#!/usr/bin/env bash
# Installs into a temporary prefix, builds the MIME and desktop databases there and asks xdg-mime, with
# XDG_DATA_DIRS pointing at the prefix (plus the system's, which know text/plain and folders), what real
# TensorFlow files are and which application opens them. Also: man pages and bash completion installed.
# Usage: test_install_mime.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
BUILD="$(cd "${1:?build dir}" && pwd)"
need cmake update-mime-database update-desktop-database xdg-mime mimetype
PREFIX="$WORK/prefix"
check "cmake --install into a temporary prefix" install_into "$PREFIX" "$BUILD"
for f in bin/tensorscope bin/tensorscope-cli share/applications/$APP_ID.desktop share/mime/packages/$APP_ID.xml \
  share/metainfo/$APP_ID.metainfo.xml share/icons/hicolor/scalable/apps/$APP_ID.svg \
  share/icons/hicolor/scalable/mimetypes/application-x-tensorflow-checkpoint-index.svg \
  share/man/man1/tensorscope-cli.1.gz share/man/man1/tensorscope.1.gz \
  share/bash-completion/completions/tensorscope-cli share/bash-completion/completions/tensorscope \
  bin/tensorscope-thumbnailer share/thumbnailers/tensorscope.thumbnailer; do
  check "installed $f" test -s "$PREFIX/$f"
done
check "update-mime-database" update-mime-database "$PREFIX/share/mime"
check "update-desktop-database" update-desktop-database "$PREFIX/share/applications"
export XDG_DATA_DIRS="$PREFIX/share:/usr/share"
export PATH="$PREFIX/bin:$PATH"

filetype() { xdg-mime query filetype "$1" 2>&1; }
expect "an index (TF2 CheckpointManager)" application/x-tensorflow-checkpoint-index \
  "$(filetype "$CORPUS/ckpt-tf2-a2c-3ckpts/ckpt-4.index")"
expect "a TF1 model.ckpt-N.index" application/x-tensorflow-checkpoint-index \
  "$(filetype "$CORPUS/tf1-estimator-widedeep-5ckpts/model.ckpt-1128.index")"
expect "a Keras ModelCheckpoint cp.ckpt.index" application/x-tensorflow-checkpoint-index \
  "$(filetype "$CORPUS/keras-weights-charity-cp/cp.ckpt.index")"
expect "a SavedModel's variables.index" application/x-tensorflow-checkpoint-index \
  "$(filetype "$CORPUS/keras-tf27-heart-savedmodel/variables/variables.index")"
expect "a data shard" application/x-tensorflow-checkpoint-data \
  "$(filetype "$CORPUS/ckpt-tf2-a2c-3ckpts/ckpt-4.data-00000-of-00001")"
expect "one of two shards" application/x-tensorflow-checkpoint-data \
  "$(filetype "$CORPUS/tf115-savedmodel-2shards/variables/variables.data-00001-of-00002")"
expect "a checkpoint state file" application/x-tensorflow-checkpoint-state \
  "$(filetype "$CORPUS/ckpt-tf2-a2c-3ckpts/checkpoint")"
expect "a TF1 checkpoint state file" application/x-tensorflow-checkpoint-state \
  "$(filetype "$CORPUS/tf1-estimator-widedeep-5ckpts/checkpoint")"
expect "saved_model.pb" application/x-tensorflow-savedmodel \
  "$(filetype "$CORPUS/keras-tf27-heart-savedmodel/saved_model.pb")"
expect "saved_model.pbtxt" application/x-tensorflow-savedmodel-text \
  "$(filetype "$CORPUS/tf12-savedmodel-pbtxt-novars/saved_model.pbtxt")"

# What is not ours stays not ours.
mkdir -p "$WORK/files/a-folder" "$WORK/files/checkpoints"
printf 'chapter one\nchapter two\n' > "$WORK/files/notes.index"
printf 'model_checkpoint_path is what TensorFlow writes\n' > "$WORK/files/checkpoint"
printf 'not a graph\n' > "$WORK/files/model.pb"
not_ours() { # DESCRIPTION FILE: its type is whatever the system says, but not one of ours
  local t; t=$(filetype "$2")
  if [ -n "$t" ] && [[ $t != application/x-tensorflow-* ]]; then ok "$1 is not ours ($t)"; else bad "$1 is '$t'"; fi
}
expect "a plain text notes.index" text/plain "$(filetype "$WORK/files/notes.index")"
not_ours "a text file named checkpoint that is not a state file" "$WORK/files/checkpoint"
not_ours "a model.pb that is not saved_model.pb" "$WORK/files/model.pb"
expect "a folder" inode/directory "$(filetype "$WORK/files/a-folder")"
expect "a folder named like a checkpoint directory" inode/directory "$(filetype "$WORK/files/checkpoints")"
for t in application/x-tensorflow-checkpoint-index application/x-tensorflow-checkpoint-data \
  application/x-tensorflow-checkpoint-state application/x-tensorflow-savedmodel application/x-tensorflow-savedmodel-text; do
  expect "default application for $t" "$APP_ID.desktop" "$(xdg-mime query default "$t" 2>&1)"
done
expect "no default for folders from us" "" "$(xdg-mime query default inode/directory 2>&1 | grep -F "$APP_ID" || true)"

# The thumbnailer, run as a file manager runs it: the entry's Exec line with %s, %i and %o filled in.
entry="$PREFIX/share/thumbnailers/tensorscope.thumbnailer"
expect "the thumbnailer covers exactly our MIME types" \
  "$(sed -n 's/^MimeType=//p' "$PREFIX/share/applications/$APP_ID.desktop")" "$(sed -n 's/^MimeType=//p' "$entry")"
exec_line=$(sed -n 's/^Exec=//p' "$entry")
for input in ckpt-tf2-a2c-3ckpts/ckpt-4.data-00000-of-00001 keras-tf27-heart-savedmodel/saved_model.pb; do
  out="$WORK/thumb-$(basename "$input").png"
  cmd=${exec_line//%s/256}; cmd=${cmd//%i/"'$CORPUS/$input'"}; cmd=${cmd//%o/"'$out'"}
  check "thumbnail of $input" bash -c "env -u DISPLAY $cmd"
  check "  is a 256x256 PNG" bash -c "file '$out' | grep -q 'PNG image data, 256 x 256'"
done
check "no thumbnail (and an error) for a text notes.index" bash -c "! tensorscope-thumbnailer -s 128 '$WORK/files/notes.index' '$WORK/notes.png' 2> /dev/null && test ! -e '$WORK/notes.png'"

# The man pages render, and the CLI page documents every command the CLI lists.
check "man page tensorscope-cli(1) renders" bash -c "MANWIDTH=100 man -l '$PREFIX/share/man/man1/tensorscope-cli.1.gz' > '$WORK/cli.man'"
for cmd in $("$PREFIX/bin/tensorscope-cli" --help | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'); do
  check "the man page documents '$cmd'" grep -qE "^   $cmd\$" "$WORK/cli.man"
done
check "man page tensorscope(1) documents --new-instance" bash -c "man -l '$PREFIX/share/man/man1/tensorscope.1.gz' | grep -q -- --new-instance"
check "the man pages name the installed programs, not build paths" \
  bash -c "! zcat '$PREFIX/share/man/man1/tensorscope-cli.1.gz' '$PREFIX/share/man/man1/tensorscope.1.gz' | grep -qF '$BUILD'"
# --help and --version of both programs, in a terminal without a display.
nodisplay() { env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$@" 2>&1; }
version=$("$PREFIX/bin/tensorscope-cli" --version | awk '{print $NF}')
expect "tensorscope --version without a display" "Tensorscope $version" "$(nodisplay "$PREFIX/bin/tensorscope" --version | grep -v QStandardPaths)"
check "tensorscope --help without a display" bash -c "env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM '$PREFIX/bin/tensorscope' --help | grep -q -- --new-instance"
check "tensorscope-cli --help without a display" bash -c "env -u DISPLAY '$PREFIX/bin/tensorscope-cli' --help | grep -q Subcommands"
# bash completion, as bash would call it.
completion() { # WORDS...: the completions for the last word
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tensorscope_cli; echo "${COMPREPLY[*]}"' _ \
    "$PREFIX/share/bash-completion/completions/tensorscope-cli" "$@"
}
expect "completion of commands starting with s" "show stats signatures" "$(completion tensorscope-cli s)"
expect "completion of an option's choices" "text csv json" "$(completion tensorscope-cli show x --format '')"
check "completion of a command's options" bash -c "[[ ' $(completion tensorscope-cli info --) ' == *' --json '* ]]"
finish
