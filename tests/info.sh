#!/bin/sh
# emb-info(1)'s promises: the description, -t, -l and -g, escapes, several
# files and a missing one, empty input; against numpy and the bytes given.
. "$(dirname "$0")/lib.sh"

if ! need_py numpy; then
	skip "emb-info" "no numpy for $PY"
	exit 0
fi
long=$(printf '%04000d' 5)
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
r = np.random.RandomState(4)
X = (r.randn(7, 3) * 10.0 ** r.randint(-30, 30, (7, 3))).astype(np.float32)
X[2, 1] = np.nan; X[5, 0] = np.inf; X[6, 2] = -np.inf
lab = [['tab\there', 'a'], ['cr\rhere', 'b'], ['nl\nhere', 'c'], ['back\\\\slash', 'd'],
       ['$long', 'e'], ['', 'f'], ['plain', 'g']]
with open('$T/a.emb', 'wb') as f:
    embio.write_points(f, X, lab, ['word', 'cls'], {'source': 'a\rb\tc'})
    embio.write_graph(f, np.array([[(i + 1) % 7, (i + 2) % 7] for i in range(7)]),
                     np.array([[0.25, 0.5]] * 7, np.float32), {'knn.k': '2'})
Y = r.randn(4, 2).astype(np.float32)
with open('$T/b.emb', 'wb') as f:
    embio.write_points(f, Y, [['only%d' % i] for i in range(4)], ['word'])
with open('$T/c.emb', 'wb') as f:
    embio.write_points(f, Y)
np.save('$T/a.npy', X)
"

# Empty input is an empty stream: nothing to describe.
emb-info </dev/null >"$T/out" 2>"$T/err"
check "empty input: no output, nothing on stderr, exit 0" \
    sh -c "[ $? -eq 0 ] && [ ! -s '$T/out' ] && [ ! -s '$T/err' ]"
fails 1 '^emb-info: no points frame in the input$' "-t of empty input" emb-info -t /dev/null

# The description.
emb-info "$T/a.emb" >"$T/d"
check "the frame lines: kind, shape, label fields" sh -c "
    grep -qx 'frame 1: points, 7 rows x 3 cols, labels: word, cls' '$T/d' &&
    grep -qx 'frame 2: graph, 7 rows, k 2' '$T/d'"
check "metadata values with their escapes (\\\\r, \\\\t)" grep -qxF '  meta source = a\rb\tc' "$T/d"
"$PY" -c "
import numpy as np
X = np.load('$T/a.npy').astype(np.float64); f = X[np.isfinite(X)]
n = np.sqrt((X ** 2).sum(1)); g = n[np.isfinite(n)]
print('  values     min %.6g  max %.6g  mean %.6g  nan 1  inf 2' % (f.min(), f.max(), f.mean()))
print('  row norms  min %.6g  max %.6g  mean %.6g' % (g.min(), g.max(), g.mean()))
print('  distances  min 0.25  max 0.5  mean 0.375  nan 0  inf 0')
" >"$T/want"
check "min, max, mean, NaN and infinity counts, row norms: numpy's" \
    sh -c "grep -E '^  (values|row norms|distances) ' '$T/d' | cmp -s - '$T/want'"

# -t: every float back bit for bit; -l: the labels, escaped, a header for two fields.
emb-info -t "$T/a.emb" >"$T/t"
check "-t: %.9g gives back every float32 exactly (NaN and infinities too)" "$PY" -c "
import numpy as np
X = np.load('$T/a.npy'); T = np.loadtxt('$T/t', delimiter='\t', dtype=np.float64).astype(np.float32)
assert T.shape == X.shape and np.array_equal(X.view(np.uint32)[np.isfinite(X)], T.view(np.uint32)[np.isfinite(X)])
assert np.isnan(T[2, 1]) and T[5, 0] == np.inf and T[6, 2] == -np.inf"
emb-info -l "$T/a.emb" >"$T/l"
printf 'word\tcls\ntab\\there\ta\ncr\\rhere\tb\nnl\\nhere\tc\nback\\\\slash\td\n%s\te\n\tf\nplain\tg\n' \
    "$long" >"$T/lwant"
check "-l: field names, then tab, CR, newline, backslash escaped; a 4000-byte label whole" \
    cmp -s "$T/l" "$T/lwant"
emb-info -l "$T/b.emb" >"$T/l1"
check "-l with one field: no header line" sh -c "[ \"\$(head -n 1 '$T/l1')\" = only0 ] && [ \$(wc -l <'$T/l1') -eq 4 ]"
emb-info -g "$T/a.emb" >"$T/g"
awk 'BEGIN { for (i = 0; i < 7; i++) printf "%d\t%d\t0.25\t0.5\n", (i + 1) % 7, (i + 2) % 7 }' >"$T/gwant"
check "-g: k indices, then k distances, a line a row" cmp -s "$T/g" "$T/gwant"
fails 1 '^emb-info: no graph frame in the input$' "-g without a graph" emb-info -g "$T/b.emb"
fails 1 '^emb-info: the last points frame has no labels$' "-l without labels" \
    emb-info -l "$T/c.emb"
usage_fails "-t and -l together: a usage error" emb-info -t -l "$T/a.emb"

# Several files: one after the other; one that cannot be read is said, the rest read, exit 1.
emb-info "$T/a.emb" "$T/b.emb" >"$T/two"
check "two files: the frames numbered on" grep -qx 'frame 3: points, 4 rows x 2 cols, labels: word' "$T/two"
emb-info "$T/a.emb" "$T/nonexistent" "$T" "$T/b.emb" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] && grep -qx 'frame 3: points, 4 rows x 2 cols, labels: word' "$T/out" &&
    [ "$(wc -l <"$T/err")" -eq 2 ] &&
    grep -qx "emb-info: $T/nonexistent: No such file or directory" "$T/err" &&
    grep -qx "emb-info: $T: is a directory" "$T/err"; then
	ok "a missing file and a directory: said, the other files read, exit 1"
else
	notok "a missing file: exit $rc, $(tr '\n' '|' <"$T/err"), $(grep -c '^frame' "$T/out") frames"
fi
emb-info -l "$T/nonexistent" "$T/b.emb" >"$T/out" 2>/dev/null
check "-l after a missing file: the last file's labels, exit 1" \
    sh -c "[ $? -eq 1 ] && cmp -s '$T/out' '$T/l1'"

# Labels made by emb-extract from a label file come through emb-info whole.
printf '1\t2\n3\t4\n' >"$T/v.tsv"
printf '%s\nshort\n' "$long" >"$T/v.labels"
emb-extract -q -l "$T/v.labels" "$T/v.tsv" | emb-info -l >"$T/vl"
printf '%s\nshort\n' "$long" >"$T/vlwant"
check "a 4000-byte label from emb-extract -l, whole in emb-info -l" cmp -s "$T/vl" "$T/vlwant"
