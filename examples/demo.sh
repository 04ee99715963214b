#!/bin/sh
# make demo: real pipelines on the bundled example data; pictures go to demo/.
set -eu
cd "$(dirname "$0")/.."
PATH=${BIN:-$(pwd)/bin}:$PATH
ex=examples
PY=${PY:-/usr/bin/python3}	# Debian's, with numpy
mkdir -p demo

echo "== the 2,000 GloVe words, as a stream:"
emb-extract $ex/glove-100d-2k.txt.gz | emb-info

echo "== nearest words and the analogy man : king :: woman : ?"
emb-extract $ex/glove-100d-2k.txt.gz | emb-knn -q king -q paris -k 5
emb-extract $ex/glove-100d-2k.txt.gz | emb-knn -a 'man king woman' -k 3

echo "== GloVe words, PCA to 2-D, the 80 most frequent labelled: demo/glove-pca.png"
emb-extract $ex/glove-100d-2k.txt.gz -n 1000 | emb-pca -k 2 |
    emb-plot -T png -L 80 -o demo/glove-pca.png | gnuplot

echo "== the analogy picture: the gender direction in 14 words, demo/glove-analogy.png"
emb-extract $ex/glove-100d-2k.txt.gz \
	--words man,woman,king,queen,boy,girl,father,mother,brother,sister,son,daughter,he,she |
    emb-pca -k 2 |
    emb-plot -T png -L all -o demo/glove-analogy.png \
	--arrows 'man>woman,king>queen,boy>girl,father>mother,brother>sister,son>daughter,he>she' |
    gnuplot

echo "== the 2,000 words with hover labels: demo/glove-pca.svg"
emb-extract $ex/glove-100d-2k.txt.gz | emb-pca -k 2 |
    emb-plot -T svg --highlight '^(man|woman|king|queen)$' -o demo/glove-pca.svg | gnuplot

echo "== 2,000 Fashion-MNIST images, PCA to 2-D, coloured by class: demo/fashion-pca.png"
emb-extract $ex/fashion-mnist-2k.npz -l $ex/fashion-mnist-2k.labels >demo/fashion.emb
emb-pca -k 2 demo/fashion.emb | emb-plot -T png -c label -o demo/fashion-pca.png | gnuplot

echo "== how faithful is that map (k = 10):"
emb-pca -k 2 demo/fashion.emb | emb-knn --against demo/fashion.emb -k 10 --class label

echo "== the same images in 3-D: demo/fashion-pca-3d.png"
emb-pca -k 3 demo/fashion.emb | emb-plot -T png -c label --view 60,30 -o demo/fashion-pca-3d.png | gnuplot

echo "== is it trained? the GloVe words, and a random matrix of the same shape:"
emb-extract $ex/glove-100d-2k.txt.gz | emb-info --check
"$PY" -c '
import sys, numpy as np
np.save(sys.argv[1], np.random.default_rng(1).normal(size=(2000, 100)).astype(np.float32))' demo/random.npy
emb-extract demo/random.npy | emb-info --check | tail -n 1

echo "== sinusoidal positional encodings, 512 x 128: demo/pos-similarity.png, demo/pos-values.png"
"$PY" -c '
import sys, numpy as np
pos, i = np.arange(512)[:, None], np.arange(0, 128, 2)
pe = np.zeros((512, 128), np.float32)
pe[:, 0::2], pe[:, 1::2] = np.sin(pos / 10000 ** (i / 128)), np.cos(pos / 10000 ** (i / 128))
np.save(sys.argv[1], pe)' demo/sinusoidal.npy
emb-extract demo/sinusoidal.npy | emb-info --check --positions | sed -n '/^positions:/,$p'
emb-extract demo/sinusoidal.npy | emb-plot --similarity -T png -s 560x480 -o demo/pos-similarity.png | gnuplot
emb-extract demo/sinusoidal.npy | emb-plot --matrix -T png -s 560x420 -o demo/pos-values.png | gnuplot
rm -f demo/random.npy demo/sinusoidal.npy

echo "== in the terminal:"
emb-pca -k 2 demo/fashion.emb | emb-plot -T dumb -s 79x24 -c label | gnuplot
rm -f demo/fashion.emb
ls -l demo
