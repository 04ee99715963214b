#!/bin/sh
# bench/umap.sh [RUNS]: emb-umap against umap-learn 0.5.3 and uwot 0.1.14 on
# Fashion-MNIST's 70,000 rows after PCA to 50 (sklearn), 2 threads, RUNS
# (default 3) interleaved runs; and on the 50,000 GloVe words after PCA to 50
# next to uwot.  Whole processes for emb-umap (its own neighbour search
# included) and umap-learn; uwot timed inside R, without R's start and the
# loading of the data.  Medians of wall time and peak memory; kNN
# preservation and 10-NN class accuracy on 5,000 random rows (k = 10) of the
# last run, as /work/shared/data/README.md defines them.
#
#   emb-umap             emb-umap -j 2                  (min_dist 0.1)
#   emb-umap md=0.01     emb-umap -j 2 --min-dist 0.01
#   umap-learn           umap.UMAP().fit_transform(X)   (min_dist 0.1)
#   uwot                 umap(X, n_threads = 2, n_sgd_threads = 2)   (min_dist 0.01)
#
# The targets (issue 11): emb-umap's defaults >= umap-learn's scores - 0.01,
# --min-dist 0.01 >= uwot's - 0.01, and time <= 0.5x uwot's (goal 0.33x).
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
BIN=${BIN:-$ROOT/bin}
PY=/usr/bin/python3
DATA=${EMB_DATA:-$ROOT/../shared/data}
RUNS=${1:-3}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 NUMBA_NUM_THREADS=2 MKL_NUM_THREADS=2

echo "# preparing data in $W"
$PY tests/knn_ref.py pca "$DATA/fashion-mnist.npy" 70000 50 "$W/fm50.npy" "$W/fm50.emb"
$PY tests/knn_ref.py glove "$DATA/glove-100d-50k.txt.gz" 50000 "$W/glove.emb"
$PY - "$W" <<'EOF2'
import sys
import numpy as np
from sklearn.decomposition import PCA
sys.path.insert(0, "tests")
import embio
w = sys.argv[1]
G = np.array(embio.last_points(w + "/glove.emb")["data"], dtype=np.float64)
G = PCA(50, random_state=0).fit_transform(G).astype(np.float32)
np.save(w + "/glove50.npy", G)
with open(w + "/glove50.emb", "wb") as f:
    embio.write_points(f, G)
for name in ("fm50", "glove50"):
    np.load(w + "/%s.npy" % name).astype("<f8").tofile(w + "/%s.f64" % name)
EOF2

cat >"$W/umap_learn.py" <<'EOF2'
import sys
import numpy as np
import umap
sys.path.insert(0, sys.argv[3])
import embio
Y = umap.UMAP().fit_transform(np.load(sys.argv[1]))
with open(sys.argv[2], "wb") as f:
    embio.write_points(f, Y)
EOF2
cat >"$W/uwot.R" <<'EOF2'
args <- commandArgs(TRUE)
n <- as.integer(args[2]); d <- as.integer(args[3])
X <- matrix(readBin(args[1], "double", n * d), ncol = d, byrow = TRUE)
suppressMessages(library(uwot))
t <- system.time(Y <- umap(X, n_threads = 2, n_sgd_threads = 2))[["elapsed"]]
cat(sprintf("%.3f\n", t), file = args[5])
writeBin(as.vector(t(Y)), args[4], size = 4)
EOF2

# run NAME CMD...: one timed run, "seconds KB" appended to $W/NAME
run() {
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$W/t" nice -n 10 "$@" >"$W/$name.out" 2>"$W/$name.err" ||
	    { echo "$name failed: $(tail -n 3 "$W/$name.err")"; exit 1; }
	tail -n 1 "$W/t" >>"$W/$name"
}

# uwot NAME DATA ROWS: the time inside R replaces the process's
uwot() {
	run "$1" Rscript "$W/uwot.R" "$W/$2.f64" "$3" 50 "$W/$1.f32" "$W/$1.rt"
	last=$(tail -n 1 "$W/$1")
	sed -i '$d' "$W/$1"
	echo "$(cat "$W/$1.rt") ${last#* }" >>"$W/$1"
	$PY -c 'import sys, numpy as np
sys.path.insert(0, "tests")
import embio
Y = np.fromfile(sys.argv[1], "<f4").reshape(-1, 2)
embio.write_points(open(sys.argv[2], "wb"), Y)' "$W/$1.f32" "$W/$1.emb"
}

median() {	# median of column $2 of file $1
	awk -v c="$2" '{ print $c }' "$1" | sort -n |
	    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for r in $(seq "$RUNS"); do
	echo "# run $r of $RUNS, load $(cut -d ' ' -f 1-3 /proc/loadavg)"
	run emb-umap sh -c "\"$BIN/emb-umap\" -v -j 2 \"$W/fm50.emb\" >\"$W/emb-umap.emb\""
	uwot uwot-fm fm50 70000
	run emb-umap-md sh -c "\"$BIN/emb-umap\" -j 2 --min-dist 0.01 \"$W/fm50.emb\" >\"$W/emb-umap-md.emb\""
	run umap-learn $PY "$W/umap_learn.py" "$W/fm50.npy" "$W/umap-learn.emb" "$ROOT/tests"
	run emb-glove sh -c "\"$BIN/emb-umap\" -v -j 2 \"$W/glove50.emb\" >\"$W/emb-glove.emb\""
	uwot uwot-glove glove50 50000
done

echo "# emb-umap -v, last run, Fashion-MNIST:"
grep -v 'epoch\|neighbour\|trees' "$W/emb-umap.err"
echo "# emb-umap -v, last run, GloVe:"
grep -v 'epoch\|neighbour\|trees' "$W/emb-glove.err"
echo "# medians of $RUNS runs (machine shared), quality of the last run"
L=$DATA/fashion-mnist.labels
printf '%-30s %8s %8s %7s %8s %8s\n' program seconds "x uwot" "peak MB" preserv accuracy
for name in emb-umap emb-umap-md umap-learn uwot-fm emb-glove uwot-glove; do
	case $name in
	*glove) x=$W/glove50.npy ref=uwot-glove lab=none ;;
	*) x=$W/fm50.npy ref=uwot-fm lab=$L ;;
	esac
	t=$(median "$W/$name" 1) m=$(median "$W/$name" 2) tr=$(median "$W/$ref" 1)
	if [ "$lab" = none ]; then
		$PY - "$x" "$W/$name.emb" >"$W/q" <<'EOF2'
import sys
import numpy as np
sys.path.insert(0, "tests")
import embio
from umap_score import score
X = np.load(sys.argv[1]).astype(np.float64)
Y = np.array(embio.last_points(sys.argv[2])["data"], dtype=np.float64)
p, _ = score(X, np.zeros(len(X), dtype=int), Y)
print("preservation %.4f accuracy -" % p)
EOF2
	else
		$PY tests/umap_score.py "$x" "$lab" "$W/$name.emb" >"$W/q"
	fi
	set -- $(cat "$W/q")
	printf '%-30s %8.2f %8.3f %7.0f %8s %8s\n' "$name" "$t" \
	    "$(echo "$t $tr" | awk '{ print $1 / $2 }')" "$(echo "$m" | awk '{ print $1 / 1024 }')" "$2" "$4"
done
