#!/bin/sh
# emb-pca against scikit-learn on Fashion-MNIST, 70,000 x 784 to 50 components:
# whole processes, input from a file, run alternately N times (default 5);
# prints the median wall time and peak memory of each and their ratios.
#   sh bench/pca.sh [N]        (BIN: built programs, default bin/; PY: /usr/bin/python3)
# Targets (issue 4): emb-pca <= 0.5 x the wall time of a python3 process that
# loads the data with numpy and runs sklearn PCA(50).fit_transform; peak
# resident memory <= 1.3 x the float32 input matrix.
cd "$(dirname "$0")/.." || exit 1
BIN=${BIN:-$(pwd)/bin}
PY=${PY:-/usr/bin/python3}
DATA=${EMB_DATA:-$(pwd)/../shared/data}
N=${1:-5}
W=${TMPDIR:-/tmp}/emb-bench-pca
mkdir -p "$W"
npy=$DATA/fashion-mnist.npy
[ -r "$npy" ] || { echo "no $npy" >&2; exit 1; }
[ -x "$BIN/emb-pca" ] || { echo "no $BIN/emb-pca: run make" >&2; exit 1; }

# The same matrix as an emb stream (float32), made once.
[ -s "$W/fashion.emb" ] || "$PY" tests/embio.py from-npy "$npy" >"$W/fashion.emb" || exit 1
cat >"$W/peer.py" <<'PY'
import sys
import numpy as np
from sklearn.decomposition import PCA
X = np.load(sys.argv[1]).reshape(70000, -1).astype(np.float32)
Y = PCA(50).fit_transform(X)
np.save(sys.argv[2], Y)
PY
matrix_kb=$((70000 * 784 * 4 / 1024))

# run NAME CMD...: one timed run; appends "seconds kilobytes" to $W/NAME
run() {
	n=$1; shift
	/usr/bin/time -f "%e %M" -o "$W/time" "$@" || { echo "$n failed" >&2; exit 1; }
	tail -n 1 "$W/time" >>"$W/$n"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rm -f "$W/emb" "$W/sklearn" "$W/pipe" "$W/randomized"
cat "$W/fashion.emb" >/dev/null	# both read from the page cache
i=0
while [ $i -lt "$N" ]; do
	run emb "$BIN/emb-pca" -q -k 50 "$W/fashion.emb" >"$W/emb.out"
	run sklearn "$PY" "$W/peer.py" "$npy" "$W/sklearn.npy"
	i=$((i + 1))
done
# For the record: from a pipe (buffered), and the randomized method.
run pipe sh -c "cat '$W/fashion.emb' | '$BIN/emb-pca' -q -k 50 >/dev/null"
run randomized "$BIN/emb-pca" -q -k 50 -m randomized "$W/fashion.emb" >/dev/null

emb_s=$(cut -d' ' -f1 "$W/emb" | median)
emb_kb=$(cut -d' ' -f2 "$W/emb" | median)
sk_s=$(cut -d' ' -f1 "$W/sklearn" | median)
sk_kb=$(cut -d' ' -f2 "$W/sklearn" | median)
echo "Fashion-MNIST 70000 x 784 -> 50, median of $N runs, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "emb-pca (file)      $emb_s s  $emb_kb KB   runs: $(cut -d' ' -f1 "$W/emb" | tr '\n' ' ')"
echo "sklearn PCA(50)     $sk_s s  $sk_kb KB   runs: $(cut -d' ' -f1 "$W/sklearn" | tr '\n' ' ')"
echo "emb-pca from a pipe $(cut -d' ' -f1 "$W/pipe") s  $(cut -d' ' -f2 "$W/pipe") KB (one run)"
echo "emb-pca randomized  $(cut -d' ' -f1 "$W/randomized") s  $(cut -d' ' -f2 "$W/randomized") KB (one run)"
awk -v e="$emb_s" -v s="$sk_s" -v m="$emb_kb" -v x="$matrix_kb" 'BEGIN {
	printf "time ratio emb/sklearn %.3f (target <= 0.5): %s\n", e / s, e / s <= 0.5 ? "met" : "NOT met"
	printf "peak memory / float32 matrix (%d KB) %.3f (target <= 1.3): %s\n", x, m / x, m / x <= 1.3 ? "met" : "NOT met"
}'
