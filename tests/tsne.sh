# emb-tsne against scikit-learn and numpy: map quality on sklearn's digits,
# affinities, gradients and KL divergence, determinism, graph input, the
# options, and bad input.  The references are in tests/tsne_ref.py.
. "$(dirname "$0")/lib.sh"

if ! need_py numpy sklearn scipy; then
	skip "emb-tsne against scikit-learn" "no numpy, scipy or sklearn for $PY"
	exit 0
fi
REF="$PY $ROOT/tests/tsne_ref.py"
# ref NAME ARGS...: a reference check passes
ref() {
	n=$1; shift
	if $REF "$@" >"$T/ref.out" 2>&1; then
		ok "$n ($(tail -n 1 "$T/ref.out"))"
	else
		notok "$n: $(tr '\n' ' ' <"$T/ref.out" | tail -c 400)"
	fi
}
# run NAME OUT ARGS...: emb-tsne ARGS >OUT succeeds
run() {
	n=$1 out=$2; shift 2
	if emb-tsne -q "$@" >"$out" 2>"$T/err"; then
		return 0
	fi
	notok "$n: emb-tsne $* failed: $(head -c 300 "$T/err")"
	return 1
}

# Under sanitizers the digits' maps take fewer steps (the same thresholds hold).
blobs=600 iters=
[ -n "$EMB_SANITIZED" ] && iters="--early-iter 100 --iter 150"

$REF digits "$T/digits.emb"
$REF blobs $blobs 10 "$T/blobs.emb"

# The map of the digits: classes apart, neighbourhoods kept.
if run "digits" "$T/map.emb" -j 2 $iters "$T/digits.emb"; then
	ref "digits 2-D: 10-NN accuracy >= 0.95, trustworthiness >= 0.98" \
	    quality "$T/map.emb" "$T/digits.emb" digit 0.95 0.98
	run "digits -j 1" "$T/map1.emb" -j 1 $iters "$T/digits.emb" &&
	    check "the same bytes for -j 1 and -j 2" cmp -s "$T/map.emb" "$T/map1.emb"
	run "digits again" "$T/map2.emb" -j 2 $iters "$T/digits.emb" &&
	    check "the same bytes twice" cmp -s "$T/map.emb" "$T/map2.emb"
	if emb-knn -k 90 "$T/digits.emb" | emb-tsne -q -j 2 $iters >"$T/gmap.emb" 2>"$T/err"; then
		ref "a graph from emb-knn gives the same map" same "$T/map.emb" "$T/gmap.emb"
	else
		notok "emb-knn | emb-tsne: $(head -c 300 "$T/err")"
	fi
	# the final KL divergence, with Z from the FFT, against numpy's exact one
	run "affinities" "$T/null" --iter 0 --early-iter 0 --affinities-out "$T/P.tsv" \
	    "$T/digits.emb" &&
	    ref "tsne.kl of the map matches numpy to 1e-3" kl "$T/P.tsv" "$T/map.emb" 1e-3
	# sklearn's neighbours as a graph frame, so that ties are broken alike
	$REF withgraph "$T/digits.emb" 90 "$T/dgraph.emb"
	run "affinities from a graph" "$T/null" --iter 0 --early-iter 0 \
	    --affinities-out "$T/Pg.tsv" "$T/dgraph.emb" &&
	    ref "affinities match sklearn's _joint_probabilities_nn" gauss "$T/digits.emb" \
	    "$T/Pg.tsv" 30
fi

# 3-D, Barnes-Hut
if run "digits -d 3" "$T/map3.emb" -d 3 $iters "$T/digits.emb"; then
	ref "digits 3-D: 10-NN accuracy >= 0.95, trustworthiness >= 0.98" \
	    quality "$T/map3.emb" "$T/digits.emb" digit 0.95 0.98
fi

# Gradients at a map half-way: exact against numpy, Barnes-Hut and FFT against exact.
B=$T/blobs.emb
if run "blobs" "$T/half.emb" --iter 100 "$B" &&
    run "blobs P" "$T/null" --iter 0 --early-iter 0 --affinities-out "$T/Pb.tsv" "$B"; then
	for m in exact bh fft; do
		run "gradient $m" "$T/g_$m.emb" --gradient -m $m --init "$T/half.emb" "$B"
	done
	run "gradient bh theta 0.1" "$T/g_bh1.emb" --gradient -m bh --theta 0.1 \
	    --init "$T/half.emb" "$B"
	ref "exact gradient and KL = numpy's within 1e-4" gradient "$T/Pb.tsv" \
	    "$T/half.emb" 1e-4 "$T/g_exact.emb"
	ref "FFT gradient and KL within 5%" gradient "$T/Pb.tsv" "$T/half.emb" 0.05 \
	    "$T/g_fft.emb"
	ref "Barnes-Hut theta 0.1 within 1%" gradient "$T/Pb.tsv" "$T/half.emb" 0.01 \
	    "$T/g_bh1.emb"
	ref "Barnes-Hut theta 0.5 within 15%" gradient "$T/Pb.tsv" "$T/half.emb" 0.15 \
	    "$T/g_bh.emb"
	# heavier tails, late exaggeration: numpy's gradient of the same KL
	run "gradient dof" "$T/g_dof.emb" --gradient -m exact --dof 0.6 --exaggeration 3 \
	    --init "$T/half.emb" "$B" &&
	    run "gradient dof fft" "$T/g_doff.emb" --gradient -m fft --dof 0.6 \
	    --init "$T/half.emb" "$B" &&
	    ref "--dof 0.6 --exaggeration 3: numpy's gradient, FFT within 5%" gradient \
	    "$T/Pb.tsv" "$T/half.emb" 0.05 "$T/g_dof.emb" "$T/g_doff.emb"
	run "3-D map" "$T/half3.emb" -d 3 --iter 100 "$B" &&
	    run "gradient 3-D exact" "$T/g3e.emb" -d 3 --gradient -m exact \
	    --init "$T/half3.emb" "$B" &&
	    run "gradient 3-D bh" "$T/g3b.emb" -d 3 --gradient -m bh --theta 0.1 \
	    --init "$T/half3.emb" "$B" &&
	    ref "3-D: exact = numpy within 1e-4, Barnes-Hut within 1%" gradient "$T/Pb.tsv" \
	    "$T/half3.emb" 0.01 "$T/g3e.emb" "$T/g3b.emb"
	# --init FILE with no steps is the start itself, and its KL is numpy's
	run "init file" "$T/same.emb" --init "$T/half.emb" --iter 0 --early-iter 0 "$B" &&
	    ref "--init FILE is where the map starts" same "$T/half.emb" "$T/same.emb" &&
	    ref "tsne.kl of a given map = numpy's within 1e-5" kl "$T/Pb.tsv" "$T/same.emb" 1e-5
fi

# Multiscale and uniform affinities, against numpy
run "multiscale" "$T/null" -p 10,50 --iter 0 --early-iter 0 --affinities-out "$T/Pm.tsv" "$B" &&
    ref "-p 10,50: the average of the conditionals, symmetrised" gauss "$B" "$T/Pm.tsv" 10,50
run "uniform" "$T/null" --affinity uniform -k 15 --iter 0 --early-iter 0 \
    --affinities-out "$T/Pu.tsv" "$B" &&
    ref "--affinity uniform -k 15" uniform "$B" "$T/Pu.tsv" 15

# Snapshots: K frames, then the map itself
if run "snapshots" "$T/snap.emb" --snapshots 4 --iter 50 --early-iter 50 "$B" &&
    run "no snapshots" "$T/nosnap.emb" --iter 50 --early-iter 50 "$B"; then
	ref "--snapshots 4: 5 frames" frames "$T/snap.emb" 4
	ref "the last frame is the map" same "$T/snap.emb" "$T/nosnap.emb"
fi

# The parameters in the metadata; -v's phases; one map for each points frame
if emb-tsne -v --iter 10 --early-iter 5 --learning-rate 100 --early-exaggeration 4 \
    --exaggeration 2 --dof 0.8 --seed 7 --init random "$B" >"$T/meta.emb" 2>"$T/err"; then
	$PY - "$T/meta.emb" "$ROOT/tests" <<'PY' >"$T/meta.out" 2>&1
import sys
sys.path.insert(0, sys.argv[2]); import embio
fr = embio.read(sys.argv[1])
want = {"reducer": "tsne", "tsne.iter": "10", "tsne.early_iter": "5",
        "tsne.learning_rate": "100", "tsne.early_exaggeration": "4",
        "tsne.exaggeration": "2", "tsne.dof": "0.8", "tsne.seed": "7",
        "tsne.init": "random", "tsne.perplexity": "30", "tsne.method": "exact"}
m = fr[0]["meta"]
bad = {k: m.get(k) for k in want if m.get(k) != want[k]}
assert not bad, bad
assert float(m["tsne.kl"]) > 0 and len(fr) == 1 and fr[0]["data"].shape[1] == 2
PY
	check "the metadata records every parameter and the KL divergence" \
	    test ! -s "$T/meta.out"
	check "-v reports the phases" grep -q "seconds: knn .*, affinities .*, attraction .*, repulsion .*, other" "$T/err"
else
	notok "metadata run: $(head -c 300 "$T/err")"
fi
cat "$B" "$B" >"$T/two.emb"
run "two frames" "$T/two.out" --iter 10 --early-iter 5 "$T/two.emb" &&
    check "two points frames in, two maps out" test "$($PY -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio
print(len([f for f in embio.read('$T/two.out') if f['kind'] == 'points']))")" = 2
run "seed 1" "$T/s1.emb" --init random --seed 1 --iter 10 --early-iter 5 "$B" &&
    run "seed 2" "$T/s2.emb" --init random --seed 2 --iter 10 --early-iter 5 "$B" &&
    check "--seed changes a random start" test -n "$($REF same "$T/s1.emb" "$T/s2.emb" | grep differ)"

# Hard input that must still embed: duplicates; two clusters with no graph edge between
$PY - "$T" "$ROOT/tests" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
rng = np.random.RandomState(1)
X = rng.randn(200, 5).astype(np.float32)
X[50:150] = X[0]                       # a hundred copies of one row
with open(t + "/dup.emb", "wb") as f:
    embio.write_points(f, X)
# two far-apart blobs; the graph joins rows within their own blob only
Y = np.vstack([rng.randn(100, 5), rng.randn(100, 5) + 1000]).astype(np.float32)
idx = np.zeros((200, 20), np.int32); dist = np.zeros((200, 20), np.float32)
for i in range(200):
    base = 0 if i < 100 else 100
    d = np.linalg.norm(Y[base:base + 100] - Y[i], axis=1); d[i - base] = np.inf
    o = np.argsort(d, kind="stable")[:20]
    idx[i], dist[i] = o + base, d[o]
with open(t + "/split.emb", "wb") as f:
    embio.write_points(f, Y)
    embio.write_graph(f, idx, dist, {"knn.metric": "euclidean"})
with open(t + "/tiny.emb", "wb") as f:
    embio.write_points(f, X[:3])
Z = X[:100].copy(); Z[37, 2] = np.nan
with open(t + "/nan.emb", "wb") as f:
    embio.write_points(f, Z, [["w%d" % i] for i in range(100)], ["word"])
with open(t + "/small.emb", "wb") as f:
    embio.write_points(f, X[:40])
with open(t + "/init5.emb", "wb") as f:
    embio.write_points(f, np.zeros((5, 2), np.float32))
PY
finite() { $PY -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
f = embio.last_points('$1'); sys.exit(0 if np.isfinite(f['data']).all() and f['data'].std() > 0 else 1)"; }
run "duplicates" "$T/dupmap.emb" "$T/dup.emb" &&
    check "a hundred duplicate rows: a finite map" finite "$T/dupmap.emb"
run "disconnected" "$T/splitmap.emb" -p 5 "$T/split.emb" &&
    check "a disconnected graph: a finite map" finite "$T/splitmap.emb"
fails 1 'tiny.emb: 3 rows: t-SNE needs at least 4' "3 rows refused" \
    emb-tsne "$T/tiny.emb"
fails 1 'perplexity 30 is too large for 40 rows: at most .* = 13$' \
    "perplexity too large: the maximum said" emb-tsne "$T/small.emb"
fails 1 "row 37 \('w37'\) has a NaN" "NaN refused, naming the row" emb-tsne "$T/nan.emb"
fails 1 'the graph has 20 neighbours a row; perplexity 30 needs 3 x perplexity = 90' \
    "too few graph neighbours" emb-tsne "$T/split.emb"
if emb-tsne -q --perplexity-fit "$T/split.emb" >"$T/fit.emb" 2>"$T/err" &&
    grep -aq 'tsne.perplexity 6.6' "$T/fit.emb"; then
	ok "--perplexity-fit lowers the perplexity to k / 3"
else
	notok "--perplexity-fit: $(head -c 300 "$T/err")"
fi
fails 1 'has 5 x 2 points, the input needs 40 x 2' "--init of the wrong shape" \
    emb-tsne --init "$T/init5.emb" "$T/small.emb" -p 5
fails 1 "-k 40 with 40 rows" "-k too large" emb-tsne --affinity uniform -k 40 "$T/small.emb"
usage_fails "-m fft -d 3 is a usage error" emb-tsne -m fft -d 3 "$T/small.emb"
usage_fails "-k without --affinity uniform is a usage error" emb-tsne -k 5 "$T/small.emb"
fails 1 "unknown method 'x'" "an unknown method" emb-tsne -m x "$T/small.emb"
