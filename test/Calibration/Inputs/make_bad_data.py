"""Writes malformed calibration data into the directory argv[1]."""
import io
import os
import sys
import zipfile

import numpy as np

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
p = lambda name: os.path.join(d, name)
ok = np.arange(12, dtype=np.float32).reshape(4, 3)

np.save(p("good.npy"), ok)
np.save(p("good64.npy"), ok.astype(np.float64) / 3)
np.save(p("int32.npy"), np.arange(12, dtype=np.int32).reshape(4, 3))
np.save(p("uint8.npy"), np.arange(12, dtype=np.uint8).reshape(4, 3))
np.save(p("f16.npy"), ok.astype(np.float16))
np.save(p("bigendian.npy"), ok.astype(">f4"))
np.save(p("shape.npy"), np.zeros((4, 4), np.float32))
np.save(p("rank.npy"), np.zeros((12,), np.float32))
np.save(p("fortran.npy"), np.asfortranarray(np.zeros((4, 3, 2), np.float32)))
nan = ok.copy()
nan[2, 1] = np.nan
np.save(p("nan.npy"), nan)
inf = ok.copy()
inf[3, 2] = -np.inf
np.save(p("inf.npy"), inf)
big = ok.astype(np.float64)
big[1, 0] = 1e300
np.save(p("overflow64.npy"), big)
structured = np.zeros(4, dtype=[("a", "<f4"), ("b", "<f4")])
np.save(p("structured.npy"), structured)

# Truncated: the header promises 4 samples, the file holds 2.5.
buf = io.BytesIO()
np.save(buf, ok)
raw = buf.getvalue()
with open(p("truncated.npy"), "wb") as f:
    f.write(raw[: len(raw) - 18])
with open(p("header-cut.npy"), "wb") as f:
    f.write(raw[:40])
with open(p("not-npy.npy"), "wb") as f:
    f.write(b"hello, world\n")

# npz: missing an input, different sample counts, truncated archive,
# a compressed member whose data is cut inside a valid zip.
np.savez(p("missing.npz"), x=ok, z=ok)
np.savez(p("counts.npz"), x=ok, y=np.zeros((3, 2), np.float32))
np.savez_compressed(p("good.npz"), x=ok, y=np.zeros((4, 2), np.float32))
with open(p("good.npz"), "rb") as f:
    z = f.read()
with open(p("cut.npz"), "wb") as f:
    f.write(z[: len(z) // 2])
np.savez(p("bzip-free.npz"), ok)  # one member, "arr_0.npy"
with zipfile.ZipFile(p("bzip.npz"), "w", compression=zipfile.ZIP_BZIP2) as zf:
    b2 = io.BytesIO()
    np.save(b2, ok)
    zf.writestr("x.npy", b2.getvalue())
# A deflated member whose npy header promises more samples than it holds.
short = io.BytesIO()
np.save(short, ok)
sraw = short.getvalue()
with zipfile.ZipFile(p("short-member.npz"), "w", compression=zipfile.ZIP_DEFLATED) as zf:
    zf.writestr("x.npy", sraw[: len(sraw) - 12])

os.makedirs(p("empty"), exist_ok=True)
with open(p("empty/readme.txt"), "w") as f:
    f.write("no data here\n")
os.makedirs(p("dir-npy-two-inputs"), exist_ok=True)
np.save(p("dir-npy-two-inputs/a.npy"), ok)
os.makedirs(p("dir-nan"), exist_ok=True)
np.save(p("dir-nan/a.npy"), ok)
np.save(p("dir-nan/b.npy"), nan)
np.save(p("zero.npy"), np.zeros((0, 3), np.float32))

# A deflated member whose compressed data is shorter than its deflate stream
# needs (the central directory's compressed size is patched to half): the
# header inflates, sample data runs out.
import struct

ramp = np.tile(np.arange(300, dtype=np.float32), 10).reshape(1000, 3)
np.savez_compressed(p("ramp.npz"), x=ramp)
with open(p("ramp.npz"), "rb") as f:
    zb = bytearray(f.read())
cd = zb.rfind(b"PK\x01\x02")
comp = struct.unpack_from("<I", zb, cd + 20)[0]
short_cd = bytearray(zb)
struct.pack_into("<I", short_cd, cd + 20, comp // 2)
with open(p("short-deflate.npz"), "wb") as f:
    f.write(short_cd)
# Garbage in the middle of the deflate stream.
lh = zb.find(b"PK\x03\x04")
start = lh + 30 + struct.unpack_from("<H", zb, lh + 26)[0] + struct.unpack_from("<H", zb, lh + 28)[0]
bad = bytearray(zb)
for k in range(start + comp // 4, start + comp):
    bad[k] = 0xFF
with open(p("corrupt.npz"), "wb") as f:
    f.write(bad)
