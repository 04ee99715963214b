#!/bin/sh
# emb-knn, the graph stage: exact graphs against sklearn's brute force for
# every metric, approximate recall, determinism, pass-through, bad input.
. "$(dirname "$0")/lib.sh"
R=$ROOT/tests/knn_ref.py

if ! need_py numpy sklearn; then
	skip "emb-knn graphs" "no numpy or sklearn for $PY"
	exit 0
fi

# sklearn's digits: small integers, so many exact ties
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
from sklearn.datasets import load_digits
d = load_digits()
with open('$T/digits.emb', 'wb') as f:
    embio.write_points(f, d.data.astype(np.float32), [[str(t)] for t in d.target], ['digit'],
                       {'source': 'sklearn digits'})
"
# exact_vs_sklearn WHAT X.emb K OPTIONS: every metric, one python process
exact_vs_sklearn() {
	what=$1 x=$2 k=$3
	shift 3
	args=
	for m in euclidean cosine dot; do
		emb-knn -k $k -m $m "$@" "$x" >"$T/g-$m.emb" 2>"$T/err-$m" ||
		    notok "exact $m graph of $what: $(cat "$T/err-$m")"
		args="$args $m $T/g-$m.emb"
	done
	# the reference must run and judge all three, or the test fails
	"$PY" "$R" exact "$x" $k $args >"$T/exact.out" 2>"$T/exact.err" ||
	    notok "exact graphs of $what: the sklearn reference failed: $(tail -n 1 "$T/exact.err")"
	[ "$(grep -c ': ok: ' "$T/exact.out")" -eq 3 ] ||
	    notok "exact graphs of $what: sklearn judged $(grep -c ': ok: ' "$T/exact.out") of 3 metrics"
	while IFS= read -r line; do
		case $line in
		*": ok: "*) ok "exact ${line%%:*} graph of $what: ${line#*: ok: }" ;;
		*) notok "exact graph of $what: $line" ;;
		esac
	done <"$T/exact.out"
}
exact_vs_sklearn "sklearn's digits" "$T/digits.emb" 10

# far from the origin: ||x||^2 + ||y||^2 - 2 x.y must not cancel in floats
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
from sklearn.datasets import load_digits
with open('$T/far.emb', 'wb') as f:
    embio.write_points(f, load_digits().data[:800].astype(np.float32) + np.float32(30000))
"
emb-knn -k 10 "$T/far.emb" >"$T/far-exact.emb"
emb-knn -k 10 --approx "$T/far.emb" >"$T/far-approx.emb"
if out=$("$PY" "$R" exact "$T/far.emb" 10 euclidean "$T/far-exact.emb"); then
	ok "rows far from the origin: ${out#*: ok: }"
else
	notok "rows far from the origin: $out"
fi
rec=$("$PY" "$R" recall "$T/far.emb" 10 "$T/far-approx.emb")
check "rows far from the origin, approximate: recall $rec >= 0.95" \
    awk -v r="$rec" 'BEGIN { exit !(r >= 0.95) }'

# Fashion-MNIST: the shared data set, or else the 2,000 bundled images
FM=$DATA/fashion-mnist.npy LABELS=$DATA/fashion-mnist.labels exact=2500 approx=20000
if ! have_data fashion-mnist.npy; then
	FM=$T/fm.npy LABELS=$ROOT/examples/fashion-mnist-2k.labels exact=2000 approx=2000
	"$PY" -c "import numpy as np; np.save('$FM', np.load('$ROOT/examples/fashion-mnist-2k.npz')['images'])"
fi
if [ -r "$FM" ]; then
	rows=$exact
	[ -n "$EMB_SANITIZED" ] && rows=600
	"$PY" "$R" prefix "$FM" $rows "$T/fm.emb" "$LABELS"
	exact_vs_sklearn "$rows fashion-mnist rows" "$T/fm.emb" 15 --exact

	# approximate: NN-descent on 20,000 rows (2,000 bundled) after PCA to 50
	rows=$approx
	[ -n "$EMB_SANITIZED" ] && rows=$((approx < 4000 ? approx : 4000))
	"$PY" "$R" pca "$FM" $rows 50 "$T/p.npy" "$T/p.emb"
	emb-knn -k 15 --approx -j 2 --recall 500 "$T/p.emb" >"$T/a2.emb" 2>"$T/recall"
	emb-knn -k 15 --approx -j 2 --seed 7 "$T/p.emb" >"$T/a7.emb"
	emb-knn -k 15 --approx -j 2 --search 30 "$T/p.emb" >"$T/a30.emb"
	"$PY" "$R" recall "$T/p.emb" 15 "$T/a2.emb" "$T/a7.emb" "$T/a30.emb" >"$T/recalls"
	rec=$(sed -n 1p "$T/recalls")
	rec7=$(sed -n 2p "$T/recalls")
	rec30=$(sed -n 3p "$T/recalls")
	if awk -v r="$rec30" -v r0="$rec" 'BEGIN { exit !(r >= 0.995 && r >= r0) }' &&
	    emb-info "$T/a30.emb" | grep -q 'knn.search = 30'; then
		ok "--search 30 keeps more while searching: recall $rec30"
	else
		notok "--search 30: recall $rec30 (default $rec)"
	fi
	if awk -v r="$rec" 'BEGIN { exit !(r >= 0.98) }'; then
		ok "approximate graph of $rows rows: recall $rec >= 0.98 against sklearn"
	else
		notok "approximate graph of $rows rows: recall $rec < 0.98"
	fi
	if grep -Eq '^emb-knn: recall 0\.9[0-9]+ at k = 15 on 500 rows$' "$T/recall"; then
		ok "--recall estimates it: $(cat "$T/recall")"
	else
		notok "--recall: $(cat "$T/recall")"
	fi
	emb-info "$T/a2.emb" >"$T/info"
	check "the graph says how it was made" grep -q 'meta knn.method = nndescent' "$T/info"
	emb-knn -k 15 --approx -j 1 "$T/p.emb" >"$T/a1.emb"
	check "approximate graph: the same bytes with 1 and 2 threads" cmp -s "$T/a1.emb" "$T/a2.emb"
	if ! cmp -s "$T/a7.emb" "$T/a2.emb" && awk -v r="$rec7" 'BEGIN { exit !(r >= 0.98) }'; then
		ok "another seed, another graph as good: recall $rec7"
	else
		notok "--seed 7: recall $rec7, or the same graph as seed 0"
	fi
	head -c $(($(wc -c <"$T/p.emb") / 2)) "$T/p.emb" | emb-knn -k 15 >/dev/null 2>"$T/err"
	check "a truncated stream is an error" grep -q 'truncated' "$T/err"
else
	skip "fashion-mnist graphs" "no $DATA/fashion-mnist.npy"
fi

emb-knn -k 10 -j 1 --exact "$T/digits.emb" >"$T/e1.emb"
emb-knn -k 10 -j 2 --exact "$T/digits.emb" >"$T/e2.emb"
check "exact graph: the same bytes with 1 and 2 threads" cmp -s "$T/e1.emb" "$T/e2.emb"

# pass-through: points, labels and metadata unchanged; an old graph replaced
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
r = np.random.RandomState(1)
A, B = r.randn(40, 5).astype(np.float32), r.randn(30, 3).astype(np.float32)
B[7] = B[3]    # an exact duplicate: a neighbour at distance 0
with open('$T/two.emb', 'wb') as f:
    embio.write_points(f, A, [['a%d' % i, 'x y'] for i in range(40)], ['id', 'note'], {'source': 'two'})
    embio.write_graph(f, (np.arange(40)[:, None] + [1, 2]) % 40, np.zeros((40, 2)), {'old': 'yes'})
    embio.write_points(f, B, meta={'source': 'B'})
"
emb-knn -k 4 "$T/two.emb" >"$T/two.out"
if "$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
i, o = embio.read('$T/two.emb'), embio.read('$T/two.out')
assert [f['kind'] for f in o] == ['points', 'graph', 'points', 'graph'], [f['kind'] for f in o]
for a, b in ((i[0], o[0]), (i[2], o[2])):
    assert np.array_equal(a['data'], b['data']) and a['labels'] == b['labels']
    assert a['meta'] == b['meta'] and a['fields'] == b['fields']
g = o[1]
assert 'old' not in g['meta'] and g['meta']['knn.k'] == '4' and g['meta']['knn.metric'] == 'euclidean'
assert g['index'].shape == (40, 4) and o[3]['index'].shape == (30, 4)
assert o[3]['index'][7][0] == 3 and o[3]['data'][7][0] == 0 and o[3]['index'][3][0] == 7
"; then
	ok "frames, labels and metadata pass through; an old graph is replaced; duplicates at 0"
else
	notok "pass-through"
fi
emb-info -g "$T/two.out" >"$T/g.tsv"
check "emb-info -g shows the last graph: 30 rows of 4 indices and 4 distances" \
    awk -F '\t' 'NF != 8 { exit 1 } END { exit NR != 30 }' "$T/g.tsv"

# bad input
fails 1 '^emb-knn: .*digits.emb: k = 1797 with 1797 rows \(1 <= k < rows\)$' "k >= rows" \
    emb-knn -k 1797 "$T/digits.emb"
fails 1 '^emb-knn: -k: 0 is out of range' "k < 1" emb-knn -k 0 "$T/digits.emb"
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
X = np.ones((20, 3), np.float32); X[11, 1] = np.nan
with open('$T/nan.emb', 'wb') as f:
    embio.write_points(f, X, [['w%d' % i] for i in range(20)])
X[11, 1] = np.inf
with open('$T/inf.emb', 'wb') as f:
    embio.write_points(f, X)
"
fails 1 "^emb-knn: .*nan.emb: row 11 \('w11'\) has a NaN" "a NaN row" emb-knn -k 3 "$T/nan.emb"
fails 1 "^emb-knn: .*inf.emb: row 11 has a NaN, infinite" "an infinite value" emb-knn "$T/inf.emb"
fails 1 "^emb-knn: -m: unknown metric 'manhattan'" "unknown metric" emb-knn -m manhattan
fails 1 '^emb-knn: stdin: frame 1: not an emb stream' "not a stream" sh -c 'echo hello | emb-knn'
fails 2 '^emb-knn: --recall applies to the graph stage only$' "graph option with -q" \
    emb-knn --recall 5 -q x "$T/digits.emb"
emb-knn "$T/digits.emb" "$T/digits.emb" >/dev/null 2>"$T/err"
check "two operands: a usage error" test $? -eq 2 -a "$(head -c 14 "$T/err")" = "usage: emb-knn"
emb-knn -h >"$T/help"
check "-h prints the usage on stdout" grep -q '^usage: emb-knn' "$T/help"
