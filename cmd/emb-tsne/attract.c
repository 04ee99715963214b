/*
 * The attractive forces over the sparse P, and the KL divergence.  Each
 * row is summed by one thread in column order: the same bits for any
 * number of threads.
 */
#include <math.h>
#include <stdlib.h>

#include "tsne.h"

/*
 * One row's sum over its columns, in vector lanes: the order of the
 * additions is fixed by the code, not by the threads.
 */
__attribute__((target_clones("avx2", "default")))
static void
attract2(const struct csr *P, const float *restrict Y, float inv_dof,
    float *restrict F, size_t lo, size_t hi)
{
	const int32_t *restrict col = P->col;
	const float *restrict val = P->val;
	size_t i, e;

	for (i = lo; i < hi; i++) {
		float x = Y[2 * i], y = Y[2 * i + 1], ax = 0, ay = 0;

#pragma omp simd reduction(+:ax, ay)
		for (e = P->ptr[i]; e < P->ptr[i + 1]; e++) {
			float dx = x - Y[2 * (size_t)col[e]];
			float dy = y - Y[2 * (size_t)col[e] + 1];
			float q = val[e] / (1.0f + (dx * dx + dy * dy) * inv_dof);
			ax += q * dx;
			ay += q * dy;
		}
		F[2 * i] = ax;
		F[2 * i + 1] = ay;
	}
}

__attribute__((target_clones("avx2", "default")))
static void
attract3(const struct csr *P, const float *restrict Y, float inv_dof,
    float *restrict F, size_t lo, size_t hi)
{
	const int32_t *restrict col = P->col;
	const float *restrict val = P->val;
	size_t i, e;

	for (i = lo; i < hi; i++) {
		float x = Y[3 * i], y = Y[3 * i + 1], z = Y[3 * i + 2];
		float ax = 0, ay = 0, az = 0;

#pragma omp simd reduction(+:ax, ay, az)
		for (e = P->ptr[i]; e < P->ptr[i + 1]; e++) {
			const float *o = &Y[3 * (size_t)col[e]];
			float dx = x - o[0], dy = y - o[1], dz = z - o[2];
			float q = val[e] / (1.0f + (dx * dx + dy * dy + dz * dz) * inv_dof);
			ax += q * dx;
			ay += q * dy;
			az += q * dz;
		}
		F[3 * i] = ax;
		F[3 * i + 1] = ay;
		F[3 * i + 2] = az;
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
		if (dims == 2)
			attract2(P, Y, inv, F, lo, hi);
		else
			attract3(P, Y, inv, F, lo, hi);
	}
}

/* sum_ij p_ij log(p_ij / q_ij), q_ij = w_ij / Z, log w = -dof log(1 + d^2 / dof) */
double
kl_divergence(const struct csr *P, const float *Y, size_t dims, double dof, double Z)
{
	size_t n = P->n, i;
	double *row = emb_alloc(n ? n : 1, sizeof *row), s = 0;

#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++) {
		double t = 0, x, d2;
		size_t e, c;

		for (e = P->ptr[i]; e < P->ptr[i + 1]; e++) {
			if (!(P->val[e] > 0))
				continue;
			d2 = 0;
			for (c = 0; c < dims; c++) {
				x = (double)Y[i * dims + c] - Y[(size_t)P->col[e] * dims + c];
				d2 += x * x;
			}
			t += P->val[e] * log1p(d2 / dof);
		}
		row[i] = t;
	}
	for (i = 0; i < n; i++)
		s += row[i];
	free(row);
	return P->plogp + dof * s + P->total * log(Z);
}
