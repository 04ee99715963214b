/*
 * How the sample fills its space: spread about the mean row, the mean cosine
 * of random pairs, and the eigenvalues of the covariance (the share of the
 * first component, the effective rank of Roy and Vetterli 2007).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "check.h"

static double
dot(const float *a, const float *b, size_t d)
{
	double s = 0;
	size_t j;

	for (j = 0; j < d; j++)
		s += (double)a[j] * b[j];
	return s;
}

static void
spread(struct check *c, const double *mean)
{
	size_t m = c->m, d = c->f->cols, i, j;
	double dev = 0, norm = 0, t;

	for (i = 0; i < m; i++)
		for (j = 0; j < d; j++) {
			t = c->x[i * d + j];
			norm += t * t;
			dev += (t - mean[j]) * (t - mean[j]);
		}
	c->spread = norm > 0 ? sqrt(dev / norm) : 0;
}

/* CHECK_PAIRS pairs of different rows, zero rows left out. */
static void
cos_pairs(struct check *c, const struct check_opts *o)
{
	size_t m = c->m, d = c->f->cols, i, a, b, nz = 0, done;
	size_t *nonzero = emb_alloc(m ? m : 1, sizeof *nonzero);
	double *norm = emb_alloc(m ? m : 1, sizeof *norm), sum = 0;
	struct emb_rng rng;

	for (i = 0; i < m; i++)
		if ((norm[i] = sqrt(dot(c->x + i * d, c->x + i * d, d))) > 0)
			nonzero[nz++] = i;
	emb_rng_seed(&rng, o->seed + 1);
	for (done = 0; nz >= 2 && done < CHECK_PAIRS; done++) {
		a = emb_rng_below(&rng, nz);
		b = emb_rng_below(&rng, nz - 1);
		b += b >= a;
		a = nonzero[a];
		b = nonzero[b];
		sum += dot(c->x + a * d, c->x + b * d, d) / (norm[a] * norm[b]);
	}
	c->cos_pairs = nz >= 2 ? sum / CHECK_PAIRS : NAN;
	free(norm);
	free(nonzero);
}

/* The eigenvalues of a (p x p, upper triangle row-major), and the top vector if v. */
static void
eigen(double *a, size_t p, double *w, double *v)
{
	double *copy = NULL, z1;
	lapack_int found, *support = emb_alloc(2 * p, sizeof *support);
	int info;

	if (v != NULL) {
		copy = emb_alloc(emb_mul(p, p), sizeof *copy);
		memcpy(copy, a, p * p * sizeof *copy);
	}
	/* row-major upper is column-major lower */
	info = LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'N', 'A', 'L', p, a, p, 0, 0, 0, 0, 0,
	    &found, w, &z1, 1, support);
	if (info == 0 && v != NULL)
		info = LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'I', 'L', p, copy, p, 0, 0,
		    p, p, 0, &found, &z1, v, p, support);
	if (info != 0)
		emb_err(NULL, "the eigensolver failed (dsyevr info %d)", info);
	free(copy);
	free(support);
}

/*
 * Covariance eigenvalues: of the d x d covariance, or when d is larger than
 * the sample or CHECK_MAXEIG, of the Gram matrix of the first at most
 * CHECK_MAXEIG rows (the same nonzero eigenvalues).  With --positions, the
 * scores of every sample row on the first component.
 */
static void
spectrum(struct check *c, const struct check_opts *o, const double *mean)
{
	size_t m = c->m, d = c->f->cols, i, j, p, gram;
	float *xc = emb_alloc(emb_mul(m, d), sizeof *xc), *af;
	double *a, *w, *v = NULL, sum = 0, h = 0, q, nv;

	for (i = 0; i < m; i++)
		for (j = 0; j < d; j++)
			xc[i * d + j] = (float)(c->x[i * d + j] - mean[j]);
	gram = d > m || d > CHECK_MAXEIG;
	p = gram ? (m < CHECK_MAXEIG ? m : CHECK_MAXEIG) : d;
	af = emb_alloc(emb_mul(p, p), sizeof *af);
	if (gram)
		cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, p, d,
		    1.0f / (float)(p - 1), xc, d, 0.0f, af, p);
	else
		cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, d, m,
		    1.0f / (float)(m - 1), xc, d, 0.0f, af, d);
	a = emb_alloc(emb_mul(p, p), sizeof *a);
	for (i = 0; i < p * p; i++)
		a[i] = af[i];
	free(af);
	w = emb_alloc(p, sizeof *w);
	if (o->positions)
		v = emb_alloc(p, sizeof *v);
	eigen(a, p, w, v);
	for (i = 0; i < p; i++)
		sum += w[i] = w[i] > 0 ? w[i] : 0;	/* rounding leaves some below zero */
	for (i = 0; i < p && sum > 0; i++)
		if (w[i] > 0) {
			q = w[i] / sum;
			h -= q * log(q);
		}
	c->eig_dim = p;
	c->pc1_share = sum > 0 ? w[p - 1] / sum : 0;
	c->eff_rank = sum > 0 ? exp(h) : 0;
	if (v != NULL) {
		double *dir = v;
		if (gram) {	/* the direction in R^d: X^T u, normalised */
			dir = emb_zalloc(d, sizeof *dir);
			for (i = 0; i < p; i++)
				for (j = 0; j < d; j++)
					dir[j] += v[i] * xc[i * d + j];
		}
		for (nv = 0, j = 0; j < d; j++)
			nv += dir[j] * dir[j];
		nv = nv > 0 ? 1 / sqrt(nv) : 0;
		c->pc1 = emb_alloc(m, sizeof *c->pc1);
		for (i = 0; i < m; i++) {
			for (q = 0, j = 0; j < d; j++)
				q += dir[j] * xc[i * d + j];
			c->pc1[i] = q * nv;
		}
		if (dir != v)
			free(dir);
	}
	free(v);
	free(w);
	free(a);
	free(xc);
}

void
anisotropy(struct check *c, const struct check_opts *o)
{
	size_t m = c->m, d = c->f->cols, i, j;
	double *mean = emb_zalloc(d, sizeof *mean);

	for (i = 0; i < m; i++)
		for (j = 0; j < d; j++)
			mean[j] += c->x[i * d + j];
	for (j = 0; j < d; j++)
		mean[j] /= m ? m : 1;
	spread(c, mean);
	cos_pairs(c, o);
	if (m >= 2)
		spectrum(c, o, mean);
	free(mean);
}
