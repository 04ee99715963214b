#!/bin/sh
# emb-plot with hostile labels, field names, metadata, titles and file names:
# real gnuplot runs the scripts; nothing may run, no file but the picture may
# appear, no datablock may end early, and every label must still show, cleaned.
. "$(dirname "$0")/lib.sh"

if ! command -v gnuplot >/dev/null; then
	skip_required "gnuplot safety" "gnuplot is not installed"
	exit 0
fi
if ! need_py numpy; then
	skip_required "gnuplot safety" "python3-numpy is not installed"
	exit 0
fi
H="$PY $ROOT/tests/plot_hostile.py"
mkdir "$T/run"
C="$T/run/canary"
field=$(printf '"; system("touch %s"); "`touch %s`\n@mac' "$C" "$C")
$H stream "$C" 1 >"$T/h.emb" || notok "hostile stream"
$H stream "$C" 2 >"$T/h2.emb"
cat "$T/h.emb" "$T/h2.emb" >"$T/anim.emb"

# A macro that would run a command if gnuplot expanded "@mac" anywhere.
mac="mac = \"x\\\"; print system(\\\"touch $C\\\"); #\""

# render NAME GNUPLOT-ARGS -- EMB-PLOT-ARGS: write the script, check it, run it in $T/run.
render() {
	name=$1; shift
	emb-plot "$@" >"$T/$name.gp" 2>"$T/$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		notok "$name: emb-plot exited $rc: $(head -c 300 "$T/$name.err")"
		return 1
	fi
	# as a file (with a macro defined), through a pipe, and as redirected input
	if ! (cd "$T/run" && gnuplot -e "$mac" "$T/$name.gp" &&
	    cat "$T/$name.gp" | gnuplot >/dev/null && gnuplot <"$T/$name.gp" >/dev/null) \
	    >"$T/$name.out" 2>"$T/$name.gperr"; then
		notok "$name: gnuplot failed: $(head -c 300 "$T/$name.gperr")"
		return 1
	fi
	if [ -e "$C" ]; then
		notok "$name: a label ran a command"
		rm -f "$C"
		return 1
	fi
	extra=$(ls -A "$T/run")
	if [ -n "$extra" ]; then
		notok "$name: gnuplot wrote files: $extra"
		rm -f "$T/run"/* "$T/run"/.[!.]*
		return 1
	fi
	check "$name: the script has no backquote, @, ! or stray data line" \
	    $H script "$T/$name.gp"
	ok "$name: gnuplot ran it, nothing executed, no file written"
}

render svg -T svg -o "$T/h.svg" -L all --all-labels -c "$field" "$T/h.emb" &&
	check "svg: well-formed XML" xmllint --noout "$T/h.svg" &&
	check "svg: every label and hover text shows, cleaned" $H svg "$T/h.emb" "$T/h.svg"

render html -T html -o "$T/h.html" -L all --all-labels -c "$field" "$T/h.emb" &&
	check "html: every label and hover text shows, no script escapes" \
	    $H html "$T/h.emb" "$T/h.html"

render dumb -T dumb -s 120x40 -L all -c "$field" --highlight 'EOD|@|`' "$T/h.emb" &&
	check "dumb: no control bytes of the labels reach the terminal" $PY -c '
import re, sys
d = re.sub(rb"\x1b\[[0-9;]*m", b"", open(sys.argv[1], "rb").read()).lstrip(b"\f")
d.decode("utf-8")
sys.exit(any(b < 32 and b != 10 for b in d))' "$T/dumb.out"

render png -T png -s 400x300 -o "$T/h.png" -L all --label-field "$field" \
    --highlight 'EOD|@' --arrows "class 1 \`touch $C\`>class 2 \`touch $C\`" "$T/h.emb" &&
	check "png: decodes at the asked size" sh -c \
	    "[ \"\$($PY $ROOT/tests/plot_check.py png '$T/h.png' | head -1)\" = '400 300' ]"

render pdf -T pdf -o "$T/h.pdf" -L 50 -c "$field" --title "$field" "$T/h.emb" &&
	check "pdf: a whole PDF" sh -c "$PY $ROOT/tests/plot_check.py pdf '$T/h.pdf' >/dev/null"

render gif -T gif --animate -s 300x200 -o "$T/h.gif" -L 30 -c "$field" "$T/anim.emb" &&
	check "gif: two frames" sh -c \
	    "[ \"\$($PY $ROOT/tests/plot_check.py gif '$T/h.gif')\" = '300 200 2' ]"

render sixel -T sixel -s 200x150 -L 30 "$T/h.emb" &&
	check "sixel: an image" sh -c "$PY $ROOT/tests/plot_check.py sixel '$T/sixel.out' >/dev/null"

# File names and titles with quotes, backquotes and newlines are used as they are.
odd="$T/out \"\`touch canary\`\"
'x' \\ @mac.svg"
render oddname -T svg -o "$odd" --title "$(printf '`touch %s`\n"; set output "%s"' "$C" "$C")" \
    "$T/h.emb" &&
	check "an odd -o name is the file written" test -s "$odd"
