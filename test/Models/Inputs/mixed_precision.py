"""Mixed precision on a bundled CNN (mixed-precision.test).

Compiles MODEL fp32, int8, uniform int4 weights and mixed INT4/INT8 under a
size budget (dyadc --mixed-precision), runs each on the full test set and
prints accuracy and the weight size the assignment reached."""
import os
import re
import subprocess
import sys

import numpy as np

models, bindir, model, budget = sys.argv[1:5]
sys.path.insert(0, models)
import datasets  # noqa: E402
sys.path.insert(0, os.path.join(models, "..", "bench"))
from libsize import section_size  # noqa: E402

info = {"mnist_cnn.onnx": "mnist", "fashion_dwsep.onnx": "fashion-mnist"}
data = info[model]
xtrain, _ = datasets.load_preprocessed(data, "train")
np.save("calib.npy", xtrain[:1000])
x, y = datasets.load_preprocessed(data, "test")
np.save("x.npy", x)
path = os.path.join(models, model)
dyadc = os.path.join(bindir, "dyadc")
quant = ["--quantize", "--calibrate", "calib.npy", "--calib-method", "minmax"]
variants = {
    "fp32": [],
    "int8": quant,
    "int4": quant + ["--weight-bits", "4"],
    "mixed": quant + ["--mixed-precision", "--budget", "size=" + budget,
                      "--keep-8bit", "first,last"],
}
acc = {}
for name, args in variants.items():
    p = subprocess.run([dyadc, path, "-o", name + ".so"] + args,
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(name, "failed:", p.stderr)
        sys.exit(1)
    if name == "mixed":
        m = re.search(r"weights (\d+) of (\d+) bytes at 8 bits", p.stderr)
        print("mixed weight size: %.3f of int8" % (int(m.group(1)) / int(m.group(2))))
        print("widths:", " ".join(re.findall(r"^\s+(\d) bits", p.stderr, re.M)))
    subprocess.run([os.path.join(bindir, "dyad-run"), name + ".so", "--input",
                    "x.npy", "--output-dir", name], check=True,
                   capture_output=True)
    out = np.load(os.path.join(name, os.listdir(name)[0]))
    acc[name] = 100.0 * float((out.argmax(1) == y).mean())
    print("%s accuracy %.2f%%" % (name, acc[name]))


# The constants shrink by what the assignment saved: 4-bit weights are
# stored two per byte (dyad-cpu-pack-nibbles). Not all of it: rows of 4
# input channels pair up, and an odd row out (a depthwise filter's third
# tap) is stored alone; and the 4-bit layers' requantization constants
# differ from the 8-bit ones' (their rounding terms, which hold the output
# zero point, are vectors of their own: fashion_dwsep 6048 of 8244 bytes).
saved_bytes = section_size("int8.so") - section_size("mixed.so")
saved_weights = int(m.group(2)) - int(m.group(1))
print("constants shrink by the weight bytes saved:",
      saved_bytes >= 0.7 * saved_weights,
      "(%d of %d)" % (saved_bytes, saved_weights))
print("mixed within 1 pt of fp32:", acc["fp32"] - acc["mixed"] <= 1.0)
print("mixed beats int4:", acc["mixed"] > acc["int4"])
