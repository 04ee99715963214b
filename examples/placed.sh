#!/bin/sh
# A placed map: t-SNE fitted on 1,500 of the Fashion-MNIST images (after
# PCA to 50), the other 500 placed into it by emb-tsne --apply, each on its
# own, without moving the map.  Left by class; right, which were placed.
set -eu
ex=$(dirname "$0") out=${1:-demo}
PATH=$ex/../bin:$PATH
mkdir -p "$out"

emb-extract -l "$ex/fashion-mnist-2k.labels" "$ex/fashion-mnist-2k.npz" | emb-pca -k 50 >"$out/placed-50.emb"
emb-extract --rows 0:1500 "$out/placed-50.emb" | emb-tsne --save "$out/placed-model.emb" >"$out/placed-fit.emb"
emb-extract --rows 1500:2000 "$out/placed-50.emb" | emb-tsne --apply "$out/placed-model.emb" >"$out/placed-new.emb"

# one frame of both, labelled by class and by part, to colour either way
{ printf 'class\tpart\n'
  emb-info -l "$out/placed-fit.emb" | sed 's/$/\tfitted/'
  emb-info -l "$out/placed-new.emb" | sed 's/$/\tplaced by --apply/'; } >"$out/placed.tsv"
{ emb-info -t "$out/placed-fit.emb"; emb-info -t "$out/placed-new.emb"; } |
    emb-extract -f tsv -l "$out/placed.tsv" >"$out/placed.emb"
s=$(emb-extract --rows 1500:2000 "$out/placed-50.emb" >"$out/placed-new-50.emb" &&
    emb-knn --against "$out/placed-new-50.emb" -k 10 --class label "$out/placed-new.emb" |
    awk '$1 == "knn_preservation" { p = $2 } $1 == "knn_accuracy" { a = $2 }
	END { printf "kNN preservation %.2f, 10-NN accuracy %.2f", p, a }')
echo "the 500 placed points: $s"
emb-plot -T png -s 600x500 -c class --title "t-SNE of 1,500 images, 500 more placed" \
    -o "$out/placed.png" "$out/placed.emb" | gnuplot
emb-plot -T png -s 600x500 -c part --title "the 500 placed, among themselves: $s" \
    -o "$out/placed-part.png" "$out/placed.emb" | gnuplot
