#!/bin/sh
# The t-SNE of words.sh as it runs: its 30 snapshots, from the PCA start
# through the early exaggeration to the map, as an animated GIF.
set -eu
ex=$(dirname "$0") out=${1:-demo}
PATH=$ex/../bin:$PATH
[ -s "$out/words-tsne.emb" ] || sh "$ex/words.sh" "$out"

emb-plot -T gif --animate -s 640x480 -L 60 -c row -o "$out/words-tsne.gif" "$out/words-tsne.emb" | gnuplot
