#!/bin/sh
# An untrained embedding: the same 5,000 words with random normal vectors
# (Park-Miller generator and Box-Muller in awk, seed 1, so the same numbers
# everywhere), through the same pipeline as words.sh, beside the trained one
# at the same size; emb-info --check gives its verdict on both.
set -eu
ex=$(dirname "$0") out=${1:-demo}
PATH=$ex/../bin:$PATH
mkdir -p "$out"

gzip -dc "$ex/glove-100d-5k.txt.gz" | awk -v seed=1 '
function u() { seed = (16807 * seed) % 2147483647; return seed / 2147483647 }
function normal() { return sqrt(-2 * log(u())) * cos(6.283185307179586 * u()) }
{ printf "%s", $1; for (i = 2; i <= NF; i++) printf " %.4g", 0.4 * normal(); printf "\n" }' |
    emb-extract -f glove >"$out/untrained.emb"

[ -s "$out/words-tsne.emb" ] || sh "$ex/words.sh" "$out"
echo "trained (GloVe):"
emb-extract "$ex/glove-100d-5k.txt.gz" | emb-info --check | tee "$out/words-check.txt"
echo "untrained (random normal, the same words):"
emb-info --check "$out/untrained.emb" | tee "$out/untrained-check.txt"

emb-pca -k 50 "$out/untrained.emb" | emb-tsne >"$out/untrained-tsne.emb"
for m in words untrained; do
	case $m in words) what="GloVe (trained)" ;; *) what="random normal (untrained)" ;; esac
	v=$(sed -n 's/^verdict: \([a-z]*\).*/\1/p' "$out/$m-check.txt")
	emb-plot -T png -s 600x500 -L 5000 -c row --title "t-SNE of 5,000 words, $what: emb-info --check says $v" \
	    -o "$out/$m-small.png" "$out/$m-tsne.emb" | gnuplot
done
rm -f "$out/words-check.txt" "$out/untrained-check.txt"
