/*
 * place: what emb-tsne --apply and emb-umap --apply share.  A model is an
 * emb stream of two points frames with the same rows, the reference points
 * in the input space and their map, whose metadata "model" names the
 * reducer; new points are read and placed a chunk of rows at a time.
 */
#ifndef PLACE_H
#define PLACE_H

#include <stddef.h>
#include <stdint.h>

#include "emb.h"

#define PLACE_VERSION	1
#define PLACE_CHUNK	16384	/* rows placed between a read and a write */

struct place_model {
	struct emb_frame ref;	/* the reference points, n x d */
	struct emb_frame map;	/* their positions, n x dims */
	const char	*name;
};

/* Write the model to path through a temporary name, renamed when complete. */
void	place_save(const char *path, const char *reducer, struct emb_frame *ref,
	    struct emb_frame *map);
/* Read and check a model of this reducer. */
void	place_load(struct place_model *, const char *path, const char *reducer);
void	place_model_free(struct place_model *);

/*
 * The k nearest reference rows of each of m query rows, by exact squared
 * euclidean distance summed in a fixed order (so a row's neighbours do not
 * depend on the other rows), ascending, ties by index.
 */
void	place_knn(const float *R, size_t n, size_t d, const float *Q, size_t m,
	    size_t k, int32_t *idx, float *d2);

/* The hash of a row's bytes and the seed: the key of its random numbers. */
uint64_t place_key(const float *row, size_t d, uint64_t seed);

/*
 * Read every points frame of path (graph frames are dropped) a chunk at a
 * time; place(ctx, X, m, Y) fills Y (m x dims) for the m rows X; the output
 * frame keeps the input's labels and metadata, with describe(ctx, out)'s.
 */
struct place_job {
	const char	*path;
	size_t		 d, dims;
	void		(*place)(void *ctx, const float *X, size_t m, float *Y);
	void		(*describe)(void *ctx, struct emb_frame *out);
	void		*ctx;
};
void	place_stream(const struct place_job *);
size_t	place_chunk(void);	/* EMB_CHUNK in the environment, or PLACE_CHUNK */

#endif
