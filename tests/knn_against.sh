#!/bin/sh
# emb-knn --against: kNN preservation, trustworthiness, continuity and k-NN
# accuracy of a map against sklearn.manifold.trustworthiness and numpy.
. "$(dirname "$0")/lib.sh"
R=$ROOT/tests/knn_ref.py

if ! need_py numpy sklearn; then
	skip "emb-knn --against" "no numpy or sklearn for $PY"
	exit 0
fi
# the shared Fashion-MNIST, or else the 2,000 bundled images
rows=3000
FM=$DATA/fashion-mnist.npy LABELS=$DATA/fashion-mnist.labels
if ! have_data fashion-mnist.npy; then
	rows=2000 FM=$T/fm.npy LABELS=$ROOT/examples/fashion-mnist-2k.labels
	"$PY" -c "import numpy as np; np.save('$FM', np.load('$ROOT/examples/fashion-mnist-2k.npz')['images'])"
fi

# same name<TAB>value lines, values within 1e-5 (sklearn rounds the same sums)
same_scores() {
	awk -F '\t' 'NR == FNR { want[$1] = $2; n++; next }
	    ($1 in want) { d = $2 - want[$1]; if (d < 0) d = -d; if (d > 1e-5) exit 1; seen++ }
	    END { exit n < 4 || seen != n }' "$1" "$2"
}

[ -n "$EMB_SANITIZED" ] && rows=1000
# the reference: PCA to 50; the map: PCA to 2, both with the class labels
"$PY" "$R" pca "$FM" $rows 50 "$T/ref.npy" "$T/ref.emb" "$LABELS"
"$PY" "$R" pca "$T/ref.npy" $rows 2 "$T/map.npy" "$T/map.emb" "$LABELS"

emb-knn --against "$T/ref.emb" --class label "$T/map.emb" >"$T/got"
"$PY" "$R" against "$T/ref.emb" "$T/map.emb" 10 euclidean label >"$T/want"
if same_scores "$T/want" "$T/got"; then
	ok "--against equals sklearn's trustworthiness and numpy: $(tr '\t\n' '= ' <"$T/got")"
else
	notok "--against: $(tr '\t\n' '= ' <"$T/got") want $(tr '\t\n' '= ' <"$T/want")"
fi
check "--against writes k, rows and four scores" \
    awk -F '\t' 'NF != 2 { exit 1 } END { exit NR != 6 }' "$T/got"

emb-knn --against "$T/ref.emb" -k 7 -m cosine < "$T/map.emb" >"$T/got"
"$PY" "$R" against "$T/ref.emb" "$T/map.emb" 7 cosine >"$T/want"
check "--against -m cosine -k 7, map on stdin: sklearn's trustworthiness (metric=cosine)" \
    same_scores "$T/want" "$T/got"

emb-knn --against "$T/ref.emb" --sample $rows -j 1 "$T/map.emb" >"$T/all1"
emb-knn --against "$T/ref.emb" -j 2 "$T/map.emb" >"$T/all2"
check "--sample of every row, 1 thread: the same scores" cmp -s "$T/all1" "$T/all2"
emb-knn --against "$T/ref.emb" --sample 400 "$T/map.emb" >"$T/s400"
if awk -F '\t' 'NR == FNR { a[$1] = $2; next } $1 == "rows" && $2 != 400 { exit 1 }
    $1 ~ /trust|contin|preserv/ { d = $2 - a[$1]; if (d < 0) d = -d; if (d > 0.03) exit 1 }' \
    "$T/all2" "$T/s400"; then
	ok "--sample 400 estimates the scores within 0.03"
else
	notok "--sample 400: $(tr '\t\n' '= ' <"$T/s400") all: $(tr '\t\n' '= ' <"$T/all2")"
fi

# bad input
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
Y = np.load('$T/map.npy')
lab = open('$LABELS').read().split('\n')[:len(Y)]
lab[5] = 'Zebra'
with open('$T/short.emb', 'wb') as f:
    embio.write_points(f, Y[:-1])
with open('$T/relabelled.emb', 'wb') as f:
    embio.write_points(f, Y, [[w] for w in lab], ['label'])
"
fails 1 "^emb-knn: .*ref.emb: $rows rows, but the map \(.*short.emb\) has $((rows - 1))$" \
    "a reference with another row count" emb-knn --against "$T/ref.emb" "$T/short.emb"
fails 1 "^emb-knn: .*ref.emb: row 5 is '.*', but 'Zebra' in the map" \
    "rows in another order (labels differ)" emb-knn --against "$T/ref.emb" "$T/relabelled.emb"
fails 1 "^emb-knn: k = $((rows / 2)) with $rows rows: the scores need k < rows / 2$" \
    "k too large for trustworthiness" emb-knn --against "$T/ref.emb" -k $((rows / 2)) "$T/map.emb"
fails 1 "^emb-knn: .*map.emb: no label field 'colour' here or in .*ref.emb$" \
    "an unknown class field" emb-knn --against "$T/ref.emb" --class colour "$T/map.emb"
fails 2 '^emb-knn: --class applies to --against only$' "--class alone" \
    emb-knn --class label "$T/map.emb"
