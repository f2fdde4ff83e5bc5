#!/usr/bin/env python3
"""Independent PNG check (standard library only), used by KitMediaTests.

Usage: check_png.py FILE
Prints one JSON object: width, height, colour_type, bit_depth, chunks, crc_ok, distinct_colours,
uniform, dark_fraction. Exits 1 (with {"error": ...}) if the file is not a decodable 8-bit RGB/RGBA PNG.
"""
import json
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def main(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("bad signature")
    pos, chunks, idat, crc_ok, ihdr = 8, [], b"", True, None
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            crc_ok = False
        name = ctype.decode("ascii")
        chunks.append(name)
        if name == "IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif name == "IDAT":
            idat += body
        pos += 12 + length
        if name == "IEND":
            break
    if pos != len(data):
        raise ValueError("data after IEND")
    width, height, depth, ctype_, _, _, interlace = ihdr
    if depth != 8 or ctype_ not in (2, 6) or interlace != 0:
        raise ValueError("unsupported format for this checker")
    bpp = 3 if ctype_ == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        raise ValueError("IDAT size %d != %d" % (len(raw), height * (stride + 1)))
    prev = bytearray(stride)
    colours, dark = set(), 0
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 255
            elif f != 0:
                raise ValueError("bad filter %d" % f)
        for x in range(width):
            px = tuple(line[x * bpp:x * bpp + 3])
            colours.add(px)
            if sum(px) < 3 * 128:
                dark += 1
        prev = line
    print(json.dumps({
        "width": width, "height": height, "colour_type": ctype_, "bit_depth": depth,
        "chunks": chunks, "crc_ok": crc_ok, "distinct_colours": len(colours),
        "uniform": len(colours) == 1, "dark_fraction": dark / float(width * height),
    }))


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as exc:  # noqa: BLE001 - report any failure as JSON
        print(json.dumps({"error": str(exc)}))
        sys.exit(1)
