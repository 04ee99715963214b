#!/bin/sh
# emb-extract against its peers, in the same run, medians of several runs:
#  - a 400,000 x 100 GloVe text file (the shared 50k file eight times over,
#    words made unique): emb-extract vs gensim's
#    KeyedVectors.load_word2vec_format(no_header=True); peak memory vs the
#    float32 matrix (targets: >= 10x faster, <= 1.5x the matrix);
#  - the same vectors as npy, safetensors and word2vec binary: emb-extract
#    vs cat FILE > /dev/null (target: within 2x).
# usage: sh bench/extract.sh [RUNS]   (RUNS >= 3, default 5; gensim runs 3 times)
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
BIN=${BIN:-$ROOT/bin}
PY=${PY:-/usr/bin/python3}
DATA=${EMB_DATA:-$ROOT/../shared/data}
RUNS=${1:-5}
W=${BENCH_DIR:-/tmp/emb-bench-extract}
EX=$BIN/emb-extract
[ -x "$EX" ] || { echo "no $EX: build first (make)" >&2; exit 1; }
[ -r "$DATA/glove-100d-50k.txt.gz" ] || { echo "no $DATA/glove-100d-50k.txt.gz" >&2; exit 1; }
[ "$RUNS" -ge 3 ] 2>/dev/null || RUNS=3
mkdir -p "$W"

G=$W/glove400k.txt
if [ ! -s "$G" ]; then
	gzip -dc "$DATA/glove-100d-50k.txt.gz" >"$W/g50k.txt"
	for i in 0 1 2 3 4 5 6 7; do
		sed "s/^\([^ ]*\) /\1_$i /" "$W/g50k.txt"
	done >"$G"
	rm -f "$W/g50k.txt"
fi
if [ ! -s "$W/v.safetensors" ]; then
	"$EX" -q "$G" | "$PY" -c "
import json, struct, sys
import numpy as np
sys.path.insert(0, '$ROOT/tests')
import embio
f = embio.read('-')[0]
X = np.ascontiguousarray(f['data'], dtype='<f4')
np.save('$W/v.npy', X)
h = json.dumps({'v': {'dtype': 'F32', 'shape': list(X.shape), 'data_offsets': [0, X.nbytes]}}).encode()
h += b' ' * (-len(h) % 8)
with open('$W/v.safetensors', 'wb') as o:
    o.write(struct.pack('<Q', len(h)) + h)
    X.tofile(o)
with open('$W/v.bin', 'wb') as o:
    o.write(b'%d %d\n' % X.shape)
    for w, row in zip(f['labels'], X):
        o.write(w[0].encode('utf-8', 'surrogateescape') + b' ' + row.tobytes() + b'\n')
"
fi

# time1 OUT CMD...: one run; appends "seconds peakKB" to OUT (wall clock in ns:
# cat of a cached file takes tens of milliseconds)
time1() {
	out=$1; shift
	t0=$(date +%s%N)
	/usr/bin/time -f "%M" -o "$W/t" "$@" >/dev/null 2>"$W/err" || {
		echo "failed: $*" >&2; cat "$W/err" >&2; exit 1; }
	t1=$(date +%s%N)
	echo "$(( (t1 - t0) / 1000000 )) $(tail -n 1 "$W/t")" |
	    awk '{ printf "%.3f %s\n", $1 / 1000, $2 }' >>"$out"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
col() { awk -v c="$1" '{ print $c }' "$2" | median; }

echo "emb-extract benchmark, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$G" >/dev/null	# page cache
rm -f "$W"/*.runs
i=0
while [ $i -lt "$RUNS" ]; do
	time1 "$W/ours.runs" "$EX" -q "$G"
	i=$((i + 1))
done
i=0
while [ $i -lt 3 ]; do
	time1 "$W/gensim.runs" "$PY" -c "
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format('$G', binary=False, no_header=True)
assert kv.vectors.shape == (400000, 100)
"
	i=$((i + 1))
done
ours=$(col 1 "$W/ours.runs") gen=$(col 1 "$W/gensim.runs")
ourmem=$(col 2 "$W/ours.runs") genmem=$(col 2 "$W/gensim.runs")
matrix=$((400000 * 100 * 4 / 1024))
echo "GloVe text 400000 x 100 ($(du -m "$G" | cut -f1) MB):"
echo "  emb-extract  median $ours s  peak $ourmem KB  (runs: $(awk '{ printf "%s ", $1 }' "$W/ours.runs"))"
echo "  gensim       median $gen s  peak $genmem KB  (runs: $(awk '{ printf "%s ", $1 }' "$W/gensim.runs"))"
awk -v o="$ours" -v g="$gen" -v m="$ourmem" -v x="$matrix" 'BEGIN {
	printf "  speed-up %.1fx (target >= 10x); peak memory %.2fx the float32 matrix (target <= 1.5x)\n",
	    g / o, m / x }'

for f in v.npy v.safetensors v.bin; do
	cat "$W/$f" >/dev/null
	rm -f "$W/cat.runs" "$W/ex.runs"
	i=0
	while [ $i -lt "$RUNS" ]; do
		time1 "$W/cat.runs" sh -c 'cat "$1" >/dev/null' sh "$W/$f"
		time1 "$W/ex.runs" "$EX" -q "$W/$f"
		i=$((i + 1))
	done
	c=$(col 1 "$W/cat.runs") e=$(col 1 "$W/ex.runs") m=$(col 2 "$W/ex.runs")
	awk -v f="$f" -v c="$c" -v e="$e" -v m="$m" -v s="$(du -m "$W/$f" | cut -f1)" 'BEGIN {
		printf "%-14s %4d MB: cat %.3f s, emb-extract %.3f s (%.2fx cat; target <= 2x), peak %d KB\n",
		    f, s, c, e, (c > 0 ? e / c : 0), m }'
done
if [ -r "$DATA/fashion-mnist.npy" ]; then
	rm -f "$W/cat.runs" "$W/ex.runs"
	i=0
	while [ $i -lt "$RUNS" ]; do
		time1 "$W/cat.runs" sh -c 'cat "$1" >/dev/null' sh "$DATA/fashion-mnist.npy"
		time1 "$W/ex.runs" "$EX" -q "$DATA/fashion-mnist.npy"
		i=$((i + 1))
	done
	awk -v c="$(col 1 "$W/cat.runs")" -v e="$(col 1 "$W/ex.runs")" 'BEGIN {
		printf "fashion-mnist.npy (uint8, 4x the bytes out): cat %.3f s, emb-extract %.3f s (%.2fx)\n",
		    c, e, (c > 0 ? e / c : 0) }'
fi
