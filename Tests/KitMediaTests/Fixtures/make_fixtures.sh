#!/usr/bin/env bash
# Regenerates the committed sample files in samples/ with independent tools:
# ImageMagick 6 (Debian package `imagemagick`: /usr/bin/convert) and python3 (standard library only).
# Run from anywhere: bash Tests/KitMediaTests/Fixtures/make_fixtures.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/samples"
mkdir -p "$out"
IM=/usr/bin/convert
"$IM" -version | grep -q ImageMagick || { echo "ImageMagick's convert is required" >&2; exit 1; }

"$IM" -size 10x10 xc:red "$out/red.png"
"$IM" -size 10x10 xc:red "$out/red.jpg"
"$IM" -size 10x10 xc:red "$out/red.gif"
"$IM" -size 10x10 xc:red "$out/red.bmp"                      # BMP v5 (124-byte header)
"$IM" -size 10x10 xc:red "BMP3:$out/red-v3.bmp"              # 40-byte header
"$IM" -size 10x10 xc:red "BMP2:$out/red-v2.bmp"              # 12-byte OS/2 header
# A more realistic picture: gradient with text, as a scan might be.
"$IM" -size 160x100 gradient:white-skyblue -fill black -pointsize 18 -annotate +10+55 'Stamp 2024' "$out/scan.png"
"$IM" "$out/scan.png" -quality 85 "$out/scan.jpg"
"$IM" "$out/scan.png" -quality 85 -interlace JPEG "$out/scan-progressive.jpg"
"$IM" "$out/scan.png" -interlace PNG "$out/scan-interlaced.png"
"$IM" "$out/scan.png" -colors 16 "$out/scan.gif"
"$IM" -delay 20 -size 16x16 xc:red xc:blue xc:green -loop 0 "$out/animated.gif"
"$IM" "$out/scan.png" -resize 40x25 "BMP3:$out/scan.bmp"
# Strip ImageMagick's timestamps so regenerating gives stable bytes is not required; files only need to be real.

python3 "$here/make_pdf.py" "$out/hello.pdf" --version 1.4
python3 "$here/make_pdf.py" "$out/hello-crlf-compressed.pdf" --version 1.7 --crlf --compress
python3 "$here/make_pdf.py" "$out/hello-2.0.pdf" --version 2.0
python3 - "$out" <<'PY'
import io, sys, zipfile
out = sys.argv[1]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("readme.txt", "hello " * 50)
    z.writestr("word/document.xml", "<w:document/>")
open(out + "/archive.zip", "wb").write(buf.getvalue())
open(out + "/page.html", "wb").write(
    b"<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(1)</script></body></html>\n")
PY
ls -l "$out"
