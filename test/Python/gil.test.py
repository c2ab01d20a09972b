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

# One run's time, alone.
t0 = time.perf_counter()
model(x)
alone = time.perf_counter() - t0

done = threading.Event()
runs = 0


def worker():
    global runs
    for _ in range(5):
        model(x)
        runs += 1
    done.set()


t = threading.Thread(target=worker)
t.start()
# The main thread's longest pause between two loop iterations while the
# worker runs the model (Python switches threads every 5 ms by default).
last, longest = time.perf_counter(), 0.0
while not done.is_set():
    now = time.perf_counter()
    longest = max(longest, now - last)
    last = now
t.join()
print("runs", runs)
print("one run alone %.1f ms, longest pause of the main thread %.1f ms"
      % (alone * 1e3, longest * 1e3))
print("main thread kept running:", longest < 0.5 * alone)
