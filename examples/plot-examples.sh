#!/bin/sh
# Makes the pictures in examples/pictures: the EXAMPLES of emb-plot(1), run
# on the shared data sets (GloVe, Fashion-MNIST).  The t-SNE snapshots for the
# animation come from scikit-learn, and the positional encodings from numpy.
#
#	sh examples/plot-examples.sh	(BIN=bin EMB_DATA=../shared/data)
set -e
cd "$(dirname "$0")/.."
BIN=${BIN:-$(pwd)/bin}
PY=${PY:-/usr/bin/python3}
DATA=${EMB_DATA:-$(pwd)/../shared/data}
OUT=examples/pictures
PATH=$BIN:$PATH
export PATH
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$OUT"
GLOVE=$DATA/glove-100d-50k.txt.gz
FASHION=$DATA/fashion-mnist.npy
LABELS=$DATA/fashion-mnist.labels

emb-extract -n 3000 "$GLOVE" | emb-pca -k 2 |
    emb-plot -T png -s 560x420 -L 300 --label-match '^(paris|london|berlin|tokyo)$' \
    -o "$OUT/words.png" | gnuplot

emb-extract -l "$LABELS" -n 3000 "$FASHION" | emb-pca -k 3 >"$T/fashion.emb"
emb-plot -T png -s 560x420 -c label -x 1 -y 2 -o "$OUT/fashion.png" "$T/fashion.emb" | gnuplot
emb-plot -T png -s 560x420 -c label --view 40,65 -o "$OUT/fashion-3d.png" \
    "$T/fashion.emb" | gnuplot

emb-extract "$FASHION" | emb-pca -k 2 |
    emb-plot -T png -s 560x420 --density -o "$OUT/density.png" | gnuplot

echo king queen man woman prince princess boy girl father mother son daughter \
    uncle aunt brother sister | tr ' ' '\n' >"$T/words.txt"
emb-extract --words @"$T/words.txt" "$GLOVE" | emb-pca -k 2 |
    emb-plot -T png -s 560x420 -L all --all-labels --highlight '^(king|queen|man|woman|boy|girl|prince|princess)$' \
    --arrows 'man>king,woman>queen,boy>prince,girl>princess' -o "$OUT/analogy.png" | gnuplot

"$PY" -c '
import sys
import numpy as np
pos, d = np.arange(256)[:, None], np.arange(0, 64, 2)
angle = pos / 10000 ** (d / 64)
pe = np.zeros((256, 64), np.float32)
pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
np.save(sys.argv[1], pe)' "$T/positions.npy"
emb-extract "$T/positions.npy" | emb-pca -k 2 |
    emb-plot -T png -s 560x420 -c row --path -o "$OUT/positions.png" | gnuplot

"$PY" -c '
import sys
import numpy as np
pos, i = np.arange(512)[:, None], np.arange(0, 128, 2)
pe = np.zeros((512, 128), np.float32)
pe[:, 0::2], pe[:, 1::2] = np.sin(pos / 10000 ** (i / 128)), np.cos(pos / 10000 ** (i / 128))
np.save(sys.argv[1], pe)' "$T/sinusoidal.npy"
emb-extract "$T/sinusoidal.npy" | emb-plot --similarity -T png -s 560x480 \
    -o "$OUT/pos-similarity.png" | gnuplot
emb-extract "$T/sinusoidal.npy" | emb-plot --matrix -T png -s 560x420 \
    -o "$OUT/pos-values.png" | gnuplot

emb-extract -n 100 "$GLOVE" | emb-pca -k 2 |
    emb-plot -T svg -s 560x420 -L 25 -o "$OUT/words.svg" | gnuplot
emb-extract -n 2000 "$GLOVE" | emb-pca -k 2 |
    emb-plot -T dumb -s 100x32 -L 30 | gnuplot >"$OUT/words.txt"

# t-SNE of 1,000 images after PCA to 50, stopped after more and more
# iterations: scikit-learn's runs with one seed share their path.
emb-extract -l "$LABELS" -n 1000 "$FASHION" | emb-pca -k 50 >"$T/pca50.emb"
"$PY" - "$T/pca50.emb" "$(pwd)/tests" >"$T/snapshots.emb" <<'EOF'
import sys
import numpy as np
from sklearn.manifold import TSNE
sys.path.insert(0, sys.argv[2])
import embio
f = embio.last_points(sys.argv[1])
X = np.asarray(f["data"], np.float32)
for it in (250, 300, 400, 550, 1000):
    Y = TSNE(n_iter=it, init="pca", learning_rate="auto", random_state=1,
             n_iter_without_progress=1000).fit_transform(X)
    embio.write_points(sys.stdout.buffer, Y, f["labels"], f["fields"],
                       {"source": "fashion-mnist.npy", "reducer": "tsne",
                        "tsne.perplexity": "30", "tsne.iteration": str(it)})
EOF
emb-plot -T gif --animate -s 480x360 -c label -o "$OUT/tsne.gif" "$T/snapshots.emb" | gnuplot
ls -l "$OUT"
