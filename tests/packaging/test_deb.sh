#!/usr/bin/env bash
# The Debian package CPack makes: its control fields (dependencies from dpkg-shlibdeps), every file in its
# place, and, unpacked with `dpkg -x` into a temporary directory (no root, nothing installed), a
# tensorscope-cli that runs and says what the build's own tensorscope-cli says.
# Usage: test_deb.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
BUILD="$(cd "${1:?build dir}" && pwd)"
need cpack dpkg-deb dpkg-shlibdeps
if ! (cd "$WORK" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/out" > "$WORK/cpack.log" 2>&1); then
  cat "$WORK/cpack.log"; bad "cpack -G DEB"; finish; exit
fi
DEB=$(ls "$WORK"/out/tensorscope_*.deb 2> /dev/null | head -1)
check "cpack made tensorscope_<version>_<arch>.deb" test -s "$DEB"
echo "package size: $(stat -c %s "$DEB") bytes"
check "dpkg-deb --info reads the control file" bash -c "dpkg-deb --info '$DEB' | grep -q '^ Description: Browser for TensorFlow'"
field() { dpkg-deb --field "$DEB" "$1"; }
expect "package name" tensorscope "$(field Package)"
expect "architecture" "$(dpkg --print-architecture)" "$(field Architecture)"
depends=$(field Depends)
echo "Depends: $depends"
# The libraries the binaries link, as dpkg-shlibdeps found them (not a hand-written list).
depends_on() { # PACKAGE-NAME-PREFIX: a Depends entry starts with it
  local name
  while read -r name; do [[ $name == "$1"* ]] && return 0; done < <(tr ',' '\n' <<< "$depends" | awk '{print $1}')
  return 1
}
for lib in libc6 libstdc++6 libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libprotobuf libleveldb libqcustomplot; do
  check "Depends names $lib" depends_on "$lib"
done
check "Depends names the Qt platform plugins" depends_on qt6-qpa-plugins
check "Recommends the MIME and desktop databases" grep -q "shared-mime-info.*desktop-file-utils" <<< "$(field Recommends)"
# dpkg's triggers refresh those databases: the package needs no maintainer scripts for them.
check "no postinst (dpkg triggers update the databases)" bash -c "! dpkg-deb --ctrl-tarfile '$DEB' | tar -t | grep -q postinst"
dpkg-deb --contents "$DEB" | awk '{print $6}' | sed 's,^\./,/,' > "$WORK/contents"
for f in /usr/bin/tensorscope /usr/bin/tensorscope-cli /usr/share/applications/$APP_ID.desktop \
  /usr/share/mime/packages/$APP_ID.xml /usr/share/metainfo/$APP_ID.metainfo.xml \
  /usr/share/icons/hicolor/scalable/apps/$APP_ID.svg \
  /usr/share/icons/hicolor/scalable/mimetypes/application-x-tensorflow-checkpoint-index.svg \
  /usr/share/icons/hicolor/scalable/mimetypes/application-x-tensorflow-checkpoint-data.svg \
  /usr/share/icons/hicolor/scalable/mimetypes/application-x-tensorflow-checkpoint-state.svg \
  /usr/share/icons/hicolor/scalable/mimetypes/application-x-tensorflow-savedmodel.svg \
  /usr/share/icons/hicolor/scalable/mimetypes/application-x-tensorflow-savedmodel-text.svg \
  /usr/share/man/man1/tensorscope-cli.1.gz /usr/share/man/man1/tensorscope.1.gz \
  /usr/share/bash-completion/completions/tensorscope-cli /usr/share/bash-completion/completions/tensorscope \
  /usr/bin/tensorscope-thumbnailer /usr/share/thumbnailers/tensorscope.thumbnailer; do
  check "contains $f" grep -qxF "$f" "$WORK/contents"
done
check "nothing outside /usr" bash -c "! grep -vE '^/(usr(/.*)?)?$' '$WORK/contents'"
check "no test or benchmark programs" bash -c "! grep -E 'tst_|bench|gui_stall' '$WORK/contents'"

check "dpkg -x into a temporary directory" dpkg -x "$DEB" "$WORK/root"
CLI="$WORK/root/usr/bin/tensorscope-cli"
check "the packaged binaries are stripped" bash -c "! file -L '$CLI' | grep -q 'not stripped'"
for artifact in ckpt-tf2-a2c-3ckpts/ckpt-4.index keras-tf27-heart-savedmodel; do
  packaged=$("$CLI" info --json "$CORPUS/$artifact" 2>&1); rc=$?
  expect "packaged tensorscope-cli info $artifact exits" 0 "$rc"
  built=$("$BUILD/app/tensorscope-cli" info --json "$CORPUS/$artifact" 2>&1)
  check "it prints what the build's tensorscope-cli prints" test "$built" = "$packaged"
  check "which is an info document" grep -q '"schema": "tensorscope.info/1"' <<< "$packaged"
done
expect "packaged tensorscope-cli --version" "$("$BUILD/app/tensorscope-cli" --version)" "$("$CLI" --version)"
finish
