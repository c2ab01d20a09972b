"""gil.test: a model run does not hold the GIL (see gil.test)."""
import os
import sys
import threading
import time

import numpy as np

import dyad

src = sys.argv[1]
model = dyad.compile(os.path.join(src, "models", "mnist_cnn.onnx"), threads=1)
x = np.random.default_rng(0).standard_normal((2048, 1, 28, 28), dtype=np.float32)
model(x)  # warm-up

# Python hands the GIL to another thread only when the holder releases it
# (a blocking call, a C extension that lets go) or after the switch
# interval: with an interval far longer than the test, the main thread can
# run while the worker is inside model(x) only if the run released the GIL.
# No timing is compared, so a loaded machine cannot make it fail.
sys.setswitchinterval(30.0)
inside = False
runs = 0


def worker():
    global inside, runs
    for _ in range(5):
        inside = True
        model(x)
        inside = False
        runs += 1


t = threading.Thread(target=worker)
t.start()
during = 0
while t.is_alive():
    if inside:
        during += 1
    time.sleep(0.0005)  # lets the worker take the GIL back after a run
t.join()
print("runs", runs)
print("main thread ran during the runs:", during > 0)
