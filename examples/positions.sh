#!/bin/sh
# Positional embeddings: the sinusoidal encodings of "Attention is all you
# need", 512 positions x 128 dimensions, made by awk; their PCA as a path
# coloured by position, their cosine similarity, their values, and what
# emb-info --check --positions finds in them.
set -eu
ex=$(dirname "$0") out=${1:-demo}
PATH=$ex/../bin:$PATH
mkdir -p "$out"

awk 'BEGIN {
	for (p = 0; p < 512; p++) {
		for (i = 0; i < 64; i++) {
			a = p / exp(log(10000) * 2 * i / 128)
			printf "%s%.6g\t%.6g", i ? "\t" : "", sin(a), cos(a)
		}
		printf "\n"
	}
}' | emb-extract -f tsv >"$out/positions.emb"

emb-info --check --positions "$out/positions.emb" | sed -n '/^positions:/,$p'
emb-pca -k 2 "$out/positions.emb" |
    emb-plot -T png -s 600x500 -c row --path --title "sinusoidal positions 512 x 128, PCA" \
    -o "$out/positions.png" | gnuplot
emb-plot --similarity -T png -s 600x500 --title "cosine similarity of positions i and j" -o "$out/positions-similarity.png" "$out/positions.emb" | gnuplot
emb-plot --matrix -T png -s 600x500 --title "the encodings: position down, dimension across" -o "$out/positions-values.png" "$out/positions.emb" | gnuplot
