/* The starting map: principal components, random, or a file's points. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "tsne.h"

/* Covariance work above this (rows x cols x cols) uses evenly spaced rows only. */
#define PCA_WORK	2e9

/*
 * The first dims principal components, scaled so that the first has
 * standard deviation 1e-4 (openTSNE's choice: small enough that early
 * exaggeration starts from an untangled map).  The covariance is summed in
 * double in a fixed order, so no thread count changes it.
 */
void
init_pca(float *Y, const float *X, size_t n, size_t d, size_t dims)
{
	double *mean = emb_zalloc(d, sizeof *mean), *C = emb_zalloc(d * d, sizeof *C);
	double *ev = emb_alloc(d, sizeof *ev), sd = 0, m0 = 0;
	size_t step = 1, used, i, j, c;

	if ((double)n * d * d > PCA_WORK)
		step = (size_t)ceil((double)n * d * d / PCA_WORK);
	used = (n + step - 1) / step;
	for (i = 0; i < n; i += step)
		for (j = 0; j < d; j++)
			mean[j] += X[i * d + j];
	for (j = 0; j < d; j++)
		mean[j] /= (double)used;
#pragma omp parallel for schedule(dynamic, 1)
	for (j = 0; j < d; j++) {
		size_t r, l;
		for (r = 0; r < n; r += step) {
			const float *x = &X[r * d];
			double a = x[j] - mean[j];
			for (l = j; l < d; l++)
				C[j * d + l] += a * (x[l] - mean[l]);
		}
	}
	for (j = 0; j < d; j++)
		for (c = j + 1; c < d; c++)
			C[c * d + j] = C[j * d + c];
	if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)d, C,
	    (lapack_int)d, ev) != 0)
		emb_err(NULL, "the principal components did not converge; "
		    "try --init random");

	/* columns of C ascending: take the last dims, largest entry positive */
	for (c = 0; c < dims && c < d; c++) {
		size_t col = d - 1 - c, big = 0;
		for (j = 0; j < d; j++)
			if (fabs(C[j * d + col]) > fabs(C[big * d + col]))
				big = j;
		if (C[big * d + col] < 0)
			for (j = 0; j < d; j++)
				C[j * d + col] = -C[j * d + col];
	}
	double *proj = emb_alloc(emb_mul(n, dims), sizeof *proj);
#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++)
		for (c = 0; c < dims; c++) {
			double s = 0;
			if (c < d)	/* a 1-column input's second column stays 0 */
				for (j = 0; j < d; j++)
					s += (X[i * d + j] - mean[j]) * C[j * d + d - 1 - c];
			proj[i * dims + c] = s;
		}
	for (i = 0; i < n; i++)
		m0 += proj[i * dims];
	m0 /= (double)n;
	for (i = 0; i < n; i++)
		sd += (proj[i * dims] - m0) * (proj[i * dims] - m0);
	sd = sqrt(sd / (double)n);
	if (!(sd > 0))
		sd = 1;
	for (i = 0; i < n * dims; i++)
		Y[i] = (float)(proj[i] / sd * 1e-4);
	free(proj);
	free(mean);
	free(C);
	free(ev);
}

void
init_random(float *Y, size_t n, size_t dims, uint64_t seed)
{
	struct emb_rng r;
	size_t i;

	emb_rng_seed(&r, seed);
	for (i = 0; i < n * dims; i++)
		Y[i] = (float)(emb_rng_normal(&r) * 1e-4);
}

/* --init FILE: its first points frame, n x dims, all finite. */
float *
init_read(const char *path, size_t n, size_t dims)
{
	struct emb_reader *r = emb_open(path);
	struct emb_frame f;
	float *Y;
	size_t i;

	for (;;) {
		if (!emb_read(r, &f))
			emb_err(path, "has no points frame for --init");
		if (f.kind == EMB_POINTS)
			break;
		emb_frame_free(&f);
	}
	if (f.rows != n || f.cols != dims)
		emb_err(path, "--init has %zu x %zu points, the input needs %zu x %zu",
		    f.rows, f.cols, n, dims);
	for (i = 0; i < n * dims; i++)
		if (!isfinite(f.data[i]))
			emb_err(path, "--init row %zu is not finite", i / dims + 1);
	Y = f.data;
	f.data = NULL;
	emb_frame_free(&f);
	emb_close(r);
	return Y;
}
