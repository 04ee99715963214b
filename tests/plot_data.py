"""Streams for emb-plot's tests, written with the independent tests/embio.py.

    plot_data.py DIR N     writes DIR/pts.emb (N x 2, 10 classes, words, a numeric
                           field), DIR/wide.emb (5 columns with extreme and
                           non-finite values), DIR/d3.emb (3-D), DIR/many.emb (30
                           classes), DIR/anim.emb (3 frames), DIR/meta.emb
"""
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import embio  # noqa: E402

d, n = sys.argv[1], int(sys.argv[2])
rng = np.random.RandomState(3)
centres = rng.uniform(-20, 20, size=(10, 3))
cls = rng.randint(0, 10, size=n)
X = (centres[cls] + rng.normal(size=(n, 3))).astype(np.float32)
words = ["w%05d" % i for i in range(n)]
value = ["%.3f" % v for v in rng.uniform(-5, 5, size=n)]
value[3] = ""                                   # a missing value
rows = [[w, "class %d" % c, v] for w, c, v in zip(words, cls, value)]
with open(d + "/pts.emb", "wb") as f:
    embio.write_points(f, X[:, :2], rows, ["word", "class", "value"],
                       {"reducer": "tsne", "tsne.perplexity": "30"})
with open(d + "/d3.emb", "wb") as f:
    embio.write_points(f, X, rows, ["word", "class", "value"])

W = rng.normal(size=(n, 5)).astype(np.float32) * np.float32(1e3)
ext = np.array([1.4e-45, -1.4e-45, 1.17549435e-38, 3.4028235e38, -3.4028235e38,
                1e-30, 123456789, 0.1, 1 / 3, -0.0, 7e-5, 1e9], np.float32)
W[:len(ext), 1] = ext
W[:len(ext), 3] = ext[::-1]
W[20, 1] = np.nan
W[21, 3] = np.inf
W[22, 1] = -np.inf
bits = rng.randint(0, 2 ** 32, size=n, dtype=np.uint64).astype(np.uint32).view(np.float32)
bits[~np.isfinite(bits)] = 1.5
W[100:, 4] = bits[100:]
with open(d + "/wide.emb", "wb") as f:
    embio.write_points(f, W, [[w] for w in words], ["word"])

many = np.minimum(rng.geometric(0.12, size=n), 30) - 1
with open(d + "/many.emb", "wb") as f:
    embio.write_points(f, X[:, :2], [["k%02d" % k] for k in many], ["kind"])

with open(d + "/anim.emb", "wb") as f:
    for it in (50, 100, 150):
        embio.write_points(f, X[:, :2] * it / 150, rows, ["word", "class", "value"],
                           {"reducer": "tsne", "tsne.iteration": str(it)})

with open(d + "/meta.emb", "wb") as f:
    embio.write_points(f, X[:5000, :2] if n >= 5000 else np.resize(X[:, :2], (5000, 2)),
                       None, None,
                       {"source": "/data/glove.6B.100d.txt", "reducer": "tsne",
                        "tsne.perplexity": "30", "source.cols": "100"})
