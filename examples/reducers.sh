#!/bin/sh
# Swapping reducers: 2,000 Fashion-MNIST images through emb-pca, emb-tsne
# and emb-umap (both after PCA to 50), coloured by class, each titled with
# how faithful it is to the images: emb-knn --against's kNN preservation and
# 10-NN class accuracy.
set -eu
ex=$(dirname "$0") out=${1:-demo}
PATH=$ex/../bin:$PATH
mkdir -p "$out"

emb-extract -l "$ex/fashion-mnist-2k.labels" "$ex/fashion-mnist-2k.npz" >"$out/fashion.emb"
emb-pca -k 50 "$out/fashion.emb" >"$out/fashion-50.emb"
emb-pca -k 2 "$out/fashion.emb" >"$out/fashion-pca.emb"
emb-tsne "$out/fashion-50.emb" >"$out/fashion-tsne.emb"
emb-umap "$out/fashion-50.emb" >"$out/fashion-umap.emb"
for r in pca tsne umap; do
	s=$(emb-knn --against "$out/fashion.emb" -k 10 --class label "$out/fashion-$r.emb" |
	    awk '$1 == "knn_preservation" { p = $2 } $1 == "knn_accuracy" { a = $2 }
		END { printf "kNN preservation %.2f, 10-NN accuracy %.2f", p, a }')
	echo "emb-$r: $s"
	emb-plot -T png -s 600x500 -c label --title "emb-$r: $s" \
	    -o "$out/fashion-$r.png" "$out/fashion-$r.emb" | gnuplot
done
