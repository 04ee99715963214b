#!/bin/sh
# emb-plot(1)'s promises that plot.sh does not reach: nothing on stdout
# when it fails (so "| gnuplot" leaves an existing picture alone), no
# control character of any kind in the text it writes, labels compared
# whole, --density in HTML drawn inside the page, quoted input in messages.
. "$(dirname "$0")/lib.sh"

if ! need_py numpy; then
	skip "emb-plot promises" "no numpy for $PY"
	exit 0
fi
long=$(printf '%0300d' 1)
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
r = np.random.RandomState(5)
X = r.randn(40, 2).astype(np.float32)
# labels with every C0 and C1 control, DEL, and the line and paragraph separators
bad = [chr(c) for c in list(range(1, 32)) + [0x7f] + list(range(0x80, 0xa0)) + [0x2028, 0x2029]]
# two of them in each label after the fifth: all of them, in 35 rows
lab = [['w%d%s' % (i, bad[2 * (i - 5) % len(bad)] + bad[(2 * (i - 5) + 1) % len(bad)]
        if i >= 5 else ''), '$long' + 'xy'[i % 2]] for i in range(40)]
with open('$T/p.emb', 'wb') as f:
    embio.write_points(f, X, lab, ['word', 'cls'], {'title': 'x'})
with open('$T/anim.emb', 'wb') as f:
    embio.write_points(f, X, lab, ['word', 'cls'])
    embio.write_points(f, np.zeros((0, 2), np.float32))
with open('$T/nan.emb', 'wb') as f:
    embio.write_points(f, np.full((5, 2), np.nan, np.float32), [['n%d' % i] for i in range(5)])
"

# no_output NAME CODE PATTERN ARGS...: emb-plot ARGS fails with one line, and stdout is empty.
no_output() {
	n=$1 code=$2 pat=$3; shift 3
	fails "$code" "$pat" "$n: one line" emb-plot "$@"
	check "$n: nothing on stdout" test ! -s "$T/out"
}
no_output "--arrows to an unknown word" 1 "no point is labelled 'nosuch'" \
    -T png -o "$T/x.png" --arrows 'w0>nosuch' "$T/p.emb"
no_output "--highlight, a bad regular expression" 1 'highlight: bad regular expression' \
    -T png -o "$T/x.png" --highlight '(' "$T/p.emb"
no_output "--label-match, a bad regular expression" 1 'label-match: bad regular expression' \
    -T png -o "$T/x.png" --label-match '[' -L 5 "$T/p.emb"
no_output "an unknown --label-field" 1 'label-field nosuch: no such label field' \
    -T png -o "$T/x.png" --label-field nosuch -L 5 "$T/p.emb"
no_output "all points NaN" 1 'no point has finite coordinates' -T png -o "$T/x.png" "$T/nan.emb"
no_output "--animate with an empty frame" 1 'a points frame has no rows' \
    -T gif --animate -o "$T/x.gif" "$T/anim.emb"
no_output "an unknown -c field" 1 '-c nosuch: no such label field' -c nosuch "$T/p.emb"
# and so an existing picture survives a failed "| gnuplot"
if command -v gnuplot >/dev/null; then
	echo picture >"$T/keep.png"
	emb-plot -T png -o "$T/keep.png" --arrows 'w0>nosuch' "$T/p.emb" 2>/dev/null | gnuplot 2>/dev/null
	check "a failed emb-plot | gnuplot leaves the existing picture alone" grep -qx picture "$T/keep.png"
fi

# No control character of any kind, nor U+2028/U+2029, in the text of any
# terminal: in the script's strings (octal escapes decoded) and in what
# gnuplot makes of them.
cat >"$T/ctl.py" <<'PY'
import re, sys
bad = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]')
def check(text, what):
    found = sorted(set(bad.findall(text)))
    if found:
        sys.exit('%s: %r' % (what, found))
raw = open(sys.argv[1], 'rb').read()
# every gnuplot string of the script, its escapes undone
for m in re.finditer(rb'"((?:[^"\\\n]|\\.)*)"', raw):
    b = re.sub(rb'\\([0-7]{1,3})', lambda o: bytes([int(o.group(1), 8)]), m.group(1))
    check(b.decode('utf-8'), 'a string of the script')
check(raw.decode('utf-8'), 'the script')
for out in sys.argv[2:]:
    text = open(out, 'rb').read().decode('utf-8')
    # the dumb terminal's form feed before each page is its own
    check(text.replace('\f', '') if out.endswith('.dumb') else text, out)
PY
for term in svg html dumb png; do
	out=$T/x.$term
	emb-plot -T "$term" -o "$out" -L all --all-labels --highlight '^w1' \
	    --title "$(printf 'a\302\237b\033c\342\200\250d')" "$T/p.emb" >"$T/c.gp" 2>"$T/err" ||
	    notok "-T $term with control characters: $(cat "$T/err")"
	rendered=
	if command -v gnuplot >/dev/null && [ "$term" != png ]; then
		gnuplot "$T/c.gp" >/dev/null 2>&1 && rendered=$out
	fi
	check "-T $term: no C0 or C1 control, DEL, U+2028 or U+2029 in the text${rendered:+, script and page}" \
	    "$PY" "$T/ctl.py" "$T/c.gp" $rendered
done

# Labels are compared whole: 301-byte class names that differ in the last byte are two classes.
emb-plot -c cls "$T/p.emb" >"$T/cls.gp"
check "-c: classes that differ after byte 300 are two legend entries" \
    test "$(grep -c '^    keyentry' "$T/cls.gp")" -eq 2

# --density in HTML: the image is drawn in the page, nothing else written.
if command -v gnuplot >/dev/null; then
	mkdir "$T/cwd" "$T/page"
	emb-plot -T html --density -o "$T/page/d.html" "$T/p.emb" >"$T/d.gp"
	(cd "$T/cwd" && gnuplot "$T/d.gp") 2>"$T/err"
	if [ -z "$(ls -A "$T/cwd")" ] && [ "$(ls "$T/page")" = d.html ] &&
	    ! grep -q 'gp_image' "$T/page/d.html" &&
	    [ "$(grep -c '^R(' "$T/page/d.html")" -gt 10 ]; then
		ok "-T html --density: the cells drawn in the page, no image file anywhere"
	else
		notok "-T html --density: files $(ls -A "$T/cwd" "$T/page" | tr '\n' ' '); $(head -c 200 "$T/err")"
	fi
else
	skip "-T html --density" "no gnuplot"
fi

# Input quoted in messages: control bytes escaped.
fails 1 "^emb-plot: --arrows: no point is labelled 'a\\\\x1b\\[2Jb'$" \
    "--arrows: the word's escape sequence shown escaped" \
    emb-plot --arrows "$(printf 'w0>a\033[2Jb')" "$T/p.emb"
fails 1 "^emb-plot: --arrows: 'x\\\\x07y' is not FROM>TO$" "--arrows: a bad spec shown escaped" \
    emb-plot --arrows "$(printf 'x\007y')" "$T/p.emb"

# --jsdir: where the page looks for gnuplot's JavaScript.
emb-plot -T html --jsdir 'js/' -o "$T/j.html" "$T/p.emb" >"$T/j.gp"
check "--jsdir: given to gnuplot's canvas terminal" grep -q '^set terminal canvas .* jsdir "js/"' "$T/j.gp"
if command -v gnuplot >/dev/null; then
	gnuplot "$T/j.gp" 2>/dev/null
	check "--jsdir: the page loads its scripts from there" sh -c \
	    "grep -q 'src=\"js/gnuplot_common.js\"' '$T/j.html' && ! grep -q '/usr/share/gnuplot' '$T/j.html'"
fi
