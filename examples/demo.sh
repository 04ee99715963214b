#!/bin/sh
# make demo: the gallery, every picture a pipeline in a script of its own
# (words.sh, untrained.sh, analogy.sh, positions.sh, reducers.sh,
# placed.sh, animation.sh), run on the data bundled here.
#
#	sh examples/demo.sh [dir]	(default demo/; examples/pictures is the committed gallery)
set -eu
ex=$(dirname "$0") out=${1:-demo}
PATH=$ex/../bin:$PATH
mkdir -p "$out"
start=$(date +%s)

echo "== 1. word clusters: 5,000 GloVe words, PCA to 50, t-SNE ($out/words.png, words.svg)"
sh "$ex/words.sh" "$out"
echo "== 2. man : king :: woman : ?, and the analogy picture ($out/analogy.png)"
sh "$ex/analogy.sh" "$out"
echo "== 3. sinusoidal positions: emb-info --check --positions ($out/positions*.png)"
sh "$ex/positions.sh" "$out"
echo "== 4. trained or not: emb-info --check ($out/words-small.png, untrained-small.png)"
sh "$ex/untrained.sh" "$out"
echo "== 5. three reducers on 2,000 images, scored by emb-knn --against ($out/fashion-*.png)"
sh "$ex/reducers.sh" "$out"
echo "== 6. the t-SNE of 1 as it runs ($out/words-tsne.gif)"
sh "$ex/animation.sh" "$out" 2>/dev/null	# gnuplot counts the frames on stderr
echo "== 7. a placed map: emb-tsne --save, then --apply ($out/placed*.png)"
sh "$ex/placed.sh" "$out"

# the pairs and the three side by side, when ImageMagick is here
if command -v convert >/dev/null; then
	convert "$out/words-small.png" "$out/untrained-small.png" +append "$out/trained-untrained.png"
	convert "$out/positions.png" "$out/positions-similarity.png" "$out/positions-values.png" \
	    +append "$out/positions-all.png"
	convert "$out/fashion-pca.png" "$out/fashion-tsne.png" "$out/fashion-umap.png" \
	    +append "$out/reducers.png"
	convert "$out/placed.png" "$out/placed-part.png" +append "$out/placed-both.png"
fi
rm -f "$out"/*.emb "$out"/*.tsv
echo "== the pictures, made in $(($(date +%s) - start)) s, are in $out/:"
ls "$out"
