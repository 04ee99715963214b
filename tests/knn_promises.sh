#!/bin/sh
# emb-knn(1)'s promises on small made-up and bundled data, each against an
# independent answer (numpy, or worked out by hand): ties by the smaller
# row index, a zero row at cosine distance 1, -n for -q and -a, long labels
# and escapes in the text output, -v and --quiet.
. "$(dirname "$0")/lib.sh"
EX=$ROOT/examples

if ! need_py numpy; then
	skip "emb-knn promises" "no numpy for $PY"
	exit 0
fi
emb-extract -q "$EX/glove-100d-2k.txt.gz" >"$T/glove.emb"

# A 7 x 7 grid of integer points: distances are exact and tie all the time.
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
g = np.array([(x, y) for x in range(7) for y in range(7)], np.float32)
with open('$T/grid.emb', 'wb') as f:
    embio.write_points(f, g)
Z = np.random.RandomState(2).randn(30, 6).astype(np.float32)
Z[4] = 0; Z[17] = 0    # two zero rows
with open('$T/zero.emb', 'wb') as f:
    embio.write_points(f, Z)
"
# numpy's order: by distance (float64, exact here), then by index
check_order() {
	"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
fr = embio.read(sys.argv[1]); X = np.array(fr[0]['data'], np.float64); g = fr[-1]
k = g['index'].shape[1]; n = len(X)
D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)); np.fill_diagonal(D, np.inf)
bad = 0
for i in range(n):
    want = np.lexsort((np.arange(n), D[i]))[:k]
    if list(g['index'][i]) != list(want) or not np.allclose(g['data'][i], D[i][want], atol=1e-6):
        bad += 1
sys.exit(bad > 0)
" "$1"
}
emb-knn -k 8 --exact "$T/grid.emb" >"$T/grid.g"
check "exact graph of a grid: every tie to the smaller row index, as numpy's lexsort" \
    check_order "$T/grid.g"
emb-knn -k 8 --exact -j 3 "$T/grid.emb" >"$T/grid3.g"
check "the same ties with -j 3" cmp -s "$T/grid.g" "$T/grid3.g"
emb-info -g "$T/grid.g" | sed -n 25p >"$T/row24"
# row 24 is (3, 3): its four nearest at 1 are rows 17, 23, 25, 31, in that order
check "grid row (3, 3): its neighbours at distance 1 in index order 17 23 25 31" \
    grep -q '^17	23	25	31	.*	1	1	1	1	1\.41421354	' "$T/row24"

emb-knn -k 5 -m cosine --exact "$T/zero.emb" >"$T/zero.g"
if "$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
fr = embio.read('$T/zero.g'); g = fr[-1]; I, D = g['index'], g['data']
assert np.all(D[4] == 1) and np.all(D[17] == 1), (D[4], D[17])
assert list(I[4]) == [0, 1, 2, 3, 5] and list(I[17]) == [0, 1, 2, 3, 4], (I[4], I[17])
assert np.all(D[I == 4] == 1) and np.all(D[I == 17] == 1)
assert np.all(D[(I != 4) & (I != 17)] < 2)
"; then
	ok "cosine: a zero row is at 1 from every row, both ways; ties by index"
else
	notok "cosine: a zero row is not at distance 1 (or its ties are out of order)"
fi
emb-knn -k 5 -m cosine --approx "$T/zero.emb" >"$T/zeroa.g"
check "cosine, approximate: a zero row at 1 too" "$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
g = embio.read('$T/zeroa.g')[-1]; assert np.all(g['data'][4] == 1) and np.all(g['data'][17] == 1)"

# -n: the vocabulary is the first n rows, for -q and for -a
rows=$(emb-info -l "$T/glove.emb" | head -n 800 | tr '\n' ' ')
emb-knn -n 800 -k 20 -q king "$T/glove.emb" >"$T/n.q"
check "-n 800 -q: all 20 answers among the first 800 rows" awk -F '\t' -v rows="$rows" '
    BEGIN { n = split(rows, w, " "); for (i = 1; i <= n; i++) first[w[i]] = 1 }
    !($3 in first) { exit 1 } END { exit NR != 20 }' "$T/n.q"
emb-knn -k 20 -q king "$T/glove.emb" >"$T/all.q"
check "without -n, answers beyond the first 800 rows" sh -c "! cmp -s '$T/n.q' '$T/all.q'"
emb-knn -n 800 -k 5 -a 'man king woman' "$T/glove.emb" >"$T/n.a"
check "-n 800 -a: answers among the first 800 rows (not queen)" awk -F '\t' -v rows="$rows" '
    BEGIN { n = split(rows, w, " "); for (i = 1; i <= n; i++) first[w[i]] = 1 }
    !($3 in first) { exit 1 } END { exit NR != 5 }' "$T/n.a"
emb-knn -k 5 -a 'man king woman' "$T/glove.emb" >"$T/all.a"
check "without -n, -a finds queen beyond the first 800 rows" grep -q '^man king woman	1	queen	' "$T/all.a"
# king, man and woman are rows 654, 287 and 737; queen is row 1948
fails 1 "^emb-knn: .*glove.emb: no row labelled 'queen' in the first 800$" \
    "-n 800 -q queen: not in the vocabulary" emb-knn -n 800 -q queen "$T/glove.emb"
fails 1 "^emb-knn: .*glove.emb: no row labelled 'queen' in the first 800$" \
    "-n 800 -a with queen: not in the vocabulary" emb-knn -n 800 -a 'king queen man' "$T/glove.emb"
# the answers equal numpy's cosine ranking of the first 800 rows
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
f = embio.last_points('$T/glove.emb'); X = np.array(f['data'][:800], np.float64)
w = [r[0] for r in f['labels'][:800]]; i = w.index('king')
U = X / np.linalg.norm(X, axis=1, keepdims=True); s = U @ U[i]; s[i] = -np.inf
for r, j in enumerate(np.argsort(-s, kind='stable')[:20]):
    print('king\t%d\t%s\t%.6f' % (r + 1, w[j], s[j]))
" >"$T/n.want"
check "-n 800 -q king: numpy's cosine ranking of the first 800 rows" \
    awk -F '\t' 'NR == FNR { a[FNR] = $0; v[FNR] = $4; next }
        { split(a[FNR], x, "\t"); if (x[3] != $3 || (x[4] - $4)^2 > 1e-12) exit 1 }
        END { exit FNR != 20 }' "$T/n.want" "$T/n.q"

# Long labels and TSV escapes pass whole into the output.
long=$(printf '%04000d' 7)
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
X = np.random.RandomState(3).randn(6, 4).astype(np.float32)
lab = [['$long' + 'a'], ['$long' + 'b'], ['tab\there'], ['cr\rhere'], ['nl\nhere'], ['back\\\\slash']]
with open('$T/long.emb', 'wb') as f:
    embio.write_points(f, X, lab, ['word'])
"
emb-knn -k 5 -q "${long}a" "$T/long.emb" >"$T/long.q"
check "-q: a 4001-byte label looked up and written whole" \
    sh -c "grep -c '^${long}a	[1-5]	' '$T/long.q' | grep -qx 5 && grep -q '	${long}b	' '$T/long.q'"
check "-q: tab, carriage return, newline and backslash in labels escaped as emb-knn(1) says" \
    sh -c "grep -qF '	tab\\there	' '$T/long.q' && grep -qF '	cr\\rhere	' '$T/long.q' &&
        grep -qF '	nl\\nhere	' '$T/long.q' && grep -qF '	back\\\\slash	' '$T/long.q' &&
        [ \$(wc -l <'$T/long.q') -eq 5 ]"
emb-knn -k 2 "$T/long.emb" >"$T/long.g"
check "the graph stage passes 4001-byte labels through whole" "$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio
a, b = embio.read('$T/long.emb')[0], embio.read('$T/long.g')[0]
assert a['labels'] == b['labels'] and len(b['labels'][0][0]) == 4001"
printf 'w\033[31m' >"$T/esc"
fails 1 "^emb-knn: .*long.emb: no row labelled 'w\\\\x1b\\[31m'$" \
    "a word in a message: its control bytes escaped" emb-knn -k 2 -q "$(cat "$T/esc")" "$T/long.emb"

# -v and --quiet: what they print
emb-knn -k 3 --recall 20 "$T/grid.emb" >/dev/null 2>"$T/err"
check "--recall: one line, the recall of the exact graph is 1" \
    grep -qx 'emb-knn: recall 1.0000 at k = 3 on 20 rows' "$T/err"
emb-knn -k 3 --quiet "$T/glove.emb" >/dev/null 2>"$T/err"
check "--quiet: nothing on stderr" test ! -s "$T/err"
emb-knn -k 3 -v "$T/glove.emb" 2>&1 >/dev/null | tr '\r' '\n' >"$T/err"
check "-v: the meter, ending at 100%" grep -qx 'emb-knn: exact neighbours: 100%' "$T/err"
