/*
 * The attractive forces over the sparse P, and the KL divergence.  Each
 * row is summed by one thread in column order: the same bits for any
 * number of threads.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * log(x) for x >= 1 in float, written so that the loop below vectorises:
 * x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s), s = (m - 1)
 * / (m + 1) <= 0.172, by its series to s^9 (relative error 2e-8 before
 * rounding).  libm's log1p, in double, was 6 % of a whole run for the
 * progress lines' KL.  Absolute error about 1e-7 of log(x), so that the
 * KL, a sum weighted by P (which sums to 1), is off by less than 1e-6.
 */
static inline float
log_ge1(float x)
{
	int32_t b, e;
	float m, t, s, s2;

	memcpy(&b, &x, sizeof b);
	e = (b >> 23) - 127;
	b = (b & 0x7fffff) | 0x3f800000;
	memcpy(&m, &b, sizeof m);
	t = m > 1.41421356f ? 0.5f : 1.0f;
	e += m > 1.41421356f;
	m *= t;
	s = (m - 1) / (m + 1);
	s2 = s * s;
	return (float)e * 0.693147181f +
	    2 * s * (1 + s2 * (1.0f / 3 + s2 * (1.0f / 5 + s2 * (1.0f / 7 + s2 * (1.0f / 9)))));
}

__attribute__((target_clones("avx2", "default")))
static double
kl_row(const struct csr *P, const float *restrict Y, size_t dims, float inv_dof, size_t i)
{
	const int32_t *restrict col = P->col;
	const float *restrict val = P->val;
	size_t e, c;
	float t = 0;

	/* in float lanes: at most some hundreds of terms a row */
#pragma omp simd reduction(+:t)
	for (e = P->ptr[i]; e < P->ptr[i + 1]; e++) {
		float d2 = 0, x;
		for (c = 0; c < dims; c++) {
			x = Y[i * dims + c] - Y[(size_t)col[e] * dims + c];
			d2 += x * x;
		}
		t += val[e] * log_ge1(1 + d2 * inv_dof);
	}
	return t;
}

/* sum_ij p_ij log(p_ij / q_ij), q_ij = w_ij / Z, log w = -dof log(1 + d^2 / dof) */
double
kl_divergence(const struct csr *P, const float *Y, size_t dims, double dof, double Z)
{
	size_t n = P->n, i;
	double *row = emb_alloc(n ? n : 1, sizeof *row), s = 0;
	float inv = (float)(1 / dof);

#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++)
		row[i] = kl_row(P, Y, dims, inv, i);
	for (i = 0; i < n; i++)
		s += row[i];
	free(row);
	return P->plogp + dof * s + P->total * log(Z);
}
