#!/bin/sh
# bench/place.sh [RUNS]: placing new points into a fitted map, emb-tsne
# --apply and emb-umap --apply, next to umap-learn 0.5.3's transform
# (openTSNE is not packaged in Debian).  Fashion-MNIST after emb-pca -k 50:
# the maps fitted on the first 20,000 rows, then PLACE (default 10,000; the
# issue's figure is 50,000) of the others placed, with -j 1 and -j 2, RUNS
# (default 3) interleaved runs, whole processes (reading the model, the
# exact neighbour search and writing included); umap-learn once, timed
# inside Python around transform() alone, with 2 numba threads.  Medians of
# points placed per second, per second per core, and what they make of 10
# and 100 million rows on N cores (shards are independent: the time is the
# rows over N times the rate per core, plus reading the model once per shard).
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
BIN=${BIN:-$ROOT/bin}
PY=/usr/bin/python3
DATA=${EMB_DATA:-$ROOT/../shared/data}
RUNS=${1:-3}
PLACE=${PLACE:-10000}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export OPENBLAS_NUM_THREADS=1

[ -r "$DATA/fashion-mnist.npy" ] || { echo "bench/place.sh: no $DATA/fashion-mnist.npy" >&2; exit 1; }
echo "# preparing Fashion-MNIST PCA-50 in $W"
"$BIN/emb-extract" -q -l "$DATA/fashion-mnist.labels" "$DATA/fashion-mnist.npy" |
    "$BIN/emb-pca" -q -k 50 >"$W/fm.emb"
"$BIN/emb-extract" -q --rows 0:20000 "$W/fm.emb" >"$W/ref.emb"
"$BIN/emb-extract" -q --rows 20000:$((20000 + PLACE)) "$W/fm.emb" >"$W/new.emb"
"$BIN/emb-extract" -q --rows 0:$((20000 + PLACE)) "$W/fm.emb" >"$W/both.emb"

secs() { date +%s.%N; }
for R in tsne umap; do
	t0=$(secs)
	"$BIN/emb-$R" -q -j 2 --save "$W/$R.model" "$W/ref.emb" >"$W/$R.ref"
	echo "fit emb-$R -j 2 on 20000 rows: $(echo "$(secs) - $t0" | bc) s"
done
: >"$W/times"
run=1
while [ $run -le "$RUNS" ]; do
	for R in tsne umap; do
		for j in 1 2; do
			t0=$(secs)
			"$BIN/emb-$R" -q -j $j --apply "$W/$R.model" "$W/new.emb" >"$W/$R.new"
			echo "$R $j $(echo "$(secs) - $t0" | bc)" >>"$W/times"
		done
	done
	run=$((run + 1))
done
echo "# umap-learn: fit s, transform s, points/s, 10-NN accuracy"
peer=$($PY bench/place_peer.py "$W/both.emb" 20000 2 "$PLACE" 2>/dev/null | tail -n 1)
echo "umap-learn 0.5.3 transform, 2 threads: $peer"
for R in tsne umap; do
	s=$($PY - "$W/$R.ref" "$W/$R.new" <<'EOF2'
import sys
import numpy as np
from sklearn.neighbors import NearestNeighbors
sys.path.insert(0, "tests")
import embio
r, p = embio.last_points(sys.argv[1]), embio.last_points(sys.argv[2])
rl = np.array([l[0] for l in r["labels"]])
pl = np.array([l[0] for l in p["labels"]])
idx = NearestNeighbors(n_neighbors=10).fit(r["data"]).kneighbors(p["data"], return_distance=False)
hits = sum(np.unique(rl[row], return_counts=True)[0][np.argmax(np.unique(rl[row], return_counts=True)[1])] == pl[i]
           for i, row in enumerate(idx))
print("%.4f" % (hits / len(pl)))
EOF2
)
	echo "emb-$R --apply: 10-NN accuracy of the placed points $s"
done
$PY - "$W/times" "$PLACE" "$peer" <<'EOF2'
import statistics, sys
rows = int(sys.argv[2])
t = {}
for line in open(sys.argv[1]):
    r, j, s = line.split()
    t.setdefault((r, int(j)), []).append(float(s))
print("# medians of %d runs, %d points placed into a 20,000-point map (shared machine)" % (len(t[("tsne", 1)]), rows))
print("%-20s %8s %12s %16s" % ("", "wall s", "points/s", "points/s/core"))
rate = {}
for (r, j), v in sorted(t.items()):
    m = statistics.median(v)
    rate[(r, j)] = rows / m / j
    print("%-20s %8.2f %12.0f %16.0f" % ("emb-%s -j %d" % (r, j), m, rows / m, rows / m / j))
peer = sys.argv[3].split()
if len(peer) == 4:
    print("%-20s %8.2f %12.0f %16.0f" % ("umap-learn -j 2", float(peer[1]), float(peer[2]), float(peer[2]) / 2))
print("# extrapolated: rows / (cores x the -j 1 rate per core)")
print("%-10s %6s %14s %14s" % ("", "cores", "10M rows", "100M rows"))
def h(s):
    return "%.1f h" % (s / 3600) if s >= 3600 else "%.0f min" % (s / 60)
for r in ("tsne", "umap"):
    for n in (2, 16, 64, 256):
        print("%-10s %6d %14s %14s" % ("emb-" + r, n, h(1e7 / rate[(r, 1)] / n), h(1e8 / rate[(r, 1)] / n)))
EOF2
