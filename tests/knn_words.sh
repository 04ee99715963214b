#!/bin/sh
# emb-knn -q, -a and --analogies: nearest words, analogies, and analogy
# accuracy equal to gensim's (committed answers, and gensim live when it is
# installed; see tests/knn_gensim.py).
. "$(dirname "$0")/lib.sh"
R=$ROOT/tests/knn_ref.py
F=$ROOT/tests/fixtures/knn

if ! need_py numpy sklearn; then
	skip "emb-knn words" "no numpy or sklearn for $PY"
	exit 0
fi
gensim=
need_py gensim && gensim=yes

# same TSV lines; column 4 (a number) within 1e-5
same_answers() {
	awk -F '\t' 'NR == FNR { want[FNR] = $0; n = FNR; next }
	    { split(want[FNR], w, "\t")
	      if ($1 != w[1] || $2 != w[2] || $3 != w[3]) exit 1
	      d = $4 - w[4]; if (d < 0) d = -d; if (d > 1e-5) exit 1 }
	    END { exit FNR != n }' "$1" "$2"
}

# same analogy report: names, seen and skipped counts equal, accuracy within 0.001
same_report() {
	awk -F '\t' 'NR == FNR { want[FNR] = $0; n = FNR; next }
	    { split(want[FNR], w, "\t")
	      if ($1 != w[1] || $3 != w[3] || $4 != w[4]) exit 1
	      d = $5 - w[5]; if (d < 0) d = -d; if (d > 0.001) exit 1 }
	    END { exit FNR != n }' "$1" "$2"
}

# the case table is Python's
if "$PY" -c "import unicodedata, sys; sys.exit(unicodedata.unidata_version != '14.0.0')"; then
	"$PY" "$ROOT/tests/knn_upper.py" >"$T/upper.c"
	check "cmd/emb-knn/upper.c is Python's str.upper() and str.split()" \
	    cmp -s "$T/upper.c" "$ROOT/cmd/emb-knn/upper.c"
else
	skip "case table" "$PY has another Unicode version"
fi

# a small vocabulary full of case variants
for lim in "" 60; do
	exp=$F/edge${lim:+-n$lim}.expected
	emb-knn --analogies "$F/edge.txt" ${lim:+-n $lim} "$F/edge.emb" >"$T/edge.out" 2>"$T/err"
	if same_report "$exp" "$T/edge.out"; then
		ok "edge-case analogies${lim:+ with -n $lim}: gensim's answers ($(tail -n 1 "$T/edge.out" | tr '\t' ' '))"
	else
		notok "edge-case analogies${lim:+ -n $lim}: $(tr '\n' '|' <"$T/edge.out") $(cat "$T/err")"
	fi
	if [ -n "$gensim" ]; then
		"$PY" "$ROOT/tests/knn_gensim.py" "$F/edge.emb" "$F/edge.txt" $lim >"$T/g.out" 2>/dev/null
		check "edge-case analogies${lim:+ -n $lim}: gensim live agrees" same_report "$T/g.out" "$T/edge.out"
	fi
done

if ! have_data glove-100d-50k.txt.gz; then
	skip "GloVe words" "no $DATA/glove-100d-50k.txt.gz"
else
	"$PY" "$R" glove "$DATA/glove-100d-50k.txt.gz" 50000 "$T/glove.emb"

	emb-knn -a 'man king woman' -k 3 "$T/glove.emb" >"$T/queen"
	check "queen is in the top 3 of man : king :: woman : ?" \
	    awk -F '\t' '$3 == "queen" { found = 1 } END { exit !found }' "$T/queen"

	emb-knn -k 5 -a 'man king woman' -a 'paris france tokyo' -a 'good  better	bad' \
	    -a 'go went see' "$T/glove.emb" >"$T/add"
	emb-knn -k 5 --cosmul -a 'man king woman' -a 'paris france tokyo' \
	    -a 'good better bad' -a 'go went see' "$T/glove.emb" >"$T/mul"
	cat "$T/add" "$T/mul" >"$T/both"
	check "3CosAdd and 3CosMul answers equal gensim's most_similar(_cosmul)" \
	    same_answers "$F/analogy.expected" "$T/both"

	emb-knn -q frog -q king -k 10 "$T/glove.emb" >"$T/q"
	{ "$PY" "$R" query "$T/glove.emb" frog 10; "$PY" "$R" query "$T/glove.emb" king 10; } >"$T/qref"
	check "-q: the nearest words by cosine, as numpy finds them" same_answers "$T/qref" "$T/q"
	emb-knn -q king -k 3 -n 1000 -m euclidean "$T/glove.emb" >"$T/qe"
	check "-q -m euclidean -n 1000: distances ascending among the first 1000 rows" \
	    awk -F '\t' 'NR > 1 && $4 < last { exit 1 } { last = $4 } END { exit NR != 3 }' "$T/qe"

	for lim in "" 30000; do
		exp=$F/questions${lim:+-n$lim}.expected
		emb-knn --analogies "$F/questions.txt" ${lim:+-n $lim} "$T/glove.emb" >"$T/a.out"
		if same_report "$exp" "$T/a.out"; then
			ok "analogy accuracy on GloVe${lim:+ -n $lim} equals gensim's: $(tail -n 1 "$T/a.out" | tr '\t' ' ')"
		else
			notok "analogies on GloVe${lim:+ -n $lim}: $(tr '\n' '|' <"$T/a.out")"
		fi
		if [ -n "$gensim" ]; then
			"$PY" "$ROOT/tests/knn_gensim.py" "$T/glove.emb" "$F/questions.txt" $lim \
			    >"$T/g.out" 2>/dev/null
			check "analogies on GloVe${lim:+ -n $lim}: gensim live agrees" \
			    same_report "$T/g.out" "$T/a.out"
		fi
	done
	gzip -c "$F/questions.txt" >"$T/q.txt.gz"
	emb-knn --analogies "$T/q.txt.gz" -n 30000 -j 1 "$T/glove.emb" >"$T/a1.out"
	check "gzip questions, one thread: the same report" cmp -s "$T/a.out" "$T/a1.out"
	fails 1 "^emb-knn: .*glove.emb: no row labelled 'Frogs'$" "a query word that is not there" \
	    emb-knn -q Frogs "$T/glove.emb"
fi

[ -n "$gensim" ] || skip "gensim live" "no gensim for $PY: compared with committed answers only"

# bad input
printf ': s\na b c d\nfoo bar baz\n' >"$T/three.txt"
fails 1 '^emb-knn: .*three.txt: line 3: 3 words; a question is four, a b c d$' \
    "an analogy line of three words" emb-knn --analogies "$T/three.txt" "$F/edge.emb"
printf ': s\n\na b c d e\n' >"$T/five.txt"
fails 1 '^emb-knn: .*five.txt: line 3: more than 4 words' \
    "an analogy line of five words" emb-knn --analogies "$T/five.txt" "$F/edge.emb"
printf 'man woman king queen\n' >"$T/nosec.txt"
fails 1 "^emb-knn: .*nosec.txt: line 1: a question before the first ': section' line$" \
    "a question before any section" emb-knn --analogies "$T/nosec.txt" "$F/edge.emb"
# gzip questions: read through lib's input layer, strict about their end
gzip -c "$F/edge.txt" >"$T/edge.txt.gz"
emb-knn --analogies "$F/edge.txt" "$F/edge.emb" >"$T/plain.out"
emb-knn --analogies "$T/edge.txt.gz" "$F/edge.emb" >"$T/gz.out"
check "gzip questions: the report of the plain file" cmp -s "$T/plain.out" "$T/gz.out"
head -c $(($(wc -c <"$T/edge.txt.gz") - 12)) "$T/edge.txt.gz" >"$T/cut.txt.gz"
fails 1 '^emb-knn: .*cut.txt.gz: .*truncated' "gzip questions cut short: truncated" \
    emb-knn --analogies "$T/cut.txt.gz" "$F/edge.emb"
check "... and no report" test ! -s "$T/out"
printf '\037\213' >"$T/lone.gz"
fails 1 '^emb-knn: .*lone.gz: .*truncated' "a lone gzip magic: truncated" \
    emb-knn --analogies "$T/lone.gz" "$F/edge.emb"
{ cat "$T/edge.txt.gz"; echo junk; } >"$T/junk.txt.gz"
fails 1 '^emb-knn: .*junk.txt.gz: .*trailing' "bytes after the gzip member: an error" \
    emb-knn --analogies "$T/junk.txt.gz" "$F/edge.emb"
printf '\357\273\277: s\nman woman king queen\n' >"$T/bom.txt"
emb-knn --analogies "$T/bom.txt" "$F/edge.emb" >"$T/bom.out"
check "a UTF-8 byte-order mark before the first section: dropped" grep -q '^s	' "$T/bom.out"
fails 1 '^emb-knn: .*: is a directory$' "a directory for questions" \
    emb-knn --analogies "$T" "$F/edge.emb"
fails 1 '^emb-knn: .*/nonexistent.txt: No such file or directory$' "no questions file" \
    emb-knn --analogies "$T/nonexistent.txt" "$F/edge.emb"
fails 1 "^emb-knn: -a 'man king': an analogy is three words, a b c$" "a two-word analogy" \
    emb-knn -a 'man king' "$F/edge.emb"
fails 1 "^emb-knn: .*edge.emb: no row labelled 'nosuchword'$" "an analogy word that is not there" \
    emb-knn -a 'man nosuchword woman' "$F/edge.emb"
fails 1 "^emb-knn: .*edge.emb: no label field 'lemma'$" "an unknown label field" \
    emb-knn -q man -f lemma "$F/edge.emb"
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
with open('$T/nolabels.emb', 'wb') as f:
    embio.write_points(f, np.ones((5, 2), np.float32))
"
fails 1 '^emb-knn: .*nolabels.emb: no labels to look words up in$' "no labels" \
    emb-knn -q a "$T/nolabels.emb"
fails 2 '^emb-knn: -k applies to the graph stage, -q, -a and --against only$' "-k with --analogies" \
    emb-knn --analogies "$F/edge.txt" -k 3 "$F/edge.emb"
