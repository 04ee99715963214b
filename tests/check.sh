#!/bin/sh
# emb-info --check: verdicts on matrices of known structure, exact row counts,
# TwoNN against the known dimension and an independent numpy estimate, and
# the periods of sinusoidal positional encodings.
. "$(dirname "$0")/lib.sh"

if ! need_py numpy; then
	skip "emb-info --check" "python3-numpy is not installed"
	exit 0
fi
emb-extract "$ROOT/examples/glove-100d-2k.txt.gz" >"$T/glove.emb" || notok "extract GloVe"
$PY "$ROOT/tests/check_data.py" "$T" "$T/glove.emb" || notok "test data"

# get FILE KEY [COLUMN]: a statistic of the TSV report (value, or column 3: the reference).
get() { awk -F '\t' -v k="$2" -v c="${3:-2}" '$1 == k { print $c; exit }' "$1"; }
# near NAME GOT WANT TOL: |GOT - WANT| <= TOL * |WANT|.
near() {
	if awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN { d = g - w; if (d < 0) d = -d;
	    a = w < 0 ? -w : w; exit !(g != "" && d <= t * a) }'; then
		ok "$1 ($2, want $3)"
	else
		notok "$1 (got '$2', want $3 within $4)"
	fi
}
# verdict NAME FILE WANT ARGS...
verdict() {
	n=$1 f=$2 want=$3; shift 3
	emb-info --check -t "$@" "$f" >"$T/v.tsv" 2>"$T/v.err"
	got=$(get "$T/v.tsv" verdict)
	if [ "$got" = "$want" ]; then ok "$n: $want"; else
		notok "$n: got '$got', want $want ($(head -c 200 "$T/v.err"))"
	fi
}

verdict "Gaussian 5000 x 100" "$T/gauss.emb" random
verdict "uniform 3000 x 64" "$T/uniform.emb" random
verdict "the bundled GloVe words" "$T/glove.emb" structured
verdict "GloVe with its columns shuffled" "$T/glove-shuffled.emb" random
verdict "identical rows plus noise 1e-4" "$T/collapsed.emb" collapsed
verdict "a 5-d Gaussian in 50-d" "$T/g5.emb" structured
verdict "5 clusters in 30-d (closer neighbours, the same TwoNN dimension)" "$T/classes.emb" structured
verdict "sinusoidal positional encodings" "$T/pe.emb" structured

# Exact counts: rows 3, 17, 40, 41 not finite; 70 and 71 (-0) zero; 50 51 52 = 5, 60 = 7, 71 = 70.
emb-info --check -t "$T/dupnan.emb" >"$T/d.tsv"
is_tsv() {
	got=$(awk -F '\t' -v k="$2" '$1 == k { printf "%s%s", s, $2 ($3 == "" ? "" : ":" $3); s = " " }' "$T/d.tsv")
	if [ "$got" = "$3" ]; then ok "$1"; else notok "$1 (got '$got', want '$3')"; fi
}
is_tsv "non-finite rows counted" nonfinite_rows 4
is_tsv "non-finite rows named" nonfinite_row "3 17 40 41"
is_tsv "zero rows counted, minus zero too" zero_rows 2
is_tsv "duplicate rows and their groups" duplicate_rows 5:3
is_tsv "duplicates named with their first copy" duplicate_row "50:5 51:5 52:5 60:7 71:70"
is_tsv "the sample leaves the non-finite rows out" sample 296
is_tsv "neighbourhoods on the distinct rows" distinct_rows 291
emb-info --check "$T/dupnan.emb" >"$T/d.txt"
check "the text report names them by label" grep -q "duplicates of earlier rows   5 (3 distinct rows repeated), e.g. 'w50' = 'w5'" "$T/d.txt"

# Labels from the input are escaped: no control byte reaches the terminal, no line is faked.
$PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import embio, numpy as np
X = np.random.default_rng(4).normal(size=(40, 5))
X[1, 0] = np.nan
X[3] = X[2]
X[5] = 0
labels = [["w%d" % i] for i in range(40)]
labels[1] = ["\x1b]0;pwned\x07"]
labels[3] = ["a\nverdict: random"]
labels[5] = ["\x1b[31mred\r"]
embio.write_points(open(sys.argv[2], "wb"), X.astype(np.float32), labels)' "$ROOT/tests" "$T/evil.emb"
emb-info --check "$T/evil.emb" >"$T/evil.txt"
check "hostile labels in the text report: no control byte, one verdict line" $PY -c '
import sys
d = open(sys.argv[1], "rb").read()
sys.exit(any(b < 32 and b != 10 for b in d) or d.count(b"\nverdict: ") != 1 or
         b"\\x1b]0;pwned\\x07" not in d)' "$T/evil.txt"

# TwoNN: the known dimension within 10%, and numpy's estimate on the same points within 1%.
for m in plane:2 g5:5; do
	name=${m%:*} dim=${m#*:}
	emb-info --check -t "$T/$name.emb" >"$T/$name.tsv"
	near "TwoNN of $name in 50-d is $dim" "$(get "$T/$name.tsv" twonn)" "$dim" 0.10
	near "TwoNN of $name agrees with numpy" "$(get "$T/$name.tsv" twonn)" "$(cat "$T/$name.twonn")" 0.01
done

# Anisotropy against numpy: mean cosine (100,000 random pairs) and the covariance spectrum.
emb-info --check -t "$T/glove.emb" >"$T/g.tsv"
$PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import embio, numpy as np
X = np.asarray(embio.last_points(sys.argv[2])["data"], np.float64)
U = X / np.linalg.norm(X, axis=1)[:, None]
C = U @ U.T
n = len(X)
w = np.clip(np.linalg.eigvalsh(np.cov(X.T)), 0, None)
p = w / w.sum()
sq = (X * X).sum(1)
D = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * X @ X.T, 0))
np.fill_diagonal(D, np.inf)
nn = np.argsort(D, axis=1, kind="stable")[:, :10]
dk = np.take_along_axis(D, nn, 1)
occ = np.bincount(nn.ravel(), minlength=n).astype(float)
skew = ((occ - occ.mean()) ** 3).mean() / occ.std() ** 3
print((C.sum() - n) / (n * (n - 1)), w.max() / w.sum(),
      np.exp(-(p[p > 0] * np.log(p[p > 0])).sum()), dk.mean(), skew)
' "$ROOT/tests" "$T/glove.emb" >"$T/g.ref"
read -r cos pc1 er knn hub <"$T/g.ref"
near "mean cosine of random pairs = numpy's over all pairs" "$(get "$T/g.tsv" cos_pairs)" "$cos" 0.02
near "share of variance in PC1 = numpy's" "$(get "$T/g.tsv" pc1_share)" "$pc1" 0.001
near "effective rank = numpy's" "$(get "$T/g.tsv" effective_rank)" "$er" 0.001
near "mean 10-NN distance = numpy's" "$(get "$T/g.tsv" knn_mean)" "$knn" 0.0001
near "hubness (skewness of 10-occurrence counts) = numpy's" "$(get "$T/g.tsv" hubness)" "$hub" 0.001

# More columns than rows: the eigenvalues come from the Gram matrix, the same nonzero ones.
$PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import embio, numpy as np
rng = np.random.default_rng(2)
X = (rng.normal(size=(300, 20)) @ rng.normal(size=(20, 600)) + 0.1 * rng.normal(size=(300, 600)))
embio.write_points(open(sys.argv[2], "wb"), X.astype(np.float32))
w = np.clip(np.linalg.eigvalsh(np.cov(X.astype(np.float32).astype(np.float64).T)), 0, None)
p = w / w.sum()
print(w.max() / w.sum(), np.exp(-(p[p > 0] * np.log(p[p > 0])).sum()))' "$ROOT/tests" "$T/wide.emb" >"$T/w.ref"
read -r wpc1 wer <"$T/w.ref"
emb-info --check -t "$T/wide.emb" >"$T/w.tsv"
near "300 x 600: PC1 share from the Gram matrix = numpy's" "$(get "$T/w.tsv" pc1_share)" "$wpc1" 0.001
near "300 x 600: effective rank from the Gram matrix = numpy's" "$(get "$T/w.tsv" effective_rank)" "$wer" 0.001

# --class: clusters labelled by cluster agree, random labels at chance.
emb-info --check -t --class class "$T/classes.emb" >"$T/c.tsv"
near "--class: neighbours share the cluster label" "$(get "$T/c.tsv" same_class)" 1 0.01
near "--class: chance is the sum of squared class shares" "$(get "$T/c.tsv" same_class 3)" 0.2 0.05
emb-info --check -t --class shuffled "$T/classes.emb" >"$T/c2.tsv"
near "--class: random labels agree at chance" "$(get "$T/c2.tsv" same_class)" \
    "$(get "$T/c2.tsv" same_class 3)" 0.15

# --positions on sinusoidal encodings (Vaswani et al.): the formula's periods (within one
# bin, where the Hann window resolves them: bins 16 and up), nothing else; adjacent rows alike.
emb-info --check -t --positions "$T/pe.emb" >"$T/pe.tsv"
check "--positions: each formula period is reported within one bin, and no other" $PY -c '
import sys
n = 512
want = [n / float(l) for l in open(sys.argv[2])]
got = [n / float(l.split("\t")[1]) for l in open(sys.argv[1]) if l.startswith("period\t")]
need = [b for b in want if 16 <= b < n / 2 - 1]
miss = [b for b in need if not any(abs(g - b) <= 1 for g in got)]
extra = [g for g in got if g >= 16 and not any(abs(g - b) <= 1 for b in want)]
print("# bins", sorted(round(g) for g in got), "missing", miss, "extra", extra, file=sys.stderr)
sys.exit(bool(miss or extra or len(need) < 10))' "$T/pe.tsv" "$T/pe.periods"
check "--positions: the periods and their power are numpy's Hann periodogram's" $PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import embio, numpy as np
X = np.asarray(embio.last_points(sys.argv[2])["data"], np.float64)
n = len(X)
Y = (X - X.mean(0)) * np.hanning(n)[:, None]
p = (np.abs(np.fft.rfft(Y, axis=0)) ** 2).sum(1)
tot, med = p[1:].sum(), np.median(p[1:])
pk = [k for k in range(2, len(p) - 1) if p[k] > p[k - 1] and p[k] >= p[k + 1]
      and p[k] >= 0.01 * tot and p[k] >= 8 * med]
pk.sort(key=lambda k: -p[k])
got = [l.split("\t") for l in open(sys.argv[3]) if l.startswith("period\t")]
ok = len(got) == len(pk) and all(abs(float(g[1]) - n / k) < 1e-3 and
    abs(float(g[2]) - p[k] / tot) < 1e-4 for g, k in zip(got, pk))
sys.exit(not ok)' "$ROOT/tests" "$T/pe.emb" "$T/pe.tsv"
adj=$(get "$T/pe.tsv" adjacent_cos) rnd=$(get "$T/pe.tsv" adjacent_cos 3)
check "--positions: adjacent rows far more alike than random pairs ($adj vs $rnd)" \
    awk -v a="$adj" -v r="$rnd" 'BEGIN { exit !(a > 0.9 && a > r + 0.4) }'
check "--positions: PC1 follows the row index" \
    awk -v r="$(get "$T/pe.tsv" pc1_index)" 'BEGIN { exit !(r > 0.9) }'
emb-info --check -t --positions "$T/gauss.emb" >"$T/gp.tsv"
check "--positions on random rows: no period, adjacent like random" sh -c "
	! grep -q '^period' '$T/gp.tsv' &&
	awk -F '\t' '\$1 == \"adjacent_cos\" { d = \$2 - \$3; exit !(d < 0.02 && d > -0.02) }' '$T/gp.tsv'"

# The sample, the seed, the threads.
emb-info --check -t -n 1000 "$T/gauss.emb" >"$T/n1.tsv"
is_n=$(get "$T/n1.tsv" sample)
check "-n 1000: a sample of 1000 rows ($is_n)" test "$is_n" = 1000
check "-n 1000: still random" test "$(get "$T/n1.tsv" verdict)" = random
emb-info --check -t -n 1000 --seed 7 "$T/gauss.emb" >"$T/n7.tsv"
check "--seed: written back whole" test "$(emb-info --check -t --seed 9007199254740993 "$T/dupnan.emb" | get /dev/stdin seed)" = 9007199254740993
check "--seed: another sample" sh -c "! cmp -s '$T/n1.tsv' '$T/n7.tsv'"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 emb-info --check -n 1000 --seed 7 "$T/gauss.emb" >"$T/t1.txt"
OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 emb-info --check -n 1000 --seed 7 "$T/gauss.emb" >"$T/t2.txt"
check "the same report with 1 or 2 threads" cmp -s "$T/t1.txt" "$T/t2.txt"
check "the text report ends in the verdict line" sh -c "tail -n 1 '$T/t1.txt' | grep -q '^verdict: random ('"
check "TSV: a header, then 3 columns on every line" awk -F '\t' '
	NR == 1 && $0 != "statistic\tvalue\treference" { exit 1 } NF != 3 { exit 1 }' "$T/g.tsv"

# Errors: one line, before any output.
fails 1 "--class nosuch: no such label field \(the fields are: class, shuffled\)" \
    "--class names a missing field" emb-info --check --class nosuch "$T/classes.emb"
check "  ... and writes nothing" test ! -s "$T/out"
fails 1 "--class x: the points have no labels" "--class on unlabelled points" \
    emb-info --check --class x "$T/gauss.emb"
fails 2 "are for --check" "--positions without --check" emb-info --positions "$T/gauss.emb"
fails 2 "cannot go with -g or -l" "--check with -l" emb-info --check -l "$T/gauss.emb"
fails 1 "-n: 0 is out of range" "-n 0" emb-info --check -n 0 "$T/gauss.emb"
: >"$T/empty"
fails 1 "no points frame" "empty input" emb-info --check "$T/empty"
$PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import embio, numpy as np
embio.write_points(sys.stdout.buffer, np.full((5, 3), np.nan, np.float32))' "$ROOT/tests" >"$T/allnan.emb"
emb-info --check -t "$T/allnan.emb" >"$T/an.tsv"
check "all rows NaN: counted, verdict undetermined" sh -c \
    "[ \"\$(awk -F '\t' '\$1 == \"nonfinite_rows\" || \$1 == \"verdict\" { printf \"%s \", \$2 }' '$T/an.tsv')\" = '5 undetermined ' ]"

# The shared data sets, and torch's initialisations.
if have_data glove-100d-50k.txt.gz; then
	emb-extract "$DATA/glove-100d-50k.txt.gz" >"$T/g50.emb"
	verdict "GloVe 50,000 words (a sample of 20,000, NN-descent)" "$T/g50.emb" structured
else
	skip "GloVe 50k" "no $DATA/glove-100d-50k.txt.gz"
fi
if have_data fashion-mnist.npy && [ "${EMB_SANITIZED:-0}" != 1 ]; then
	emb-extract -n 5000 "$DATA/fashion-mnist.npy" >"$T/fm.emb"
	verdict "Fashion-MNIST (the first 5,000 images)" "$T/fm.emb" structured
else
	skip "Fashion-MNIST" "no $DATA/fashion-mnist.npy, or a sanitized build"
fi
if need_py torch; then
	$PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import embio, torch
torch.manual_seed(0)
e = torch.nn.Embedding(4000, 256)   # its default initialisation: N(0, 1)
embio.write_points(open(sys.argv[2] + "/tn.emb", "wb"), e.weight.detach().numpy())
torch.nn.init.uniform_(e.weight, -0.1, 0.1)
embio.write_points(open(sys.argv[2] + "/tu.emb", "wb"), e.weight.detach().numpy())
' "$ROOT/tests" "$T"
	verdict "torch.nn.Embedding as initialised, N(0,1)" "$T/tn.emb" random
	verdict "torch.nn.Embedding, uniform initialisation" "$T/tu.emb" random
else
	skip "torch initialisations" "python3 has no torch"
fi
