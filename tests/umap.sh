# emb-umap: quality on digits against umap-learn's bar, the fuzzy graph and
# the curve against umap-learn itself, reproducibility, the options, bad input.
. "$(dirname "$0")/lib.sh"
REF="$PY $ROOT/tests/umap_ref.py"

if ! need_py numpy sklearn scipy; then
	skip "emb-umap" "no numpy, sklearn and scipy for $PY"
	exit 0
fi
rows=1797
[ -n "$EMB_SANITIZED" ] && rows=600
$REF data "$T" $rows
D=$T/digits.emb

# at_least NAME VALUE MIN: VALUE >= MIN
at_least() {
	if awk -v v="$2" -v m="$3" 'BEGIN { exit !(v >= m) }'; then ok "$1 ($2 >= $3)"
	else notok "$1 ($2 < $3)"; fi
}

# quality on digits, 2-D and 3-D: umap-learn's own test bar
# (supervised: classes further apart than unsupervised; a random start)
emb-umap -q -j 2 "$D" >"$T/u.emb"
emb-umap -q -d 3 "$D" >"$T/u3.emb"
emb-umap -q --supervise digit "$D" >"$T/sup.emb"
emb-umap -q --init random "$D" >"$T/rndfull.emb"
$REF quality "$T/digits.npy" "$T/digits_y.npy" "$T/u.emb" "$T/u3.emb" "$T/sup.emb" \
    "$T/rndfull.emb" >"$T/q"
set -- $(grep '^u.emb ' "$T/q")
at_least "digits 2-D trustworthiness" "$3" 0.97
at_least "digits 2-D 10-NN accuracy" "$5" 0.95
unsup=$5
set -- $(grep '^u3.emb ' "$T/q")
at_least "digits 3-D trustworthiness" "$3" 0.97
check "-d 3 writes 3 columns" grep -aq '^cols 3$' "$T/u3.emb"
set -- $(grep '^sup.emb ' "$T/q")
check "--supervise separates classes better ($5 > $unsup)" \
    awk -v s="$5" -v u="$unsup" 'BEGIN { exit !(s > u) }'
set -- $(grep '^rndfull.emb ' "$T/q")
at_least "--init random: 10-NN accuracy" "$5" 0.9

# the same bytes for any number of threads, and run after run
emb-umap -q -j 1 --epochs 100 "$D" >"$T/j1.emb"
emb-umap -q -j 2 --epochs 100 "$D" >"$T/j2.emb"
check "-j 1 and -j 2 give the same bytes" cmp -s "$T/j1.emb" "$T/j2.emb"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 emb-umap -q --epochs 100 "$D" >"$T/omp1.emb"
check "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 give the same bytes" \
    cmp -s "$T/omp1.emb" "$T/j2.emb"
emb-umap -q -j 2 --seed 9 --epochs 50 "$D" >"$T/s9a.emb"
emb-umap -q -j 2 --seed 9 --epochs 50 "$D" >"$T/s9b.emb"
check "two runs give the same bytes" cmp -s "$T/s9a.emb" "$T/s9b.emb"
check "another seed, another map" test -n "$(cmp "$T/s9a.emb" "$T/j2.emb" 2>&1)"

# a graph frame from emb-knn is used as emb-umap would build it
emb-knn -k 14 --exact "$D" | emb-umap -q --epochs 100 >"$T/g14.emb"
check "a graph from emb-knn -k 14 equals emb-umap's own" cmp -s "$T/g14.emb" "$T/j2.emb"
emb-knn -k 20 --exact "$D" >"$T/g20.emb"
emb-umap -q --epochs 100 "$T/g20.emb" >"$T/g20u.emb"
check "the first k - 1 columns of a larger graph" cmp -s "$T/g20u.emb" "$T/j2.emb"

# the fuzzy graph and a, b against umap-learn itself
if need_py umap; then
	emb-knn -k 20 -m cosine --exact "$D" >"$T/gc.emb"
	emb-knn -k 14 --exact "$T/digits_partial.emb" >"$T/gp.emb"
	emb-umap -q --epochs 1 --graph-out "$T/f15.tsv" "$T/g20.emb" >/dev/null
	emb-umap -q --epochs 1 -k 8 --mix 0.3 --graph-out "$T/f8.tsv" "$T/g20.emb" >/dev/null
	emb-umap -q --epochs 1 -k 20 --graph-out "$T/fc.tsv" "$T/gc.emb" >/dev/null
	emb-umap -q --epochs 1 --supervise digit --graph-out "$T/fs.tsv" "$T/gp.emb" >/dev/null
	ab=
	for p in 0.1:1 0.01:1 0.5:1 0.001:1 0.3:2 1:1.5 0:1 0.25:0.5; do
		emb-umap -q --epochs 1 --min-dist "${p%:*}" --spread "${p#*:}" \
		    "$T/clusters.emb" >"$T/ab$p.emb"
		ab="$ab $T/ab$p.emb"
	done
	$REF fuzzy "$T/g20.emb" "$T/f15.tsv" 15 1 -- fuzzy "$T/g20.emb" "$T/f8.tsv" 8 0.3 \
	    -- fuzzy "$T/gc.emb" "$T/fc.tsv" 20 1 \
	    -- fuzzy "$T/gp.emb" "$T/fs.tsv" 15 1 "$T/digits_ys.npy" -- ab $ab >"$T/ref"
	while IFS= read -r line; do echo "$line (umap-learn)"; done <"$T/ref"
	check "umap-learn checked 5 things" test "$(grep -c '^ok' "$T/ref")" -eq 5
elif [ "$CI" = true ]; then
	notok "umap-learn for the fuzzy graph and a, b (not installed; make deps)"
else
	skip "fuzzy graph and a, b against umap-learn" "umap-learn not installed"
fi

# several components and isolated points: finite, apart
emb-umap -q "$T/clusters.emb" >"$T/c.emb"
check "two far clusters and isolated points: exit 0" test $? -eq 0
emb-umap -q --init pca "$T/clusters.emb" >"$T/cp.emb"
emb-umap -q -d 3 "$T/clusters.emb" >"$T/c3.emb"

# --init, --snapshots
emb-umap -q --init random --epochs 20 "$D" >"$T/rnd.emb"
emb-umap -q --init "$T/rnd.emb" --epochs 1 --snapshots 1 "$D" >"$T/fromfile.emb"
emb-umap -q --init pca --epochs 1 --snapshots 1 "$D" >"$T/pca.emb"
$REF clusters "$T/clusters.npy" "$T/c.emb" -- clusters "$T/clusters.npy" "$T/cp.emb" \
    -- clusters "$T/clusters.npy" "$T/c3.emb" \
    -- initframe "$T/rnd.emb" "$T/fromfile.emb" -- pcaframe "$T/digits.npy" "$T/pca.emb" |
    sed 's/^ok clusters/ok - finite, the clusters apart:/; s/^not ok clusters/not ok - finite, the clusters apart:/
	s/^ok initframe/ok - --init FILE starts from FILE:/; s/^not ok initframe/not ok - --init FILE starts from FILE:/
	s/^ok pcaframe/ok - --init pca starts from the principal components:/
	s/^not ok pcaframe/not ok - --init pca starts from the principal components:/'
emb-umap -q --snapshots 4 --epochs 100 "$D" >"$T/snap.emb"
PYTHONPATH=$ROOT/tests $PY - "$T/snap.emb" "$T/j2.emb" "$D" "$T/u.emb" <<'PYEOF'
import sys
import numpy as np
import embio
snap, short, inp, out = (embio.read(p) for p in sys.argv[1:])
print("%s - --snapshots 4 writes 5 frames" % ("ok" if len(snap) == 5 else "not ok"))
ep = [f["meta"].get("umap.epoch") for f in snap]
print("%s - the snapshots' epochs (%s)" % ("ok" if ep == ["0", "25", "50", "75", "100"]
      else "not ok", " ".join(map(str, ep))))
same = np.array_equal(snap[-1]["data"], short[0]["data"])
print("%s - the last snapshot is the map" % ("ok" if same else "not ok"))
same = out[0]["labels"] == inp[0]["labels"] and out[0]["fields"] == ["digit"]
print("%s - labels pass through" % ("ok" if same else "not ok"))
m = out[0]["meta"]
print("%s - parameters in the metadata" % ("ok" if m.get("reducer") == "UMAP" and
      m.get("umap.k") == "15" and m.get("umap.epochs") == "500" else "not ok"))
PYEOF

# -a and -b instead of the fit; one dimension
emb-umap -q -a 1.5 -b 0.75 -d 1 --epochs 20 "$D" >"$T/d1.emb"
check "-a and -b are used" test "$(grep -a '^meta umap\.[ab] ' "$T/d1.emb" | tr '\n' ' ')" = \
    "meta umap.a 1.5 meta umap.b 0.75 "
PYTHONPATH=$ROOT/tests $PY -c '
import sys, numpy as np, embio
Y = np.array(embio.last_points(sys.argv[1])["data"])
sys.exit(not (Y.shape[1] == 1 and np.isfinite(Y).all() and Y.std() > 0))' "$T/d1.emb"
check "-d 1: one finite column" test $? -eq 0

# hard and bad input
PYTHONPATH=$ROOT/tests $PY - "$T" <<'PYEOF'
import sys
import numpy as np
import embio
t = sys.argv[1]
X = np.load(t + "/digits.npy")[:300]
with open(t + "/dup.emb", "wb") as f:	# every row three times, and 20 copies of one
    embio.write_points(f, np.vstack([X, X, X, np.repeat(X[:1], 20, 0)]))
with open(t + "/small.emb", "wb") as f:
    embio.write_points(f, X[:15])
Y = X[:50].copy()
Y[7, 3] = np.nan
with open(t + "/nan.emb", "wb") as f:
    embio.write_points(f, Y)
Y[7, 3] = 0
Y[9, 0] = np.inf
with open(t + "/inf.emb", "wb") as f:
    embio.write_points(f, Y, [["w%d" % i] for i in range(50)], ["word"])
with open(t + "/twoframes.emb", "wb") as f:
    embio.write_points(f, X[:100])
    embio.write_points(f, X[100:250])
PYEOF
emb-umap -q "$T/dup.emb" >"$T/dupu.emb"
check "duplicate rows: exit 0" test $? -eq 0
PYTHONPATH=$ROOT/tests $PY -c '
import sys, numpy as np, embio
Y = np.array(embio.last_points(sys.argv[1])["data"])
sys.exit(not (Y.shape == (920, 2) and np.isfinite(Y).all()))' "$T/dupu.emb"
check "duplicate rows: finite output" test $? -eq 0
emb-umap -q "$T/twoframes.emb" >"$T/two.emb"
check "two points frames, two maps" test "$(grep -a '^rows ' "$T/two.emb" | tr '\n' ' ')" = "rows 100 rows 150 "
fails 1 '^emb-umap: .*small.emb: 15 rows: -k 15 needs more than 15$' "N <= k" \
    emb-umap "$T/small.emb"
fails 1 'nan.emb: row 7 has a NaN' "a NaN names its row" emb-umap "$T/nan.emb"
fails 1 "inf.emb: row 9 \('w9'\) has a NaN, infinite" "an infinity names its row and label" \
    emb-umap "$T/inf.emb"
check "no output after an error" test ! -s "$T/out"
emb-knn -k 5 "$D" >"$T/g5.emb"
fails 1 'the graph has 5 neighbours per row, fewer than the 14 that -k 15 needs' \
    "a graph with too few columns names both numbers" emb-umap "$T/g5.emb"
PYTHONPATH=$ROOT/tests $PY -c '
import sys, numpy as np, embio
g = [f for f in embio.read(sys.argv[1]) if f["kind"] == "graph"][0]
d = np.array(g["data"]); d[3, 2] = -0.5
with open(sys.argv[2], "wb") as f:
    embio.write_points(f, embio.last_points(sys.argv[1])["data"])
    embio.write_graph(f, g["index"], d)' "$T/g20.emb" "$T/gneg.emb"
fails 1 'graph row 3: distance -0.5 is not a finite distance >= 0' \
    "a negative distance in the graph names its row" emb-umap "$T/gneg.emb"
emb-knn -k 20 -m dot "$D" >"$T/gd.emb"
fails 1 'negative inner products' "a -m dot graph" emb-umap "$T/gd.emb"
fails 1 "-m: unknown metric 'dot'" "-m dot" emb-umap -m dot "$D"
fails 1 "--supervise: no label field 'class'" "--supervise names the missing field" \
    emb-umap --supervise class "$D"
fails 1 "x 2 points, the layout needs $rows x 3" "--init FILE of the wrong shape" \
    emb-umap -d 3 --init "$T/rnd.emb" "$D"
fails 1 "--min-dist 2 is more than --spread 1" "--min-dist above --spread" \
    emb-umap --min-dist 2 "$D"
fails 1 "--snapshots 20 is more than --epochs 10" "more snapshots than epochs" \
    emb-umap --snapshots 20 --epochs 10 "$D"
fails 1 '^emb-umap: -k: 1 is out of range \(2 to 4097\)$' "-k 1" emb-umap -k 1 "$D"
fails 1 '^emb-umap: --mix: 2 is out of range' "--mix 2" emb-umap --mix 2 "$D"
# usage errors: exit 2 and the synopsis
for args in "$D $D" "--perplexity 30 $D"; do
	emb-umap $args >/dev/null 2>"$T/err"
	rc=$?
	check "usage error: $(echo "$args" | sed "s|$T/||g") (exit $rc, the synopsis)" \
	    test "$rc" -eq 2 -a "$(grep -c '^usage: emb-umap' "$T/err")" -eq 1
done
