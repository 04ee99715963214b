/* emb-umap: what its files share. */
#ifndef UMAP_H
#define UMAP_H

#include <stddef.h>
#include <stdint.h>

#include "emb.h"
#include "knn.h"

enum init_kind { INIT_SPECTRAL, INIT_PCA, INIT_RANDOM, INIT_FILE };

struct opts {
	size_t		 k;		/* n_neighbors, the row itself included */
	size_t		 dim;
	enum knn_metric	 metric;
	int		 metric_set;
	double		 min_dist, spread, a, b;
	int		 a_set, b_set;
	double		 mix;		/* set_op_mix_ratio */
	double		 gamma, alpha;
	unsigned	 neg;
	size_t		 epochs;	/* 0: 500 up to 10,000 rows, else 200 */
	uint64_t	 seed;
	int		 threads;
	enum init_kind	 init;
	const char	*initfile;
	const char	*supervise;
	const char	*graphout;
	size_t		 snapshots;
	const char	*input;
	const char	*save;		/* --save: the model, written here */
	const char	*apply;		/* --apply: place the input into this model */
};

/*
 * A sparse symmetric weighted graph, rows in CSR order with columns
 * ascending: row i holds the edges whose head is i.
 */
struct graph {
	size_t		 n;
	size_t		*start;		/* n + 1 */
	int32_t		*col;
	float		*w;
};

void	graph_free(struct graph *);
size_t	graph_find(const struct graph *, size_t i, int32_t j);	/* edge index or SIZE_MAX */

/* fuzzy.c */
void	smooth_knn(const float *dist, size_t n, size_t kk, double k, float *sigma,
	    float *rho);
void	fuzzy_set(struct graph *, int32_t *idx, float *dist, size_t n,
	    size_t kk, double k, double mix);
void	fuzzy_union(struct graph *, double mix);
void	prune_edges(struct graph *, size_t epochs);
void	write_graph_tsv(const char *path, const struct graph *);

/* curve.c */
void	fit_ab(double spread, double min_dist, double *a, double *b);

/* spectral.c */
struct linop {
	size_t	 n;
	void	(*apply)(const void *ctx, const double *x, double *y);
	const void *ctx;
};
int	top_eigen(const struct linop *, size_t nev, const double *deflate,
	    uint64_t seed, double *vecs, double *vals);
int	spectral_layout(const struct graph *, size_t dim, uint64_t seed, float *Y);

/* init.c */
void	init_layout(const struct opts *, const struct graph *, const float *X,
	    size_t d, float *Y);
void	pca_layout(const float *X, size_t n, size_t d, size_t dim, uint64_t seed,
	    float *Y);

/* layout.c */
typedef void (*snapshot_fn)(const float *Y, size_t epoch, void *ctx);
void	optimize_layout(const struct opts *, struct graph *, double a,
	    double b, size_t epochs, float *Y, snapshot_fn, void *ctx);
uint64_t mix64(uint64_t);

/* place.c: --save and --apply */
void	umap_save_keep(const struct opts *, const float *X, size_t n, size_t d);
void	umap_save_model(const struct opts *, const float *Y, size_t n, double a,
	    double b, const char *metric);
void	umap_apply(const struct opts *);

/* supervise.c */
void	supervise(struct graph *, const struct emb_frame *, const char *field,
	    const char *name);

double	now_seconds(void);

#endif
