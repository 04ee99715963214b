#!/bin/sh
# Word clusters: the 5,000 most frequent GloVe words, PCA to 50, t-SNE, the
# words that fit labelled (most frequent first), coloured by frequency rank;
# words.svg shows every word when the mouse is over its point.  The t-SNE
# run keeps 30 snapshots of its optimisation, which animation.sh draws.
set -eu
ex=$(dirname "$0") out=${1:-demo}
PATH=$ex/../bin:$PATH
mkdir -p "$out"

emb-extract "$ex/glove-100d-5k.txt.gz" | emb-pca -k 50 |
    emb-tsne --snapshots 30 >"$out/words-tsne.emb"
emb-plot -T png -s 1200x900 -L 5000 -c row -o "$out/words.png" "$out/words-tsne.emb" | gnuplot
emb-plot -T svg -s 1000x750 -L 300 -c row -o "$out/words.svg" "$out/words-tsne.emb" | gnuplot
