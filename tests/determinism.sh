#!/bin/sh
# The same input, options and seed give the same output bytes whatever the
# number of threads: every program under OMP_NUM_THREADS and
# OPENBLAS_NUM_THREADS 1, 2 and 3, and those with -j under -j 1, 2 and 3.
# On the bundled examples/ data only.
. "$(dirname "$0")/lib.sh"
EX=$ROOT/examples
F=$ROOT/tests/fixtures/knn

# same NAME COMMAND: the shell COMMAND's stdout is the same bytes under each
# thread setting; COMMAND says ${J:+-j $J} where the program has -j.
same() {
	n=$1 cmd=$2 i=0 differ=
	case $cmd in
	*'$J'*) settings="1: 2: 3: :1 :2 :3" ;;
	*) settings="1: 2: 3:" ;;
	esac
	for s in $settings; do
		t=${s%:*} j=${s#*:}
		if [ -n "$t" ]; then
			OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t J= sh -c "$cmd" >"$T/out.$i" 2>"$T/err"
		else
			(unset OMP_NUM_THREADS OPENBLAS_NUM_THREADS; J=$j sh -c "$cmd") >"$T/out.$i" 2>"$T/err"
		fi
		rc=$?
		if [ $rc -ne 0 ] || [ ! -s "$T/out.$i" ]; then
			notok "$n: exit $rc with threads $s: $(head -c 200 "$T/err")"
			return
		fi
		[ $i -gt 0 ] && ! cmp -s "$T/out.0" "$T/out.$i" && differ="$differ $s"
		i=$((i + 1))
	done
	if [ -z "$differ" ]; then
		ok "$n: the same bytes for threads (OMP/OPENBLAS:-j) $settings"
	else
		notok "$n: other bytes with threads$differ than with 1:"
	fi
}

export T EX F
same "emb-extract npz with labels" \
    'emb-extract -q -l "$EX/fashion-mnist-2k.labels" "$EX/fashion-mnist-2k.npz"'
same "emb-extract gzip text, --sample" \
    'emb-extract -q --sample 500 --seed 3 "$EX/glove-100d-2k.txt.gz"'
emb-extract -q -l "$EX/fashion-mnist-2k.labels" "$EX/fashion-mnist-2k.npz" >"$T/fm.emb"
emb-extract -q "$EX/glove-100d-2k.txt.gz" >"$T/glove.emb"

same "emb-pca exact, 2000 x 784 to 50" 'emb-pca -q ${J:+-j $J} -k 50 "$T/fm.emb"'
same "emb-pca exact from a pipe, --whiten" \
    'cat "$T/fm.emb" | emb-pca -q ${J:+-j $J} -k 10 --whiten'
same "emb-pca randomized, 2000 x 784 to 20" \
    'emb-pca -q ${J:+-j $J} -k 20 -m randomized "$T/fm.emb"'
same "emb-pca --save model" \
    'emb-pca -q ${J:+-j $J} -k 5 -m randomized --save "$T/m$$.emb" "$T/glove.emb" >/dev/null && cat "$T/m$$.emb"'
emb-pca -q -k 50 "$T/fm.emb" >"$T/p50.emb"
emb-pca -q -k 2 "$T/p50.emb" >"$T/p2.emb"
emb-pca -q -k 2 --save "$T/model.emb" "$T/p50.emb" >/dev/null
same "emb-pca --apply" 'emb-pca -q ${J:+-j $J} --apply "$T/model.emb" "$T/p50.emb"'

same "emb-knn exact graph" 'emb-knn --quiet ${J:+-j $J} -k 15 --exact "$T/p50.emb"'
same "emb-knn exact cosine graph" 'emb-knn --quiet ${J:+-j $J} -k 10 -m cosine --exact "$T/glove.emb"'
same "emb-knn approximate graph (NN-descent)" \
    'emb-knn --quiet ${J:+-j $J} -k 15 --approx --seed 5 "$T/p50.emb"'
# more rows than NN-descent samples (16,384) and joins (4096) at a time
awk 'BEGIN { srand(7); print 40000, 8
    for (i = 0; i < 40000; i++) { c = i % 20; printf "r%d", i
	for (j = 0; j < 8; j++) printf " %.5f", (c * (j + 1)) % 7 + rand(); print "" } }' \
    >"$T/big.txt"
emb-extract -q "$T/big.txt" >"$T/big.emb"
same "emb-knn NN-descent over several blocks (40,000 rows)" \
    'emb-knn --quiet ${J:+-j $J} -k 15 --approx "$T/big.emb"'
same "emb-knn NN-descent over several blocks, cosine" \
    'emb-knn --quiet ${J:+-j $J} -k 10 -m cosine --approx "$T/big.emb"'
same "emb-knn -q and -a" \
    'emb-knn ${J:+-j $J} -q king -q paris -a "man king woman" -k 5 "$T/glove.emb"'
same "emb-knn --analogies" 'emb-knn ${J:+-j $J} --analogies "$F/questions.txt" "$T/glove.emb"'
same "emb-knn --against" \
    'emb-knn ${J:+-j $J} --against "$T/p50.emb" --class label "$T/p2.emb"'

same "emb-plot" 'emb-plot -T svg -c label -L 20 "$T/p2.emb"'
same "emb-info" 'emb-info "$T/p50.emb" && emb-info -t "$T/p2.emb"'
