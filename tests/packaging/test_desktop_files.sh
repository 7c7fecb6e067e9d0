#!/usr/bin/env bash
# The desktop entry, the AppStream metadata and the MIME XML pass the freedesktop validators, and the entry
# claims only our own types (never inode/directory: we would be offered for every folder).
# Usage: test_desktop_files.sh
source "$(dirname "$0")/lib.sh"
SRC="$(cd "$(dirname "$0")/../.." && pwd)/packaging/linux"
need desktop-file-validate appstreamcli update-mime-database
check "desktop-file-validate" desktop-file-validate "$SRC/$APP_ID.desktop"
check "appstreamcli validate --no-net" appstreamcli validate --no-net "$SRC/$APP_ID.metainfo.xml"
mime_types=$(grep -oE 'mime-type type="[^"]+"' "$SRC/$APP_ID.mime.xml" | sed 's/.*type="//; s/"$//' | sort | tr '\n' ';')
entry_types=$(sed -n 's/^MimeType=//p' "$SRC/$APP_ID.desktop" | tr ';' '\n' | grep . | sort | tr '\n' ';')
expect "the entry claims exactly the types the MIME XML defines" "$mime_types" "$entry_types"
check "Exec takes several files (%F)" grep -qx 'Exec=tensorscope %F' "$SRC/$APP_ID.desktop"
# update-mime-database refuses malformed XML; an isolated copy keeps it away from any real database.
mkdir -p "$WORK/mime/packages" && cp "$SRC/$APP_ID.mime.xml" "$WORK/mime/packages/"
check "update-mime-database accepts the MIME XML" update-mime-database "$WORK/mime"
for t in ${mime_types//;/ }; do
  icon="$(dirname "$SRC")/icons/${t//\//-}.svg"
  check "an icon for $t" test -s "$icon"
done
finish
