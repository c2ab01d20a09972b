#!/usr/bin/env python3
"""Train Dyad's small reference models and export them to ONNX (opset 17).

Usage (from the repository root; run models/get-data.sh first):

    /usr/bin/python3 models/train.py                 # all four models
    /usr/bin/python3 models/train.py mnist_cnn       # just one

CPU only, one thread, fixed seeds. For each model <name> this writes into
models/:

    <name>.onnx      opset 17, input "input" [N,1,28,28] float32 (N symbolic),
                     output "logits" [N,10]
    <name>.ref.npz   first 64 preprocessed test images ("input"), their labels
                     ("labels") and the torch fp32 logits ("logits")

and records the torch fp32 accuracy on the full 10k test set in
models/accuracy.json (merged, so single models can be retrained).
"""

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import datasets  # noqa: E402

SEED = 0
BATCH = 128
REF_SAMPLES = 64
OPSET = 17


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------

def conv_bn(cin, cout, k=3, stride=1, groups=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout))


class ResBlock(nn.Module):
    """relu(x + bn(conv(relu(bn(conv(x))))))"""

    def __init__(self, c):
        super().__init__()
        self.a = conv_bn(c, c)
        self.b = conv_bn(c, c)

    def forward(self, x):
        return F.relu(x + self.b(F.relu(self.a(x))))


class MnistCNN(nn.Module):
    """Small ResNet: stem -> maxpool -> res(16) -> strided conv -> res(32) -> GAP -> FC."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 16)             # 28x28
        self.pool = nn.MaxPool2d(2)            # 14x14
        self.res1 = ResBlock(16)
        self.down = conv_bn(16, 32, stride=2)  # 7x7
        self.res2 = ResBlock(32)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.stem(x)))
        x = self.res1(x)
        x = F.relu(self.down(x))
        x = self.res2(x)
        x = torch.flatten(self.gap(x), 1)
        return self.fc(x)


def relu6(x):
    return torch.clamp(x, 0.0, 6.0)


class DWSepBlock(nn.Module):
    """MobileNet-v1 block: depthwise 3x3 + BN + ReLU6, pointwise 1x1 + BN + ReLU6.

    ReLU6 is written as clamp(x, 0, 6) so that it exports as a single Clip
    (F.relu6 exports as Relu followed by Clip in torch 1.13).
    """

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.dw = conv_bn(cin, cin, 3, stride, groups=cin)
        self.pw = conv_bn(cin, cout, 1)

    def forward(self, x):
        return relu6(self.pw(relu6(self.dw(x))))


class FashionDWSep(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 24)                 # 28x28
        self.blocks = nn.Sequential(
            DWSepBlock(24, 48, 2),                 # 14x14
            DWSepBlock(48, 48, 1),
            DWSepBlock(48, 96, 2),                 # 7x7
            DWSepBlock(96, 96, 1))
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(96, 10)

    def forward(self, x):
        x = self.blocks(relu6(self.stem(x)))
        return self.fc(torch.flatten(self.gap(x), 1))


class MnistMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 256), nn.ReLU(),
            nn.Linear(256, 128), nn.ReLU(),
            nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x)


class Attention(nn.Module):
    """Multi-head self-attention written out with MatMul / Softmax.

    Separate q/k/v projections (MatMul+Add each) keep the graph free of
    Gather/Split.
    Reshapes use -1 for the batch dim and constants elsewhere so that the
    exported graph needs no Shape/Gather arithmetic for the dynamic batch.
    """

    def __init__(self, tokens, dim, heads):
        super().__init__()
        self.t, self.d, self.h, self.hd = tokens, dim, heads, dim // heads
        self.scale = self.hd ** -0.5
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):                                   # [N,T,D]
        def heads(t):                                       # -> [N,H,T,hd]
            return t.reshape(-1, self.t, self.h, self.hd).transpose(1, 2)
        q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
        att = torch.matmul(q * self.scale, k.transpose(-2, -1))   # [N,H,T,T]
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, v)                            # [N,H,T,hd]
        y = y.transpose(1, 2).reshape(-1, self.t, self.d)
        return self.proj(y)


class Block(nn.Module):
    def __init__(self, tokens, dim, heads, mlp, gelu="none"):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(tokens, dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, mlp)
        self.fc2 = nn.Linear(mlp, dim)
        self.gelu = gelu

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x)),
                                   approximate=self.gelu))


class FashionViT(nn.Module):
    """Tiny ViT: 7x7 patches (16 tokens), dim 64, 4 heads, 2 blocks, mean pool."""

    def __init__(self, patch=7, dim=64, heads=4, depth=2, mlp=128,
                 gelu="none"):
        super().__init__()
        self.dim = dim
        self.tokens = (28 // patch) ** 2
        self.patch = nn.Conv2d(1, dim, patch, patch)
        self.pos = nn.Parameter(torch.zeros(1, self.tokens, dim))
        nn.init.trunc_normal_(self.pos, std=0.02)
        self.blocks = nn.Sequential(
            *[Block(self.tokens, dim, heads, mlp, gelu=gelu)
              for _ in range(depth)])
        self.ln = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 10)

    def forward(self, x):
        x = self.patch(x).reshape(-1, self.dim, self.tokens).transpose(1, 2)
        x = self.blocks(x + self.pos)
        x = self.ln(x).mean(dim=1)
        return self.head(x)


class MnistViT(FashionViT):
    """A second transformer, built differently from FashionViT: 3 blocks of
    dim 48 with 3 heads and MLP 96, GELU in its tanh form, exported at opset
    13, where LayerNormalization is written out (ReduceMean, Sub, Pow,
    ReduceMean, Add, Sqrt, Div, Mul, Add) and GELU-tanh too (Pow, Mul, Add,
    Tanh, ...)."""

    def __init__(self):
        super().__init__(patch=7, dim=48, heads=3, depth=3, mlp=96,
                         gelu="tanh")


# Export opset per model (default OPSET).
EXPORT_OPSET = {"mnist_vit": 13}

# name -> (constructor, dataset, epochs, peak lr, weight decay, description)
MODELS = {
    "mnist_cnn": (MnistCNN, "mnist", 3, 4e-3, 1e-4,
                  "ResNet-style CNN: Conv-BN-ReLU stem, MaxPool, 2 residual "
                  "blocks (16 and 32 ch), strided Conv-BN-ReLU downsample, "
                  "GlobalAveragePool, Flatten, Gemm"),
    "fashion_dwsep": (FashionDWSep, "fashion-mnist", 4, 4e-3, 1e-4,
                      "MobileNet-v1 style: Conv-BN-ReLU6 stem (24 ch) + 4 "
                      "depthwise-separable blocks (dw 3x3 group conv + BN + "
                      "ReLU6, pw 1x1 + BN + ReLU6; 48/48/96/96 ch, two "
                      "stride-2), GlobalAveragePool, Flatten, Gemm"),
    "mnist_mlp": (MnistMLP, "mnist", 5, 2e-3, 1e-4,
                  "MLP 784-256-128-10: Flatten, Gemm+ReLU x2, Gemm"),
    "fashion_vit": (FashionViT, "fashion-mnist", 6, 2e-3, 5e-2,
                    "Tiny ViT: 7x7 stride-7 patch-embedding Conv (16 tokens, "
                    "dim 64), "
                    "learned position embedding, 2 pre-LN transformer blocks "
                    "(4-head MatMul/Softmax attention, GELU MLP 128), final "
                    "LayerNorm, mean pooling (ReduceMean), Gemm head"),
    "mnist_vit": (MnistViT, "mnist", 4, 2e-3, 5e-2,
                  "Tiny ViT, opset 13: 7x7 patches (16 tokens, dim 48), 3 "
                  "pre-LN blocks (3-head attention, GELU-tanh MLP 96), "
                  "LayerNorm and GELU written out op by op, mean pooling, "
                  "Gemm head"),
}


# --------------------------------------------------------------------------
# Training / evaluation
# --------------------------------------------------------------------------

def seed_all(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)


@torch.no_grad()
def predict(model, x, batch=1000):
    model.eval()
    return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)])


def train_one(name, epochs_override=None, train_limit=None, log=print):
    ctor, ds, epochs, lr, wd, _ = MODELS[name]
    if epochs_override is not None:
        epochs = epochs_override
    seed_all(SEED)
    xtr, ytr = datasets.load_preprocessed(ds, "train")
    xte, yte = datasets.load_preprocessed(ds, "test")
    if train_limit:
        xtr, ytr = xtr[:train_limit], ytr[:train_limit]
    xtr, ytr = torch.from_numpy(xtr), torch.from_numpy(ytr)
    xte, yte = torch.from_numpy(xte), torch.from_numpy(yte)

    model = ctor()
    nparams = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    steps_per_epoch = (len(xtr) + BATCH - 1) // BATCH
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=lr, total_steps=epochs * steps_per_epoch, pct_start=0.2)
    gen = torch.Generator().manual_seed(SEED)

    t0 = time.time()
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        tot, n = 0.0, 0
        for i in range(0, len(xtr), BATCH):
            idx = perm[i:i + BATCH]
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
            n += len(idx)
        acc = (predict(model, xte).argmax(1) == yte).float().mean().item()
        log("  %s epoch %d/%d loss %.4f test acc %.2f%% (%.0fs)"
            % (name, ep + 1, epochs, tot / n, 100 * acc, time.time() - t0))
    train_s = time.time() - t0

    logits = predict(model, xte)
    acc = 100.0 * (logits.argmax(1) == yte).double().mean().item()
    return model, dict(dataset=ds, epochs=epochs, params=nparams,
                       test_accuracy=round(acc, 2), test_samples=len(xte),
                       train_seconds=round(train_s, 1)), xte, yte, logits


def export(model, name, out):
    path = os.path.join(out, name + ".onnx")
    model.eval()
    dummy = torch.zeros(2, 1, 28, 28)
    # TrainingMode.PRESERVE (with the model in eval mode) exports inference
    # BatchNormalization nodes and skips the eval-mode peephole that would
    # fold BN into the preceding Conv.
    warnings.filterwarnings(  # harmless here: the model is in eval mode
        "ignore", message="It is recommended that constant folding be turned off")
    torch.onnx.export(
        model, dummy, path, opset_version=EXPORT_OPSET.get(name, OPSET),
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    for vi in (m.graph.input[0], m.graph.output[0]):
        d0 = vi.type.tensor_type.shape.dim[0]
        assert d0.dim_param == "N", (name, vi.name, d0)
    return path, m


def op_histogram(m):
    hist = {}
    for node in m.graph.node:
        hist[node.op_type] = hist.get(node.op_type, 0) + 1
    return dict(sorted(hist.items(), key=lambda kv: (-kv[1], kv[0])))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("models", nargs="*", default=list(MODELS),
                    help="subset of: " + ", ".join(MODELS))
    ap.add_argument("--epochs", type=int, default=None,
                    help="override epochs (for quick smoke tests)")
    ap.add_argument("--train-limit", type=int, default=None,
                    help="train on the first N training images only (smoke tests)")
    ap.add_argument("--out", default=HERE,
                    help="output directory (default: models/)")
    args = ap.parse_args()
    for n in args.models:
        if n not in MODELS:
            ap.error("unknown model %r" % n)

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    os.makedirs(args.out, exist_ok=True)
    acc_path = os.path.join(args.out, "accuracy.json")
    results = {}
    if os.path.exists(acc_path):
        with open(acc_path) as f:
            results = json.load(f)

    t_all = time.time()
    for name in args.models:
        print("== %s" % name, flush=True)
        model, info, xte, yte, logits = train_one(
            name, args.epochs, args.train_limit, log=lambda s: print(s, flush=True))
        path, m = export(model, name, args.out)
        hist = op_histogram(m)
        if name in ("mnist_cnn", "fashion_dwsep"):
            assert hist.get("BatchNormalization", 0) > 0, (name, hist)
        if name == "fashion_vit":
            assert hist.get("LayerNormalization", 0) > 0, (name, hist)
        np.savez_compressed(
            os.path.join(args.out, name + ".ref.npz"),
            input=xte[:REF_SAMPLES].numpy().astype(np.float32),
            labels=yte[:REF_SAMPLES].numpy().astype(np.int64),
            logits=logits[:REF_SAMPLES].numpy().astype(np.float32))
        info.update(onnx_bytes=os.path.getsize(path), onnx_ops=hist,
                    torch_version=torch.__version__,
                    opset=EXPORT_OPSET.get(name, OPSET))
        results[os.path.basename(path)] = info
        print("  -> %s (%d bytes) acc %.2f%% params %d ops %s"
              % (path, info["onnx_bytes"], info["test_accuracy"],
                 info["params"], hist), flush=True)
        with open(acc_path, "w") as f:
            json.dump(results, f, indent=2, sort_keys=True)
            f.write("\n")
    print("total wall time %.1fs" % (time.time() - t_all))


if __name__ == "__main__":
    main()
