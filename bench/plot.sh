#!/bin/sh
# emb-plot + gnuplot against matplotlib, whole processes, in the same run:
# the 70,000 Fashion-MNIST images as a 2-D PCA map (numpy), coloured by their
# 10 classes with a legend, to an 800x600 PNG.  Then the time emb-plot takes
# to write the script for 1,000,000 labelled points.  Medians of $RUNS runs;
# peak memory from /usr/bin/time.
#
#	sh bench/plot.sh		(BIN=bin RUNS=5 EMB_DATA=../shared/data)
set -e
cd "$(dirname "$0")/.."
BIN=${BIN:-$(pwd)/bin}
PY=${PY:-/usr/bin/python3}
DATA=${EMB_DATA:-$(pwd)/../shared/data}
RUNS=${RUNS:-5}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$PY" - "$DATA" "$T" "$(pwd)/tests" <<'EOF'
import sys
import numpy as np
sys.path.insert(0, sys.argv[3])
import embio
data, out = sys.argv[1], sys.argv[2]
X = np.load(data + "/fashion-mnist.npy").astype(np.float32)
X -= X.mean(axis=0)
w, V = np.linalg.eigh(X.T @ X)
P = (X @ V[:, ::-1][:, :2]).astype(np.float32)
labels = open(data + "/fashion-mnist.labels", encoding="utf-8").read().split("\n")[:len(P)]
np.save(out + "/map.npy", P)
with open(out + "/map.emb", "wb") as f:
    embio.write_points(f, P, [[c] for c in labels], ["class"],
                       {"source": "fashion-mnist.npy", "reducer": "pca", "source.cols": "784"})
rng = np.random.RandomState(1)
n = 1000000
M = rng.normal(size=(n, 2)).astype(np.float32)
with open(out + "/million.emb", "wb") as f:
    embio.write_points(f, M, [["w%d" % i, "c%d" % (i % 10)] for i in range(n)],
                       ["word", "class"])
EOF
cp "$DATA/fashion-mnist.labels" "$T/labels.txt"

cat >"$T/mpl.py" <<'EOF'
import sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
P = np.load(sys.argv[1])
labels = np.array(open(sys.argv[2], encoding="utf-8").read().split("\n")[:len(P)])
fig, ax = plt.subplots(figsize=(8, 6), dpi=100)
for c in sorted(set(labels)):
    m = labels == c
    ax.scatter(P[m, 0], P[m, 1], s=2, label=c)
ax.legend(markerscale=4)
ax.set_title("PCA of fashion-mnist.npy, 70,000 x 784")
fig.savefig(sys.argv[3])
EOF

# run NAME CMD: append "seconds peak-KB" of one run of CMD to $T/NAME.
run() {
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$T/time" sh -c "$*" >/dev/null
	cat "$T/time" >>"$T/$name"
}
median() { sort -n -k"$2","$2" "$T/$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'; }

for i in $(seq "$RUNS"); do
	run plot "'$BIN/emb-plot' -T png -c class -o '$T/emb.png' '$T/map.emb' | gnuplot"
	run mpl "'$PY' '$T/mpl.py' '$T/map.npy' '$T/labels.txt' '$T/mpl.png'"
	run script "'$BIN/emb-plot' -T png -c class -o '$T/x.png' '$T/million.emb'"
done
"$PY" "tests/plot_check.py" png "$T/emb.png" >/dev/null	# both pictures are whole PNGs
"$PY" "tests/plot_check.py" png "$T/mpl.png" >/dev/null

p=$(median plot 1) m=$(median mpl 1) s=$(median script 1)
echo "70,000 points, 10 classes, 800x600 PNG (median of $RUNS runs):"
echo "  emb-plot | gnuplot   $p s, peak $(median plot 2) KB"
echo "  matplotlib           $m s, peak $(median mpl 2) KB"
echo "  ratio                $(echo "$p $m" | awk '{ printf "%.2f", $1 / $2 }') (emb-plot + gnuplot / matplotlib)"
echo "writing the script for 1,000,000 points: $s s, peak $(median script 2) KB"
echo "all runs (s): emb-plot+gnuplot $(cut -d' ' -f1 "$T/plot" | tr '\n' ' ')"
echo "              matplotlib      $(cut -d' ' -f1 "$T/mpl" | tr '\n' ' ')"
echo "              1M script       $(cut -d' ' -f1 "$T/script" | tr '\n' ' ')"
