/*
 * The attractive forces over the sparse P, and the KL divergence.  Each
 * row is summed by one thread in column order: the same bits for any
 * number of threads.
 */
#include <math.h>
#include <stdlib.h>

#include "tsne.h"

static inline void
attract_rows(const struct csr *P, const float *restrict Y, size_t dims,
    float inv_dof, float *restrict F, size_t lo, size_t hi)
{
	const int32_t *restrict col = P->col;
	const float *restrict val = P->val;
	size_t i, e, c;

	for (i = lo; i < hi; i++) {
		float acc[3] = { 0, 0, 0 };
		const float *yi = &Y[i * dims];

		for (e = P->ptr[i]; e < P->ptr[i + 1]; e++) {
			const float *yj = &Y[(size_t)col[e] * dims];
			float diff[3], d2 = 0, q;

			for (c = 0; c < dims; c++) {
				diff[c] = yi[c] - yj[c];
				d2 += diff[c] * diff[c];
			}
			q = val[e] / (1.0f + d2 * inv_dof);
			for (c = 0; c < dims; c++)
				acc[c] += q * diff[c];
		}
		for (c = 0; c < dims; c++)
			F[i * dims + c] = acc[c];
	}
}

void
attraction(const struct csr *P, const float *Y, size_t dims, double dof, float *F)
{
	size_t n = P->n, chunk = 1024, b;
	float inv = (float)(1.0 / dof);

#pragma omp parallel for schedule(dynamic, 1)
	for (b = 0; b < (n + chunk - 1) / chunk; b++) {
		size_t lo = b * chunk, hi = lo + chunk < n ? lo + chunk : n;
		/* constant dims let the compiler unroll the inner loops */
		if (dims == 2)
			attract_rows(P, Y, 2, inv, F, lo, hi);
		else
			attract_rows(P, Y, 3, inv, F, lo, hi);
	}
}

double
kl_divergence(const struct csr *P, const float *Y, size_t dims, double dof, double Z)
{
	size_t n = P->n, i;
	double *row = emb_alloc(n ? n : 1, sizeof *row), *psum, kl = 0, total = 0;

	psum = emb_alloc(n ? n : 1, sizeof *psum);
#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++) {
		double s = 0, t = 0;
		size_t e, c;

		for (e = P->ptr[i]; e < P->ptr[i + 1]; e++) {
			double p = P->val[e], d2 = 0, x;

			if (!(p > 0))
				continue;
			for (c = 0; c < dims; c++) {
				x = (double)Y[i * dims + c] - Y[(size_t)P->col[e] * dims + c];
				d2 += x * x;
			}
			s += p * (log(p) + dof * log1p(d2 / dof));
			t += p;
		}
		row[i] = s;
		psum[i] = t;
	}
	for (i = 0; i < n; i++) {
		kl += row[i];
		total += psum[i];
	}
	free(row);
	free(psum);
	return kl + total * log(Z);
}
