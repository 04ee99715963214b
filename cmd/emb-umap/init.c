/*
 * The starting layout, as umap-learn's simplicial_set_embedding makes it:
 * spectral scaled to a largest |coordinate| of 10 plus Gaussian noise of
 * 1e-4, or uniform on [-10, 10], or given; then each axis mapped onto
 * [0, 10].  pca (uwot's) is the leading principal components.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "umap.h"

struct centred {
	const float *X;
	const double *mean;
	size_t n, d;
	double *t;
};

static void
apply_cov(const void *ctx, const double *v, double *y)
{
	const struct centred *c = ctx;
	size_t i, j;

#pragma omp parallel for schedule(static)
	for (i = 0; i < c->n; i++) {
		const float *x = c->X + i * c->d;
		double s = 0;

		for (j = 0; j < c->d; j++)
			s += (x[j] - c->mean[j]) * v[j];
		c->t[i] = s;
	}
#pragma omp parallel for schedule(static)
	for (j = 0; j < c->d; j++) {
		double s = 0;

		for (i = 0; i < c->n; i++)
			s += (c->X[i * c->d + j] - c->mean[j]) * c->t[i];
		y[j] = s / (double)c->n;
	}
}

void
pca_layout(const float *X, size_t n, size_t d, size_t dim, uint64_t seed, float *Y)
{
	double *mean = emb_zalloc(d, sizeof *mean), *t = emb_alloc(n, sizeof *t);
	double *V = emb_alloc(emb_mul(d, dim), sizeof *V), *vals = emb_alloc(dim, sizeof *vals);
	struct centred c = { X, mean, n, d, t };
	struct linop A = { d, apply_cov, &c };
	size_t i, j, q;

	if (d < dim)
		emb_err(NULL, "--init pca: %zu input columns, fewer than -d %zu", d, dim);
	for (i = 0; i < n; i++)
		for (j = 0; j < d; j++)
			mean[j] += X[i * d + j];
	for (j = 0; j < d; j++)
		mean[j] /= (double)n;
	if (top_eigen(&A, dim, NULL, seed, V, vals) != 0)
		emb_warn(NULL, "--init pca: the principal components did not fully converge");
#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++)
		for (q = 0; q < dim; q++) {
			double s = 0;

			for (j = 0; j < d; j++)
				s += (X[i * d + j] - mean[j]) * V[q * d + j];
			Y[i * dim + q] = (float)s;
		}
	free(mean);
	free(t);
	free(V);
	free(vals);
}

static void
random_layout(float *Y, size_t n, struct emb_rng *rng)
{
	size_t i;

	for (i = 0; i < n; i++)
		Y[i] = (float)(20 * emb_rng_uniform(rng) - 10);
}

static void
read_layout(const char *path, size_t n, size_t dim, float *Y)
{
	struct emb_reader *r = emb_open(path);
	struct emb_frame f;
	size_t bad;

	for (;;) {
		if (!emb_read(r, &f))
			emb_err(emb_reader_name(r), "no points frame");
		if (f.kind == EMB_POINTS)
			break;
		emb_frame_free(&f);
	}
	if (f.rows != n || f.cols != dim)
		emb_err(emb_reader_name(r), "%zu x %zu points, the layout needs %zu x %zu",
		    f.rows, f.cols, n, dim);
	if ((bad = knn_bad_row(f.data, n, dim)) < n)
		emb_err(emb_reader_name(r), "row %zu has a NaN, infinite or too large value",
		    bad);
	memcpy(Y, f.data, n * dim * sizeof *Y);
	emb_frame_free(&f);
	emb_close(r);
}

void
init_layout(const struct opts *o, const struct graph *g, const float *X, size_t d,
    float *Y)
{
	size_t n = g->n, dim = o->dim, i, c;
	struct emb_rng rng;
	double mx = 0;

	emb_rng_seed(&rng, o->seed);
	switch (o->init) {
	case INIT_SPECTRAL:
		if (spectral_layout(g, dim, o->seed, Y) != 0) {
			emb_warn(NULL, "the spectral initialisation did not converge: "
			    "random initialisation instead");
			random_layout(Y, n * dim, &rng);
			break;
		}
		for (i = 0; i < n * dim; i++)
			mx = fmax(mx, fabs(Y[i]));
		for (i = 0; i < n * dim; i++)
			Y[i] = (float)(Y[i] * (mx > 0 ? 10 / mx : 1)) +
			    (float)(1e-4 * emb_rng_normal(&rng));
		break;
	case INIT_PCA:
		pca_layout(X, n, d, dim, o->seed, Y);
		break;
	case INIT_RANDOM:
		random_layout(Y, n * dim, &rng);
		break;
	case INIT_FILE:
		read_layout(o->initfile, n, dim, Y);
		break;
	}
	for (c = 0; c < dim; c++) {
		float lo = INFINITY, hi = -INFINITY, range;

		for (i = 0; i < n; i++) {
			lo = fminf(lo, Y[i * dim + c]);
			hi = fmaxf(hi, Y[i * dim + c]);
		}
		range = hi > lo ? hi - lo : 1;
		for (i = 0; i < n; i++)
			Y[i * dim + c] = 10 * (Y[i * dim + c] - lo) / range;
	}
}
