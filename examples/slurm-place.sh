#!/bin/sh
# Place every row of a big file into a map fitted on a sample, one shard per
# task of a Slurm job array; see PLACING NEW POINTS in emb-tsne(1).
#
#   emb-extract big.npy --sample 100000 --seed 1 >sample.emb
#   emb-pca -k 50 --save pca.emb sample.emb | emb-tsne --save tsne.emb >sample.map.emb
#   sbatch --array=0-63 examples/slurm-place.sh big.npy pca.emb tsne.emb out
#   # when every task is done, in shard order:
#   cat $(seq -f 'out/part-%g.emb' 0 63) | emb-plot --density -T png -o all.png | gnuplot
#
# REDUCER=umap for an emb-umap model.  Each task reads only its own rows
# (emb-extract --shard seeks in arrays and emb streams) and holds the two
# models plus 16,384 rows in memory; a task that fails leaves no part file.
#SBATCH --job-name=emb-place
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --output=emb-place-%A_%a.log
set -eu
[ $# -eq 4 ] || { echo "usage: sbatch --array=0-N slurm-place.sh data pca.emb model.emb outdir" >&2; exit 2; }
data=$1 pca=$2 model=$3 out=$4
i=${SLURM_ARRAY_TASK_ID:?run me with sbatch --array}
n=${SLURM_ARRAY_TASK_COUNT:?run me with sbatch --array}
reducer=${REDUCER:-tsne}
mkdir -p "$out"
emb-extract -q --shard "$i/$n" "$data" | emb-pca -q --apply "$pca" |
    "emb-$reducer" -q -j "${SLURM_CPUS_PER_TASK:-1}" --apply "$model" >"$out/part-$i.emb.tmp"
mv "$out/part-$i.emb.tmp" "$out/part-$i.emb"
