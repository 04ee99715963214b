#!/bin/sh
# emb-plot: scripts that real gnuplot renders to files of the asked kind and
# size, with the input's coordinates, colours, legends and labels.
. "$(dirname "$0")/lib.sh"

if ! command -v gnuplot >/dev/null || ! need_py numpy; then
	skip "emb-plot" "gnuplot or python3-numpy is not installed"
	exit 0
fi
N=2000
[ "${EMB_SANITIZED:-0}" = 1 ] && N=600
P="$PY $ROOT/tests/plot_check.py"
$PY "$ROOT/tests/plot_data.py" "$T" $N || notok "test data"

# is NAME WANT CMD...: CMD prints exactly WANT.
is() {
	n=$1 want=$2; shift 2
	got=$("$@" 2>"$T/is.err")
	if [ "$got" = "$want" ]; then ok "$n"; else
		notok "$n (got '$(echo "$got" | head -c 200)', want '$want'; $(head -c 200 "$T/is.err"))"
	fi
}
# render ARGS...: emb-plot ARGS | gnuplot, both must succeed.
render() {
	emb-plot "$@" >"$T/s.gp" && gnuplot "$T/s.gp" >"$T/gp.out" 2>"$T/gp.err"
}

# Usage and errors: one line, the right exit status.
check "-h prints the synopsis" sh -c 'emb-plot -h | grep -q "^usage: emb-plot \[-h\]"'
emb-plot --nosuch "$T/pts.emb" >/dev/null 2>"$T/err"
rc=$?
check "an unknown option is a usage error" sh -c "[ $rc = 2 ] && grep -q '^usage: emb-plot' '$T/err'"
: >"$T/empty"
fails 1 'no points frame' "empty input" emb-plot "$T/empty"
echo "not a stream" >"$T/junk"
fails 1 'not an emb stream' "input that is not a stream" emb-plot "$T/junk"
fails 1 'the points have 5 columns: reduce them' "5 columns need -x and -y" emb-plot "$T/wide.emb"
fails 1 '^emb-plot: -x 9: the points have 5 columns$' "-x beyond the columns" emb-plot -x 9 "$T/wide.emb"
fails 1 '-c nosuch: no such label field \(the fields are: word, class, value\)' \
    "-c names a field that is not there" emb-plot -c nosuch "$T/pts.emb"
fails 1 'no labels to show' "labels asked of unlabelled points" emb-plot -L 10 "$T/meta.emb"
fails 1 "label-field nosuch: no such label field" "--label-field must exist" \
    emb-plot --label-field nosuch -L 5 "$T/pts.emb"
fails 2 'animate needs -T gif' "--animate is for gif" emb-plot -T png --animate "$T/pts.emb"
fails 2 'density .* cannot go with -c' "--density with -c" emb-plot --density -c class "$T/pts.emb"
fails 2 'view is for 3-D' "--view on a 2-D frame" emb-plot --view 10,20 "$T/pts.emb"
fails 2 'density draws 2-D' "--density on 3-D" emb-plot --density "$T/d3.emb"
fails 2 'qt, wxt and x11 .* window' "-o with a window terminal" emb-plot -T qt -o x.png "$T/pts.emb"
fails 1 'unknown terminal' "an unknown terminal" emb-plot -T foo "$T/pts.emb"
fails 1 'cannot tell the terminal' "-o with an unknown extension" emb-plot -o x.foo "$T/pts.emb"
fails 1 'label-match: bad regular expression' "a bad regex" emb-plot --label-match '(' "$T/pts.emb"
fails 1 "no point is labelled 'nosuch'" "--arrows to a missing word" \
    emb-plot --arrows 'w00001>nosuch' "$T/pts.emb"
fails 1 "'abc' is not FROM>TO" "--arrows without >" emb-plot --arrows 'abc' "$T/pts.emb"
fails 1 "-s: '10by20' is not WIDTHxHEIGHT" "a bad -s" emb-plot -s 10by20 "$T/pts.emb"
fails 1 'view rotation: 400 is out of range' "a bad --view" emb-plot --view 400,10 "$T/d3.emb"
$PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import embio, numpy as np
embio.write_points(sys.stdout.buffer, np.full((4, 2), np.nan, np.float32))' "$ROOT/tests" >"$T/nan.emb"
fails 1 'no point has finite coordinates' "all coordinates NaN" emb-plot "$T/nan.emb"

# The numbers in the script are the input's, bit for bit (NaN and inf as NaN).
emb-plot -x 2 -y 4 "$T/wide.emb" >"$T/w.gp"
check "-x 2 -y 4: coordinates equal the frame's, extremes included" $P coords "$T/w.gp" "$T/wide.emb" 2,4
emb-plot -x 5 -y 1 -z 2 "$T/wide.emb" >"$T/w3.gp"
check "-x 5 -y 1 -z 2: random float bit patterns survive" $P coords "$T/w3.gp" "$T/wide.emb" 5,1,2
check "extreme values render" sh -c "emb-plot -T png -o '$T/w.png' -x 2 -y 4 '$T/wide.emb' | gnuplot"
emb-plot "$T/d3.emb" >"$T/d3.gp"
check "3 columns: a 3-D plot of all three" $P coords "$T/d3.gp" "$T/d3.emb" 1,2,3

# PNG: the asked size, and the class colours of points and legend.
render -T png -s 640x480 -c class -o "$T/c.png" "$T/pts.emb"
is "png: decodes at 640x480 with the ten class colours" "640 480 10" sh -c "
	$P png '$T/c.png' '#1f77b4' '#ff7f0e' '#2ca02c' '#d62728' '#9467bd' '#8c564b' \
	    '#e377c2' '#7f7f7f' '#bcbd22' '#17becf' |
	awk 'NR == 1 { s = \$0 } NR > 1 && \$1 >= 20 { n++ } END { print s, n }'"
check "10 classes: a legend of all of them, each row its class colour" \
    $P legend "$T/s.gp" "$T/pts.emb" class
emb-plot -c kind "$T/many.emb" >"$T/m.gp"
check "30 classes: the 19 most frequent and 'other'" $P legend "$T/m.gp" "$T/many.emb" kind
is "30 classes: 20 legend entries" 20 grep -c '^    keyentry' "$T/m.gp"
emb-plot -c value "$T/pts.emb" >"$T/v.gp"
check "a numeric field: viridis over its range, missing values grey" \
    $P palette "$T/v.gp" "$T/pts.emb" value
emb-plot -c row --path "$T/pts.emb" >"$T/r.gp"
check "-c row: viridis over the row index" $P palette "$T/r.gp" "$T/pts.emb" row
check "--path joins the rows with a line" grep -q 'using 1:2:3 with lines' "$T/r.gp"
check "-c row --path renders with a colour box" sh -c \
    "sed 's|^set terminal dumb.*|set terminal pngcairo|' '$T/r.gp' | gnuplot >'$T/r.png' &&
    $P png '$T/r.png' '~6' '#440154' '#fde725' >'$T/r.pix' &&
    awk 'NR > 1 && \$1 < 30 { exit 1 } END { exit NR != 3 }' '$T/r.pix'"

# SVG: well-formed, hover text on every point, labels where asked.
render -T svg -o "$T/l.svg" -L 50 --all-labels "$T/pts.emb"
check "svg: well-formed" xmllint --noout "$T/l.svg"
is "svg: a hover text for every point" "$N" sh -c "grep -c 'showHypertext(evt,.w[0-9]' '$T/l.svg'"
is "-L 50 --all-labels: the first 50 words" "$($PY -c 'print(*("w%05d" % i for i in range(50)))')" \
    sh -c "$PY -c '
import sys; sys.path.insert(0, \"$ROOT/tests\"); from plot_check import svg_texts
print(*sorted(t for t in svg_texts(sys.argv[1])[0] if t.startswith(\"w\")))' '$T/l.svg'"
render -T svg -o "$T/m.svg" --label-match '^w0001[0-9]$' --all-labels "$T/pts.emb"
is "--label-match: exactly the matching words" "$($PY -c 'print(*("w%05d" % i for i in range(10, 20)))')" \
    sh -c "$PY -c '
import sys; sys.path.insert(0, \"$ROOT/tests\"); from plot_check import svg_texts
print(*sorted(t for t in svg_texts(sys.argv[1])[0] if t.startswith(\"w\")))' '$T/m.svg'"
render -T svg -o "$T/f.svg" --label-field class -L 3 --all-labels "$T/pts.emb"
is "--label-field: the text comes from that field" 3 sh -c "$PY -c '
import sys; sys.path.insert(0, \"$ROOT/tests\"); from plot_check import svg_texts
print(sum(t.startswith(\"class \") for t in svg_texts(sys.argv[1])[0]))' '$T/f.svg'"
render -T svg -o "$T/o.svg" -L all "$T/pts.emb"
check "-L all: no two labels overlap" sh -c "$P overlap '$T/o.svg' >'$T/ov' && awk '\$1 > 30 && \$1 < $N / 2 { ok = 1 } END { exit !ok }' '$T/ov'"
render -T svg -o "$T/oa.svg" -L all --all-labels "$T/pts.emb"
check "-L all --all-labels: every label, overlapping" sh -c "$P overlap '$T/oa.svg' >'$T/ov';
    awk '\$1 == $N && \$2 > 100 { ok = 1 } END { exit !ok }' '$T/ov'"

# --highlight and --arrows.
render -T svg -o "$T/h.svg" --highlight '^w0000[0-4]$' -c class "$T/pts.emb"
is "--highlight: the matches labelled large" "w00000 w00001 w00002 w00003 w00004" sh -c "
	$P overlap '$T/h.svg' 10 >/dev/null; $PY -c '
import sys; sys.path.insert(0, \"$ROOT/tests\"); from plot_check import label_boxes
print(*sorted(b[4] for b in label_boxes(sys.argv[1], 10) if b[4].startswith(\"w\")))' '$T/h.svg'"
check "--highlight: the other points grey" grep -q 'lc rgb "#00b0b0b0" notitle' "$T/s.gp"
emb-plot --arrows 'w00000>w00001, w00002 > w00003' "$T/pts.emb" >"$T/a.gp"
check "--arrows: from one word towards the other" $P arrows "$T/a.gp" "$T/pts.emb" 'w00000>w00001,w00002>w00003'
emb-plot --arrows 'w00000>w00001' "$T/d3.emb" >"$T/a3.gp"
check "--arrows in 3-D" $P arrows "$T/a3.gp" "$T/d3.emb" 'w00000>w00001'

# Other terminals.
render -T dumb -s 70x20 -L 10 -c class "$T/pts.emb"
is "dumb: -s 70x20 is 70 columns, 20 lines" "70 20" $P dumb "$T/gp.out"
COLUMNS=90 LINES=31 emb-plot "$T/pts.emb" | gnuplot >"$T/d.txt" 2>/dev/null
is "dumb: the size of the terminal, one line for the prompt" "90 30" $P dumb "$T/d.txt"
render -T html -o "$T/p.html" "$T/pts.emb"
is "html: a canvas page, a hover text for every point" "$N" sh -c \
    "grep -q '<canvas' '$T/p.html' && grep -c '^Hypertext(' '$T/p.html'"
render -T pdf -s 360x288 -o "$T/p.pdf" -c class "$T/pts.emb"
is "pdf: the asked size in points" "360 288" $P pdf "$T/p.pdf"
emb-plot -T sixel -s 240x160 "$T/pts.emb" | gnuplot >"$T/p.six"
is "sixel: the asked size" "240 160" $P sixel "$T/p.six"
render -T png -s 500x400 -c class -o "$T/3.png" "$T/d3.emb"
is "3-D png at the asked size" "500 400" sh -c "$P png '$T/3.png' | head -1"
check "3-D: splot with the default view" sh -c "grep -q '^splot ' '$T/s.gp' && grep -qx 'set view 60,30' '$T/s.gp'"
emb-plot --view 45,70 "$T/d3.emb" >"$T/v3.gp"
check "--view ROT,TILT is gnuplot's view TILT,ROT" grep -qx 'set view 70,45' "$T/v3.gp"
render -T gif --animate -s 320x240 -c class -o "$T/a.gif" "$T/anim.emb"
is "--animate: a gif frame per points frame" "320 240 3" $P gif "$T/a.gif"
check "--animate: each frame titled with its iteration" sh -c \
    "[ \$(grep -c '^set title \"t-SNE.*iteration [0-9]*0\"' '$T/s.gp') = 3 ]"
render -T png --density -o "$T/d.png" "$T/pts.emb"
check "--density: counts equal numpy's histogram2d" sh -c "$P density '$T/s.gp' '$T/pts.emb' >/dev/null"
check "-o picks the terminal from the name" sh -c \
    "emb-plot -o '$T/x.svg' '$T/pts.emb' | grep -q '^set terminal svg'"
if gnuplot -e 'print GPVAL_TERMINALS' 2>&1 | grep -qw qt; then
	skip "a missing terminal is named" "this gnuplot has qt"
else
	fails 1 '^this gnuplot has no qt terminal$' "a missing terminal is named" \
	    sh -c "emb-plot -T qt '$T/pts.emb' | gnuplot"
fi

# Titles from the metadata.
is "title: reducer, parameter, source, size" "t-SNE (perplexity 30) of glove.6B.100d.txt, 5,000 x 100" \
    sh -c "emb-plot '$T/meta.emb' >'$T/t.gp' && $P title '$T/t.gp'"
NN=$(printf "%d" $N | sed 's/\([0-9]\)\([0-9][0-9][0-9]\)$/\1,\2/')
is "title: without a source" "t-SNE (perplexity 30), $NN points" \
    sh -c "emb-plot '$T/pts.emb' >'$T/t.gp' && $P title '$T/t.gp'"
is "title: without metadata" "$NN points" \
    sh -c "emb-plot -x 1 -y 2 '$T/wide.emb' >'$T/t.gp' && $P title '$T/t.gp'"
check "--title '' leaves it out" sh -c "emb-plot --title '' '$T/pts.emb' | grep -qx 'unset title'"
check "several files: the last points frame" sh -c \
    "emb-plot '$T/d3.emb' '$T/pts.emb' | grep -q '^plot '"
