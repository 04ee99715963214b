#!/bin/sh
# The analogy picture: pairs of words that differ by gender, PCA to 2-D of
# just these words, an arrow from each to its pair; parallel arrows are the
# "man is to king as woman is to queen" of word vectors.  And the analogy
# solved over all 5,000 words.
set -eu
ex=$(dirname "$0") out=${1:-demo}
PATH=$ex/../bin:$PATH
mkdir -p "$out"

emb-extract "$ex/glove-100d-5k.txt.gz" | emb-knn -a 'man king woman' -k 5
emb-extract "$ex/glove-100d-5k.txt.gz" \
	--words man,woman,king,queen,boy,girl,father,mother,brother,sister,son,daughter,husband,wife,prince,princess,actor,actress,he,she |
    emb-pca -k 2 |
    emb-plot -T png -s 800x600 -L all --title "PCA of 20 GloVe words: man to woman, king to queen, ..." \
	--arrows 'man>woman,king>queen,boy>girl,father>mother,brother>sister,son>daughter,husband>wife,prince>princess,actor>actress,he>she' \
	-o "$out/analogy.png" | gnuplot
