#!/usr/bin/python3
"""Real inputs for the third-party model suite, generated deterministically
from Debian packages (DejaVu fonts + PIL, scikit-image's photos and
lfw_subset, espeak-ng speech).

    /usr/bin/python3 models/third-party/make_inputs.py OUTDIR

Writes OUTDIR/<set>/<input name>.npy (one file per model input, axis 0 =
samples) and OUTDIR/<set>/meta.json (the ground truth: strings, boxes,
labels, speech frames). Every model has a `test` set and a disjoint `calib`
set (other strings, other photos, other phrases and voice) used only for
int8 calibration.
"""
import json
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf",
         "DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf",
         "DejaVuSansCondensed.ttf"]
WORDS = ("river stone light market window garden silver orange paper cloud "
         "winter summer yellow forest bridge rocket camera coffee planet "
         "engine castle bottle pencil ticket number signal letter station "
         "travel morning answer pocket island basket circle mirror rabbit "
         "copper violet marble needle harbor motor canvas velvet saddle "
         "lantern meadow thunder falcon glacier desert anchor").split()


def font(name, size):
    return ImageFont.truetype(os.path.join(FONT_DIR, name), size)


def texts(rng, n, taken=()):
    """n distinct short lines: two words, sometimes a number or a capital."""
    out = []
    while len(out) < n:
        a, b = rng.choice(len(WORDS), 2, replace=False)
        s = f"{WORDS[a]} {WORDS[b]}"
        r = rng.integers(4)
        if r == 1:
            s = s.capitalize()
        elif r == 2:
            s += f" {rng.integers(10, 1000)}"
        elif r == 3:
            s = s.upper()
        if s not in out and s not in taken:
            out.append(s)
    return out


def render_line(s, fontname, size=32, ink=20, paper=250):
    f = font(fontname, size)
    x0, y0, x1, y1 = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), s, font=f)
    m = 6
    img = Image.new("RGB", (x1 - x0 + 2 * m, y1 - y0 + 2 * m), (paper,) * 3)
    ImageDraw.Draw(img).text((m - x0, m - y0), s, font=f, fill=(ink,) * 3)
    return img


def line_tensor(img, h, w):
    """PaddleOCR's rec/cls resize: height h, width by aspect (at most w),
    (x/255 - 0.5)/0.5, zero-padded on the right to w. CHW, BGR order."""
    nw = min(w, max(1, int(np.ceil(h * img.width / img.height))))
    a = np.asarray(img.resize((nw, h), Image.BILINEAR), np.float32)[:, :, ::-1]
    a = (a / 255.0 - 0.5) / 0.5
    out = np.zeros((3, h, w), np.float32)
    out[:, :, :nw] = a.transpose(2, 0, 1)
    return out


def ocr_lines(rng, strings, h, w, flip=None):
    xs = []
    for i, s in enumerate(strings):
        img = render_line(s, FONTS[i % len(FONTS)], ink=int(rng.integers(0, 80)),
                          paper=int(rng.integers(200, 256)))
        if flip is not None and flip[i]:
            img = img.rotate(180)
        xs.append(line_tensor(img, h, w))
    return np.stack(xs)


def ocr_pages(rng, n, taken):
    """320x320 pages with 3-4 lines each; boxes are the rendered text boxes."""
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    xs, boxes, strings = [], [], []
    for p in range(n):
        img = Image.new("RGB", (320, 320), (245, 245, 240))
        d = ImageDraw.Draw(img)
        lines = texts(rng, int(rng.integers(3, 5)), taken)
        y, bs = 16, []
        for i, s in enumerate(lines):
            f = font(FONTS[(p + i) % len(FONTS)], int(rng.integers(18, 27)))
            x = int(rng.integers(10, 40))
            bb = d.textbbox((x, y), s, font=f)
            if bb[2] > 310:
                continue
            d.text((x, y), s, font=f, fill=(int(rng.integers(0, 60)),) * 3)
            bs.append([int(v) for v in bb])
            strings.append(s)
            y = bb[3] + int(rng.integers(30, 50))
        a = np.asarray(img, np.float32)[:, :, ::-1] / 255.0
        xs.append(((a - mean) / std).transpose(2, 0, 1))
        boxes.append(bs)
    return np.stack(xs).astype(np.float32), boxes, strings


def skimage_photo(name):
    from skimage import io
    import skimage.data
    a = io.imread(os.path.join(os.path.dirname(skimage.data.__file__), name))
    if a.ndim == 2:
        a = np.stack([a] * 3, -1)
    a = a[:, :, :3]
    if a.dtype != np.uint8:
        a = (a.astype(np.float64) / a.max() * 255).astype(np.uint8)
    return Image.fromarray(a)


def blazeface(kind):
    """test: lfw_subset (100 faces, then 100 non-faces, 25x25) scaled to
    64x64 on a mid-grey 128x128 canvas; calib: 128x128 views of other
    scikit-image photos. NHWC RGB in [-1, 1]."""
    if kind == "test":
        import skimage.data
        lfw = skimage.data.lfw_subset()
        xs = []
        for g in lfw:
            face = Image.fromarray((g * 255).astype(np.uint8)).resize((64, 64), Image.BICUBIC)
            canvas = Image.new("L", (128, 128), 128)
            canvas.paste(face, (32, 32))
            xs.append(np.stack([np.asarray(canvas)] * 3, -1))
        labels = [1] * 100 + [0] * 100
    else:
        xs, labels = [], []
        for name, box in [("astronaut.png", (120, 0, 300, 180)), ("astronaut.png", None),
                          ("camera.png", (150, 20, 350, 220)), ("chelsea.png", None),
                          ("coffee.png", None), ("rocket.jpg", None),
                          ("motorcycle_left.png", None), ("brick.png", None)]:
            im = skimage_photo(name)
            if box:
                im = im.crop(box)
            xs.append(np.asarray(im.resize((128, 128), Image.BILINEAR)))
            labels.append(-1)
    x = np.stack(xs).astype(np.float32) / 127.5 - 1.0
    return {"input:0": x}, {"labels": labels}


MLSD_TEST = ["astronaut.png", "camera.png", "coffee.png", "chelsea.png", "brick.png",
             "motorcycle_left.png", "rocket.jpg", "page.png", "clock_motion.png", "coins.png"]
MLSD_CALIB = ["motorcycle_right.png", "grass.png", "gravel.png", "moon.png", "retina.jpg",
              "hubble_deep_field.jpg", "text.png", "ihc.png"]


def mlsd(kind):
    """scikit-image photos resized to 320x320; NHWC RGB in 0..255 and an
    alpha channel of 1, as the package's Preprocess.compute feeds it."""
    xs = []
    for name in (MLSD_TEST if kind == "test" else MLSD_CALIB):
        a = np.asarray(skimage_photo(name).resize((320, 320), Image.BILINEAR), np.float32)
        xs.append(np.concatenate([a, np.ones((320, 320, 1), np.float32)], -1))
    return {"input_image_with_alpha:0": np.stack(xs)}, {"photos": MLSD_TEST if kind == "test" else MLSD_CALIB}


VAD_TEST = ["the weather is nice today", "please open the window",
            "seven hundred and twelve", "where is the train station",
            "turn the lights off", "I would like a cup of coffee"]
VAD_CALIB = ["a quick brown fox", "numbers one two three", "good morning everyone"]


def espeak(text, voice, rate):
    with tempfile.TemporaryDirectory() as t:
        f = os.path.join(t, "a.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", f, text],
                       check=True, capture_output=True)
        with wave.open(f) as w:
            sr = w.getframerate()
            a = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32) / 32768
    from scipy.signal import resample_poly
    g = np.gcd(16000, sr)
    return resample_poly(a, 16000 // g, sr // g).astype(np.float32)


def vad(kind, rng):
    """espeak-ng phrases separated by 0.5-1.2 s of low noise (-50 dBFS), at
    16 kHz. A 512-sample frame is speech when at least half of it lies in a
    phrase's voiced span (the phrase trimmed to where its 10 ms RMS exceeds
    1% of full scale). Each step's input is the frame with the previous
    frame's last 64 samples in front (576 samples), as Silero v5 is fed."""
    phrases, voice = (VAD_TEST, "en-us") if kind == "test" else (VAD_CALIB, "en-gb")
    sig, spans = [], []
    pos = 0
    for p in phrases:
        gap = np.zeros(int(rng.integers(8000, 19200)), np.float32)
        sig.append(gap)
        pos += len(gap)
        a = espeak(p, voice, 150)
        rms = np.sqrt(np.convolve(a * a, np.ones(160) / 160, "same"))
        on = np.nonzero(rms > 0.01)[0]
        spans.append([pos + int(on[0]), pos + int(on[-1])])
        sig.append(a)
        pos += len(a)
    sig.append(np.zeros(16000, np.float32))
    x = np.concatenate(sig)
    x = x + rng.normal(0, 10 ** (-50 / 20), x.shape).astype(np.float32)
    n = len(x) // 512
    speech = np.zeros(len(x), bool)
    for s, e in spans:
        speech[s:e] = True
    labels = [int(speech[i * 512:(i + 1) * 512].mean() >= 0.5) for i in range(n)]
    prev = np.concatenate([np.zeros(64, np.float32), x])
    steps = np.stack([prev[i * 512:i * 512 + 576] for i in range(n)]).astype(np.float32)
    return ({"input": steps, "state": np.zeros((2, 1, 128), np.float32),
             "sr": np.array(16000, np.int64)},
            {"labels": labels, "spans": spans, "phrases": phrases})


def build(out):
    sets = {}
    rng = np.random.default_rng(0)
    rec_test = texts(rng, 24)
    rec_calib = texts(rng, 16, rec_test)
    # 16 lines for the recognizer (the slowest model per sample), 24 for cls.
    sets["ocr_rec_test"] = ({"x": ocr_lines(rng, rec_test[:16], 48, 320)},
                            {"texts": rec_test[:16]})
    sets["ocr_rec_calib"] = ({"x": ocr_lines(rng, rec_calib, 48, 320)}, {"texts": rec_calib})
    cls_flip = [i % 2 for i in range(24)]
    sets["ocr_cls_test"] = ({"x": ocr_lines(rng, rec_test, 48, 192, cls_flip)},
                            {"texts": rec_test, "labels": cls_flip})
    calib_flip = [i % 2 for i in range(16)]
    sets["ocr_cls_calib"] = ({"x": ocr_lines(rng, rec_calib, 48, 192, calib_flip)},
                             {"labels": calib_flip})
    x, boxes, strings = ocr_pages(rng, 4, [])
    sets["ocr_det_test"] = ({"x": x}, {"boxes": boxes, "texts": strings})
    x, boxes, strings = ocr_pages(rng, 4, strings)
    sets["ocr_det_calib"] = ({"x": x}, {"boxes": boxes, "texts": strings})
    for k in ("test", "calib"):
        sets[f"blazeface_{k}"] = blazeface(k)
        sets[f"mlsd_{k}"] = mlsd(k)
        sets[f"vad_{k}"] = vad(k, np.random.default_rng(1 if k == "test" else 2))
    for name, (arrays, meta) in sets.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        for k, v in arrays.items():
            np.save(os.path.join(d, k.replace(":", "_") + ".npy"), v)
        meta["inputs"] = {k: k.replace(":", "_") + ".npy" for k in arrays}
        with open(os.path.join(d, "meta.json"), "w") as f:
            json.dump(meta, f, indent=1)


if __name__ == "__main__":
    build(sys.argv[1])
