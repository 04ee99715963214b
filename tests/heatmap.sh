#!/bin/sh
# emb-plot --similarity and --matrix: the cells are numpy's (binned above 512
# rows or columns), the pictures decode at the asked size on every terminal
# that draws images, and hostile tick labels run nothing.
. "$(dirname "$0")/lib.sh"

if ! command -v gnuplot >/dev/null || ! need_py numpy; then
	skip "emb-plot heat maps" "gnuplot or python3-numpy is not installed"
	exit 0
fi
P="$PY $ROOT/tests/plot_check.py"
H="$PY $ROOT/tests/heatmap_check.py"
BIG=100000
[ "${EMB_SANITIZED:-0}" = 1 ] && BIG=20000
$PY "$ROOT/tests/check_data.py" "$T" || notok "test data"
$PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import embio, numpy as np
rng = np.random.default_rng(5)
X = np.cumsum(rng.normal(size=(1500, 16)), axis=0)   # a random walk: similar neighbours
X[7] = 0
X[100, 3] = np.nan
embio.write_points(open(sys.argv[2] + "/walk.emb", "wb"), X.astype(np.float32))
W = rng.normal(size=(30, 1000)) + np.linspace(-3, 5, 1000)
W[2, 10] = np.inf
embio.write_points(open(sys.argv[2] + "/wide.emb", "wb"), W.astype(np.float32),
                   [["r%d" % i] for i in range(30)], ["name"])
embio.write_points(open(sys.argv[2] + "/big.emb", "wb"),
                   rng.normal(size=(int(sys.argv[3]), 32)).astype(np.float32))
' "$ROOT/tests" "$T" $BIG || notok "test data"

# is NAME WANT CMD...: CMD prints exactly WANT.
is() {
	n=$1 want=$2; shift 2
	got=$("$@" 2>"$T/is.err")
	if [ "$got" = "$want" ]; then ok "$n"; else
		notok "$n (got '$(echo "$got" | head -c 200)', want '$want'; $(head -c 200 "$T/is.err"))"
	fi
}

# The numbers.
emb-plot --similarity -T png "$T/pe.emb" >"$T/pe.gp"
check "--similarity, 512 rows: every cell is numpy's cosine" $H sim "$T/pe.gp" "$T/pe.emb"
emb-plot --similarity -T png "$T/walk.emb" >"$T/walk.gp"
check "--similarity, 1500 rows: 512 x 512 bin averages, zero and NaN rows left out" \
    $H sim "$T/walk.gp" "$T/walk.emb"
emb-plot --matrix -T png "$T/pe.emb" >"$T/pm.gp"
check "--matrix: the values, cbrange symmetric about 0" $H mat "$T/pm.gp" "$T/pe.emb"
emb-plot --matrix -T png "$T/wide.emb" >"$T/wm.gp"
check "--matrix, 1000 columns: column bins averaged, inf left out" $H mat "$T/wm.gp" "$T/wide.emb"
check "--matrix, 30 rows: the row labels are the y tick labels" \
    grep -q '^set ytics ("r0" 0, "r1" 1, "r2" 2,' "$T/wm.gp"
check "--matrix: a diverging palette, white at 0" grep -Eq '^set palette defined \(.* 0 "#f7f7f7"' "$T/wm.gp"

# The pictures, on every terminal that draws images.
emb-plot --similarity -T png -s 400x400 -o "$T/s.png" "$T/pe.emb" | gnuplot
is "png: decodes at 400x400" "400 400" sh -c "$P png '$T/s.png' | head -1"
emb-plot --matrix -o "$T/m.png" -s 640x300 "$T/pe.emb" | gnuplot
is "png, -o m.png: decodes at 640x300, red and blue both there" "640 300 2" sh -c "
	$P png '$T/m.png' '~40' '#b2182b' '#2166ac' |
	awk 'NR == 1 { s = \$0 } NR > 1 && \$1 > 1000 { n++ } END { print s, n }'"
if command -v identify >/dev/null; then
	is "png: imagemagick reads it too" "640x300" identify -format '%wx%h' "$T/m.png"
fi
emb-plot --similarity -T svg -s 500x500 -o "$T/s.svg" "$T/walk.emb" | gnuplot
check "svg: well-formed, the image inside" sh -c "xmllint --noout '$T/s.svg' && grep -q '<image' '$T/s.svg'"
emb-plot --similarity -T pdf -s 360x360 -o "$T/s.pdf" "$T/pe.emb" | gnuplot
is "pdf: the asked size" "360 360" $P pdf "$T/s.pdf"
emb-plot --matrix -T gif -s 300x200 -o "$T/m.gif" "$T/pe.emb" | gnuplot
is "gif: the asked size" "300 200 1" $P gif "$T/m.gif"
emb-plot --matrix -T sixel -s 240x160 "$T/pe.emb" | gnuplot >"$T/m.six"
is "sixel: the asked size" "240 160" $P sixel "$T/m.six"
mkdir "$T/htmlrun"
(cd "$T/htmlrun" && emb-plot --similarity -T html -o "$T/s.html" "$T/walk.emb" | gnuplot)
check "html: a canvas page of 128 x 128 cells, no other file written" sh -c "
	grep -q '<canvas' '$T/s.html' && [ -z \"\$(ls -A '$T/htmlrun')\" ]"
emb-plot --similarity -T html "$T/walk.emb" >"$T/h.gp"
is "html: the cells capped at 128 x 128" 16384 sh -c "awk '/^\\\$heat/ { on = 1; next } /^EOD/ { on = 0 } on && NF == 3' '$T/h.gp' | wc -l"

# 100,000 rows: 512 x 512 cells computed without the N x N matrix, drawn in seconds
# (CPU seconds of emb-plot and gnuplot together: the machine may be shared).
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%U %S' -o "$T/time" sh -c \
	    "emb-plot --similarity -T png -s 300x300 -o '$T/big.png' '$T/big.emb' | gnuplot"
	cpu=$(awk '{ print $1 + $2 }' "$T/time")
	is "--similarity of $BIG rows: drawn in $cpu CPU seconds (< 5), at the asked size" \
	    "300 300" sh -c "awk -v c=$cpu 'BEGIN { exit !(c < 5) }' && $P png '$T/big.png' | head -1"
else
	skip "--similarity of $BIG rows" "no /usr/bin/time"
fi

# Errors, before any output.
fails 2 "dumb terminal cannot" "the dumb terminal is refused" emb-plot --similarity "$T/pe.emb"
check "  ... with nothing written" test ! -s "$T/out"
fails 2 "dumb terminal cannot" "-T dumb is refused" emb-plot --matrix -T dumb "$T/pe.emb"
fails 2 "one at a time" "--similarity with --matrix" emb-plot --similarity --matrix -T png "$T/pe.emb"
fails 2 "take only -o, -s, -T" "--similarity with -c" emb-plot --similarity -c x -T png "$T/pe.emb"
fails 2 "take only -o, -s, -T" "--matrix with -x" emb-plot --matrix -x 1 -T png "$T/pe.emb"
fails 1 "label-field nosuch: no such label field" "--label-field must exist" \
    emb-plot --matrix --label-field nosuch -T png "$T/wide.emb"
$PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import embio, numpy as np
embio.write_points(sys.stdout.buffer, np.full((4, 3), np.nan, np.float32))' "$ROOT/tests" >"$T/nan.emb"
fails 1 "no value of the points is finite" "all NaN" emb-plot --matrix -T png "$T/nan.emb"
check "  ... with nothing written" test ! -s "$T/out"
$PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import embio, numpy as np
X = np.zeros((4, 3), np.float32); X[1, 1] = np.inf
embio.write_points(sys.stdout.buffer, X)' "$ROOT/tests" >"$T/zero.emb"
fails 1 "no row has a direction" "--similarity of zero rows" emb-plot --similarity -T png "$T/zero.emb"

# Hostile labels as tick labels: gnuplot runs the script, nothing executes, every label shows.
mkdir "$T/run"
C="$T/run/canary"
$H hostile "$C" 40 >"$T/host.emb"
for mode in similarity matrix; do
	emb-plot --$mode -T svg -o "$T/host-$mode.svg" "$T/host.emb" >"$T/host-$mode.gp"
	(cd "$T/run" && gnuplot "$T/host-$mode.gp" && gnuplot <"$T/host-$mode.gp") \
	    >"$T/host.out" 2>&1
	check "hostile labels, --$mode: nothing ran, no file written" \
	    sh -c "[ ! -e '$C' ] && [ -z \"\$(ls -A '$T/run')\" ]"
	check "hostile labels, --$mode: no backquote, @ or !, no stray data line" \
	    $PY "$ROOT/tests/plot_hostile.py" script "$T/host-$mode.gp"
	check "hostile labels, --$mode: every tick label shows, cleaned" \
	    $H ticks "$T/host.emb" "$T/host-$mode.svg"
done
