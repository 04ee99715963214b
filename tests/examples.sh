#!/bin/sh
# The EXAMPLES of every man page, taken from man/*.1 as they are written and
# run on the bundled data (examples/, tests/fixtures/), the data sets they
# name replaced by these small ones.  Each must exit 0 with nothing on
# stderr, and every file it writes must be a file of its kind; output shown
# in the page must appear in the output.  Examples that cannot run here are
# listed with why (a SKIP line each).
. "$(dirname "$0")/lib.sh"
EX=$ROOT/examples
FX=$ROOT/tests/fixtures

# The data sets the pages name, and what stands for each here.
cat >"$T/names.sed" <<EOF
s|glove\.6B\.100d\.txt\.gz|$EX/glove-100d-2k.txt.gz|g
s|glove-100d-50k\.txt\.gz|$EX/glove-100d-2k.txt.gz|g
s|glove\.txt\.gz|$EX/glove-100d-2k.txt.gz|g
s|fashion-mnist\.labels|$EX/fashion-mnist-2k.labels|g
s|\([ (]\)\(fashion-\)\{0,1\}mnist\.npy|\1$EX/fashion-mnist-2k.npz|g
s|model\.embed_tokens\.weight|embeddings.weight|g
s|-t embed_tokens\.weight|-t embeddings.weight|g
s|images\.npy|$EX/fashion-mnist-2k.npz|g
s|labels\.txt|$EX/fashion-mnist-2k.labels|g
s|vectors\.txt|$EX/glove-100d-2k.txt.gz|g
s|--supervise class|--supervise label|g
s|emb-pca -k 50 < fashion\.emb|emb-pca -k 50 < x.emb|g
s|model\.safetensors|$FX/extract/single.safetensors|g
s|metadata\.tsv tensors\.tsv|$FX/extract/metadata.tsv $FX/extract/tensors.tsv|g
s|questions-words\.txt|$FX/knn/questions.txt|g
s|positions\.npy|$FX/extract/np_f4_le.npy|g
s|pytorch_model\.bin|$FX/ckpt/state.pt|g
s|bert\.embeddings\.word_embeddings\.weight|tok.weight|g
s|vocab\.txt|$FX/ckpt/vocab.txt|g
s|tokenizer\.json|$FX/ckpt/tokenizer.json|g
s|gpt2\.gguf|$FX/ckpt/gguf-f32.gguf|g
s|tinyllama\.Q4_K_M\.gguf|$FX/ckpt/gguf-q4_K.gguf|g
s|-q frog|-q water|g
s|princess|she|g
s|prince|he|g
s|uncle aunt|husband wife|g
EOF

# Files the examples read without making them, made from the bundled data.
D=$T/data
mkdir "$D"
emb-extract -q "$EX/glove-100d-2k.txt.gz" >"$D/glove.emb"
cp "$D/glove.emb" "$D/words.emb"
cp "$D/glove.emb" "$D/vectors.emb"
emb-extract -q "$FX/extract/np_f4_le.npy" >"$D/positions.emb"
emb-extract -q -n 500 "$EX/glove-100d-2k.txt.gz" >"$D/sample.emb"
emb-extract -q --rows 500:1000 "$EX/glove-100d-2k.txt.gz" >"$D/shard-1.emb"
emb-extract -q --rows 1000:1500 "$EX/glove-100d-2k.txt.gz" >"$D/shard-2.emb"
emb-extract -q -l "$EX/fashion-mnist-2k.labels" "$EX/fashion-mnist-2k.npz" |
    emb-pca -q -k 3 >"$D/fashion.emb"
gzip -c "$D/fashion.emb" >"$D/run.emb.gz"
# 1000 labelled images of 784 pixels, for the reducers' examples
emb-extract -q -n 1000 -l "$EX/fashion-mnist-2k.labels" "$EX/fashion-mnist-2k.npz" >"$D/x.emb"
cp "$D/x.emb" "$D/big.emb"
for s in 1 2 3; do
	emb-pca -q -k 2 -m randomized --power-iterations 0 --seed $s "$D/fashion.emb"
done >"$D/snapshots.emb"

# kind FILE: FILE is non-empty and of the kind its name says.
kind() {
	[ -s "$1" ] || return 1
	case $1 in
	*.png) [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '211PNG' ] ;;
	*.gif) head -c 4 "$1" | grep -q '^GIF8' ;;
	*.pdf) head -c 5 "$1" | grep -q '^%PDF-' ;;
	*.svg) xmllint --noout "$1" 2>/dev/null || grep -q '<svg' "$1" ;;
	*.html) grep -q '<canvas' "$1" ;;
	*.emb) emb-info "$1" >/dev/null 2>&1 ;;
	*.gp) grep -q '^set terminal ' "$1" ;;
	*) true ;;
	esac
}

# run_example PAGE N FILE: the commands of example N of PAGE, in FILE.
run_example() {
	page=$1 n=$2 f=$3 name="$1 example $2"
	# the first command, for the messages (dash's echo would act on a backslash)
	what=$(head -n 1 "$f" | cut -c 1-70 | tr -d '\\')
	for p in $(grep -o 'emb-[a-z]*' "$f" | sort -u); do
		if [ ! -x "$BIN/$p" ]; then
			skip "$name" "$p is not built yet: $what"
			return
		fi
	done
	if grep -q 'GoogleNews' "$f"; then
		skip "$name" "needs the 3.6 GB GoogleNews word2vec file; its words are not all in the bundled vectors"
		return
	fi
	if grep -q 'gnuplot' "$f" && ! command -v gnuplot >/dev/null; then
		skip_required "$name" "no gnuplot"
		return
	fi
	sed -f "$T/names.sed" "$f" >"$T/cmd"
	(cd "$W" && sh -e "$T/cmd") >"$T/out" 2>"$T/err.all"
	rc=$?
	# gnuplot's own word on an animation is not an error
	# nor is the recall that emb-knn --recall is asked to print
	grep -Ev '^[0-9]+ frames in animation sequence$|^emb-knn: recall [0-9.]+ at k = [0-9]+ on [0-9]+ rows$' \
	    "$T/err.all" >"$T/err"
	if [ $rc -ne 0 ] || [ -s "$T/err" ]; then
		notok "$name: exit $rc: $(head -c 300 "$T/err" | tr '\n' '|') ($what)"
		return
	fi
	bad=
	# what it writes: -o FILE when the script goes to gnuplot, > FILE
	for o in $(sed -n '/| gnuplot/s/.*-o \([^ $]*\).*/\1/p' "$T/cmd"; \
	    sed -n "s/.* >\{1\} *\([^ \$&|;'\"]*\).*/\1/p" "$T/cmd"); do
		[ "$o" = /dev/null ] && continue
		kind "$W/$o" || bad="$bad $o"
	done
	if [ -n "$bad" ]; then
		notok "$name: no good$bad ($what)"
		return
	fi
	if [ -s "$f.shown" ] && ! grep -qxF "$(head -n 1 "$f.shown")" "$T/out"; then
		notok "$name: the output shown, '$(head -n 1 "$f.shown")', is not in: $(head -c 300 "$T/out" | tr '\n' '|')"
		return
	fi
	ok "$name: $what${shown:+, output as shown}"
}

for m in "$ROOT"/man/*.1; do
	page=$(basename "$m" .1)
	W=$T/run-$page
	mkdir "$W"
	cp "$D"/* "$W"/
	# each .Bd -literal block of EXAMPLES; in a block of "$ " prompts the other
	# lines, unless continuing a command (after | or \), are its output
	rm -f "$T"/ex-*
	awk -v dir="$T" '
	/^\.Sh EXAMPLES/ { in_ex = 1; next }
	/^\.Sh / { in_ex = 0 }
	!in_ex { next }
	/^\.Bd -literal/ { n++; block = 1; prompts = 0; cont = 0; lines = 0; next }
	/^\.Ed/ { block = 0; next }
	!block { next }
	{
		gsub(/\\e/, "\\")
		line = $0
		if (lines == 0 && line ~ /^\$ /) prompts = 1
		lines++
		if (prompts && !cont && line !~ /^\$ /) {
			print line > (dir "/ex-" n ".shown")
			next
		}
		sub(/^\$ /, "", line)
		cont = line ~ /[|\\]$/
		sub(/^ +/, "", line)
		# one command a line: continuations joined
		cmd = cmd (cmd == "" ? "" : " ") (cont ? substr(line, 1, length(line) - (line ~ /\\$/)) : line)
		if (cont)
			next
		print cmd > (dir "/ex-" n (cmd ~ /-T qt/ ? ".window" : ""))
		cmd = ""
	}' "$m"
	for f in "$T"/ex-*; do
		case $f in *.shown | *.window) continue ;; esac
		n=${f##*/ex-}
		shown=
		[ -s "$f.shown" ] && shown=1
		run_example "$page" "$n" "$f"
		if [ -s "$f.window" ]; then
			skip "$page example $n: $(cut -c 1-40 "$f.window")" \
			    "-T qt draws in a window: no display here"
		fi
	done
done
