#!/bin/sh
# The progress meter: shown when standard error is a terminal (a pty made
# by script(1)), not when it is a file or a pipe, never with -q, always with -v.
. "$(dirname "$0")/lib.sh"
EX=$ROOT/examples

if ! command -v script >/dev/null; then
	skip "the progress meter" "no script(1) (bsdutils)"
	exit 0
fi
emb-extract -q -l "$EX/fashion-mnist-2k.labels" "$EX/fashion-mnist-2k.npz" >"$T/fm.emb"
emb-pca -q -k 50 "$T/fm.emb" >"$T/p50.emb"

# on_tty COMMAND: what COMMAND writes on the terminal, stdout to a file
on_tty() {
	script -qec "$1 >'$T/tty.out'" /dev/null </dev/null | tr '\r' '\n' >"$T/tty"
}
# meter NAME WHAT: the terminal showed WHAT's meter, ending at 100%
meter() {
	if grep -Eq "^$2: +[0-9]+%$" "$T/tty" && grep -qx "$2: 100%" "$T/tty"; then
		ok "$1: the meter is shown"
	else
		notok "$1: no meter: $(head -c 200 "$T/tty" | tr '\n' '|')"
	fi
}

on_tty "emb-knn -k 10 --exact '$T/p50.emb'"
meter "emb-knn --exact" "emb-knn: exact neighbours"
on_tty "emb-knn -k 10 --approx '$T/p50.emb'"
meter "emb-knn --approx" "emb-knn: nearest neighbours"
on_tty "emb-knn -k 10 --quiet '$T/p50.emb'"
check "emb-knn --quiet: nothing on the terminal" test ! -s "$T/tty"
emb-knn -k 10 "$T/p50.emb" >/dev/null 2>"$T/err"
check "emb-knn: no meter when stderr is a file" test ! -s "$T/err"
emb-knn -k 10 -v "$T/p50.emb" 2>&1 >/dev/null | tr '\r' '\n' >"$T/tty"
meter "emb-knn -v into a pipe" "emb-knn: exact neighbours"
emb-knn -k 10 "$T/p50.emb" >"$T/plain.emb" 2>/dev/null
on_tty "emb-knn -k 10 '$T/p50.emb'"
check "emb-knn: the same output with and without the meter" cmp -s "$T/tty.out" "$T/plain.emb"

if need_py numpy; then
	# more rows than one chunk (2^21 values), so that there is a meter to show
	"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
embio.write_points(sys.stdout.buffer, np.random.RandomState(1).randn(3000, 800).astype(np.float32))
" >"$T/big.emb"
	on_tty "emb-pca -k 5 '$T/big.emb'"
	meter "emb-pca" "emb-pca: covariance"
	on_tty "emb-pca -q -k 5 '$T/big.emb'"
	check "emb-pca -q: nothing on the terminal" test ! -s "$T/tty"
	emb-pca -k 5 "$T/big.emb" >/dev/null 2>"$T/err"
	check "emb-pca: no meter when stderr is a file" test ! -s "$T/err"
	emb-pca -k 5 -v "$T/big.emb" 2>&1 >/dev/null | tr '\r' '\n' >"$T/tty"
	meter "emb-pca -v into a pipe" "emb-pca: covariance"
	if grep -q "^emb-pca: .*big.emb: frame 1: 3000 rows x 800 cols, exact PCA, k = 5$" "$T/tty" &&
	    [ "$(grep -c 'frame 1: pc[1-5] explained variance .*, ratio 0\.[0-9]*, cumulative ' "$T/tty")" -eq 5 ]; then
		ok "emb-pca -v: the fit and each component's variance, ratio and cumulative ratio"
	else
		notok "emb-pca -v: $(head -c 300 "$T/tty" | tr '\n' '|')"
	fi
else
	skip "emb-pca's meter" "no numpy for $PY"
fi
