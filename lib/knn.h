/*
 * knn: k-nearest-neighbour graphs of the rows of a matrix, exact (blocked
 * sgemm) or approximate (NN-descent seeded by random-projection trees).
 * Results depend only on the input, k, the metric and the seed: not on the
 * number of threads.
 */
#ifndef KNN_H
#define KNN_H

#include <stddef.h>
#include <stdint.h>

/*
 * What a graph stores for each neighbour, ascending:
 * euclidean: the distance ||x - y||; cosine: 1 - cos(x, y), a zero row
 * being at 1 from everything; dot: -x.y, so that the largest inner
 * product comes first.
 */
enum knn_metric { KNN_EUCLIDEAN, KNN_COSINE, KNN_DOT };
enum knn_method { KNN_AUTO, KNN_EXACT, KNN_NNDESCENT };

/* Automatic choice: exact search up to this many rows, or this much work (n * n * d). */
#define KNN_EXACT_ROWS	4096
#define KNN_EXACT_WORK	2e10

struct knn_opts {
	enum knn_method	method;
	uint64_t	seed;
	int		threads;	/* 0: OpenMP's default */
	int		progress;	/* emb_progress() meters */
	/* NN-descent; 0 (or delta < 0) takes the default of knn_resolve() */
	size_t		search;		/* neighbours kept per row while searching, >= k */
	size_t		trees;		/* random-projection trees */
	size_t		leaf_size;	/* most rows in a tree leaf */
	size_t		iters;		/* most NN-descent rounds */
	size_t		candidates;	/* most new (and old) candidates a row joins per round */
	double		delta;		/* stop when a round changes fewer than delta * n * k entries */
};

void	knn_opts_init(struct knn_opts *);
/* The options with every default filled in, and the method chosen for n x d. */
void	knn_resolve(struct knn_opts *out, const struct knn_opts *in, size_t n,
	    size_t d, size_t k);

int	knn_metric_parse(const char *name, enum knn_metric *);	/* 0, or -1: unknown */
const char *knn_metric_name(enum knn_metric);
const char *knn_distance_name(enum knn_metric);	/* what the distances are */
const char *knn_method_name(enum knn_method);

/* The first row holding a NaN, an infinity or a value too large to square; n if none. */
size_t	knn_bad_row(const float *X, size_t n, size_t d);

/* A copy of X with unit-length rows (zero rows stay zero), for cosine. */
float	*knn_unit_rows(const float *X, size_t n, size_t d);

/*
 * The k nearest other rows of every row of X (n x d, row-major), 1 <= k < n:
 * idx and dist are n x k, each row ascending by distance, ties by index.
 * Returns the method used.  The rows of X are moved during the search and
 * are back in place, the same bits, on return: X need not be copied.
 */
enum knn_method knn_graph_build(float *X, size_t n, size_t d, size_t k,
	    enum knn_metric, const struct knn_opts *, int32_t *idx, float *dist);

/*
 * Exact search for some rows only: the k nearest other rows of X[rows[q]]
 * among all n rows, into idx and dist (m x k).
 */
void	knn_search_rows(const float *X, size_t n, size_t d, const size_t *rows,
	    size_t m, size_t k, enum knn_metric, int threads, int32_t *idx,
	    float *dist);

#endif
