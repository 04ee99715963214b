/*
 * Fitting: the covariance matrix and its top eigenvectors (exact), or
 * randomized subspace iteration on it (Halko, Martinsson and Tropp 2011).
 *
 * The rows are shifted by the mean of the first chunk before any product,
 * so that a large common offset cannot swamp the variance; a chunk's
 * products are summed in float by OpenBLAS, and the chunks' sums in double.
 *
 * OpenBLAS runs single-threaded (main() says so); the products are split
 * here into tiles of fixed shape, one BLAS call each, spread over the -j
 * threads.  Every output value is then made by the same call whatever the
 * number of threads, so the output bytes do not depend on it.
 */
#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pca.h"

#define TILE	128	/* columns (of the covariance, of z) in one product tile */
#define ROWBLOCK 256	/* rows in one product tile */

static size_t
min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * The upper triangle of X'X (X: c x d) times unscale, added to cov (d x d,
 * double), a tile at a time: each tile by one single-threaded OpenBLAS call
 * into the thread's own buffer, then summed into its own part of cov.
 */
static void
gram_add(const float *X, size_t c, size_t d, double unscale, double *cov)
{
	size_t nt = (d + TILE - 1) / TILE;
	long t, ntiles = (long)(nt * (nt + 1) / 2);

#pragma omp parallel num_threads(pca_threads)
	{
		float *part = emb_alloc(TILE * TILE, sizeof *part);

#pragma omp for schedule(dynamic, 1)
		for (t = 0; t < ntiles; t++) {
			size_t bi = 0, r = (size_t)t, i0, j0, ni, nj, a, b;

			while (r >= nt - bi)
				r -= nt - bi++;
			i0 = bi * TILE;
			j0 = (bi + r) * TILE;
			ni = min(TILE, d - i0);
			nj = min(TILE, d - j0);
			if (r == 0)
				cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, ni, c,
				    1.0f, X + i0, d, 0.0f, part, TILE);
			else
				cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ni,
				    nj, c, 1.0f, X + i0, d, X + j0, d, 0.0f, part, TILE);
			for (a = 0; a < ni; a++) {
				double *row = cov + (i0 + a) * d + j0;
				for (b = r == 0 ? a : 0; b < nj; b++)
					row[b] += part[a * TILE + b] * unscale;
			}
		}
		free(part);
	}
}

/* Running sums over the shifted rows. */
struct moments {
	const struct source *src;
	size_t	 n;
	size_t	 d;
	int	 center;
	double	*shift;		/* d: the mean of the first chunk, or 0 */
	double	*sum;		/* d */
	double	*sumsq;		/* d */
	float	*xs;		/* a chunk of shifted rows */
};

static void
moments_init(struct moments *mo, const struct source *s, int center)
{
	mo->src = s;
	mo->n = s->rows;
	mo->d = s->cols;
	mo->center = center;
	mo->shift = emb_zalloc(s->cols, sizeof *mo->shift);
	mo->sum = emb_zalloc(s->cols, sizeof *mo->sum);
	mo->sumsq = emb_zalloc(s->cols, sizeof *mo->sumsq);
	mo->xs = emb_alloc(emb_mul(s->chunk, s->cols), sizeof *mo->xs);
}

static void
moments_free(struct moments *mo)
{
	free(mo->shift);
	free(mo->sum);
	free(mo->sumsq);
	free(mo->xs);
}

/*
 * The chunk minus the shift, in mo->xs; the first chunk sets the shift.  If
 * its values are so large or small that their products would overflow or
 * underflow a float, it is scaled by a power of 2 (exactly); the result is
 * what the products must be multiplied by.
 */
static double
shifted(struct moments *mo, const float *x, size_t c, int first, int accumulate)
{
	size_t i, j, d = mo->d;
	double v;
	float big = 0, scale;
	int e;

	if (first && mo->center) {
		for (i = 0; i < c; i++)
			for (j = 0; j < d; j++)
				mo->shift[j] += x[i * d + j];
		for (j = 0; j < d; j++)
			mo->shift[j] /= c;
	}
	for (i = 0; i < c; i++) {
		const float *xi = x + i * d;
		float *yi = mo->xs + i * d;
		for (j = 0; j < d; j++) {
			yi[j] = (float)((double)xi[j] - mo->shift[j]);
			big = fabsf(yi[j]) > big ? fabsf(yi[j]) : big;
		}
		if (!(big <= FLT_MAX))
			emb_err(input_label(mo->src->in), "frame %d, row %zu: "
			    "centring overflows a float", mo->src->frame,
			    mo->src->done - c + i);
		if (accumulate)
			for (j = 0; j < d; j++) {
				v = yi[j];
				mo->sum[j] += v;
				mo->sumsq[j] += v * v;
			}
	}
	if (big <= 0x1p40f && (big >= 0x1p-40f || big == 0))
		return 1;
	frexpf(big, &e);
	scale = ldexpf(1, -e);
	for (i = 0; i < c * d; i++)
		mo->xs[i] *= scale;
	return ldexp(1, 2 * e);
}

/* The mean of the shifted rows (0 without centring) and the total variance. */
static double
moments_finish(struct moments *mo, double *m)
{
	double total = 0;
	size_t j;

	for (j = 0; j < mo->d; j++) {
		m[j] = mo->center ? mo->sum[j] / mo->n : 0;
		total += (mo->sumsq[j] - mo->n * m[j] * m[j]) / (mo->n - 1);
	}
	return total;
}

/* scikit-learn's n_iter='auto' */
static int
auto_iterations(size_t k, size_t n, size_t d)
{
	return k < 0.1 * (n < d ? n : d) ? 7 : 4;
}

static enum method
choose(const struct options *o, size_t n, size_t d, size_t k)
{
	size_t small = n < d ? n : d;

	if (o->method != AUTO)
		return o->method;
	if (o->variance > 0 || d <= 1000 || k >= 0.8 * small)
		return EXACT;
	return RANDOMIZED;
}

/*
 * The covariance matrix, upper triangle of a row-major d x d array, in one
 * pass; mean gets the mean of the rows (0 without centring).
 */
static double *
covariance(struct model *m, struct source *s, int center, double *mean)
{
	struct moments mo;
	size_t d = s->cols, n = s->rows, c, i, j, l;
	double *cov, unscale;
	const float *x;

	moments_init(&mo, s, center);
	cov = emb_zalloc(emb_mul(d, d), sizeof *cov);
	source_begin(s, "covariance");
	for (i = 0; (c = source_next(s, &x)) > 0; i++) {
		unscale = shifted(&mo, x, c, i == 0, 1);
		gram_add(mo.xs, c, d, unscale, cov);
	}
	source_end(s);
	m->total = moments_finish(&mo, mean);
	for (j = 0; j < d; j++) {
		for (l = j; l < d; l++)
			cov[j * d + l] = (cov[j * d + l] - n * mean[j] * mean[l]) /
			    (n - 1);
		mean[j] += mo.shift[j];
	}
	moments_free(&mo);
	return cov;
}

/* The want largest eigenpairs of a (its upper triangle, row-major), largest first. */
static int
eigen(double *a, size_t d, size_t want, double *vec, double *val)
{
	double *w = emb_alloc(d, sizeof *w);
	double *z = emb_alloc(emb_mul(d, want), sizeof *z);
	lapack_int found, *support = emb_alloc(2 * want, sizeof *support);
	int info;
	size_t i;

	/* row-major upper is column-major lower */
	info = LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', want == d ? 'A' : 'I', 'L', d,
	    a, d, 0, 0, d - want + 1, d, 0, &found, w, z, d, support);
	if (info == 0 && (size_t)found != want)
		info = -1;
	for (i = 0; info == 0 && i < want; i++) {	/* dsyevr's is ascending */
		val[i] = w[want - 1 - i];
		memcpy(vec + i * d, z + (want - 1 - i) * d, d * sizeof *vec);
	}
	free(support);
	free(z);
	free(w);
	return info;
}

/* Exact: the largest eigenpairs of the covariance matrix. */
static void
fit_exact(struct model *m, struct source *s, const struct options *o,
    double *vec, double *val, double *mean)
{
	size_t d = s->cols, want = o->variance > 0 ? d : m->k;
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	double need = (double)d * d * (o->variance > 0 ? 20 : 12), *cov;
	int info;

	if (pages > 0 && psize > 0 && need > 0.75 * pages * (double)psize)
		emb_err(input_label(s->in), "frame %d: exact PCA of %zu columns needs "
		    "%.3g GB of memory; use -m randomized", s->frame, d, need / 1e9);
	cov = covariance(m, s, o->center, mean);
	if ((info = eigen(cov, d, want, vec, val)) != 0)
		emb_err(input_label(s->in), "frame %d: the eigensolver failed "
		    "(dsyevr info %d)", s->frame, info);
	free(cov);
}

/* Orthonormal columns spanning those of the d x l row-major matrix a. */
static void
orthonormalize(double *a, size_t d, size_t l)
{
	double *tau = emb_alloc(l, sizeof *tau);

	if (LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, d, l, a, l, tau) != 0 ||
	    LAPACKE_dorgqr(LAPACK_ROW_MAJOR, d, l, l, a, l, tau) != 0)
		emb_err(NULL, "QR factorization failed");
	free(tau);
}

/* Work space of the randomized method: d x l matrices and a chunk's products. */
struct sketch {
	size_t	 d, l;
	double	*q;		/* the orthonormal basis */
	double	*z;		/* C q */
	float	*qf;
	float	*zf;		/* one chunk's share of z */
	float	*t;		/* a chunk of rows times q */
	double	*mq;		/* the mean times q */
};

/* t = X q, then zf = X' t, for a chunk X of c rows, tile by tile. */
static void
sketch_products(struct sketch *sk, const float *X, size_t c)
{
	size_t d = sk->d, l = sk->l;
	long b, nrb = (long)((c + ROWBLOCK - 1) / ROWBLOCK);
	long ncb = (long)((d + TILE - 1) / TILE);

#pragma omp parallel num_threads(pca_threads)
	{
#pragma omp for schedule(dynamic, 1)
		for (b = 0; b < nrb; b++) {
			size_t r0 = (size_t)b * ROWBLOCK;
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
			    min(ROWBLOCK, c - r0), l, d, 1.0f, X + r0 * d, d, sk->qf, l,
			    0.0f, sk->t + r0 * l, l);
		}
#pragma omp for schedule(dynamic, 1)
		for (b = 0; b < ncb; b++) {
			size_t j0 = (size_t)b * TILE;
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans,
			    min(TILE, d - j0), l, c, 1.0f, X + j0, d, sk->t, l, 0.0f,
			    sk->zf + j0 * l, l);
		}
	}
}

/*
 * z = C q in one pass over the rows, C = (Xs'Xs - n m m') / (n - 1) for the
 * shifted rows Xs and their mean m; the first pass also finds the mean.
 */
static void
multiply(struct sketch *sk, struct moments *mo, struct source *s, int first,
    double *mean, struct model *m, const char *what)
{
	size_t d = sk->d, l = sk->l, n = s->rows, c, i, j;
	double unscale;
	const float *x;

	for (i = 0; i < d * l; i++) {
		sk->qf[i] = (float)sk->q[i];
		sk->z[i] = 0;
	}
	source_begin(s, what);
	for (i = 0; (c = source_next(s, &x)) > 0; i++) {
		unscale = shifted(mo, x, c, first && i == 0, first);
		sketch_products(sk, mo->xs, c);
		for (j = 0; j < d * l; j++)
			sk->z[j] += sk->zf[j] * unscale;
	}
	source_end(s);
	if (first)
		m->total = moments_finish(mo, mean);
	cblas_dgemv(CblasRowMajor, CblasTrans, d, l, 1.0, sk->q, l, mean, 1, 0.0,
	    sk->mq, 1);
	for (i = 0; i < d; i++)
		for (j = 0; j < l; j++)
			sk->z[i * l + j] = (sk->z[i * l + j] -
			    n * mean[i] * sk->mq[j]) / (n - 1);
}

/* Rayleigh-Ritz: the eigenpairs of q'Cq = q'z, taken back by q. */
static int
ritz(const struct sketch *sk, size_t k, double *vec, double *val)
{
	size_t d = sk->d, l = sk->l, i, j;
	double *a = emb_alloc(l * l, sizeof *a), *u, *uval;
	int info;

	cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, l, l, d, 1.0, sk->q, l,
	    sk->z, l, 0.0, a, l);
	for (i = 0; i < l; i++)
		for (j = i + 1; j < l; j++)
			a[i * l + j] = (a[i * l + j] + a[j * l + i]) / 2;
	u = emb_alloc(l * l, sizeof *u);
	uval = emb_alloc(l, sizeof *uval);
	if ((info = eigen(a, l, l, u, uval)) == 0)
		for (i = 0; i < k; i++) {
			val[i] = uval[i];
			for (j = 0; j < d; j++)
				vec[i * d + j] = cblas_ddot(l, sk->q + j * l, 1,
				    u + i * l, 1);
		}
	free(uval);
	free(u);
	free(a);
	return info;
}

/*
 * Randomized: subspace iteration with the covariance C on l = k + p random
 * vectors.  After q + 1 products (one pass over the rows each) the basis
 * spans C^(q+1) G, as Halko et al.'s range finder with q power iterations
 * does; one more pass gives the Rayleigh-Ritz matrix Q'CQ, whose eigenpairs
 * approximate C's.
 */
static void
fit_randomized(struct model *m, struct source *s, const struct options *o,
    double *vec, double *val, double *mean)
{
	struct sketch sk;
	struct moments mo;
	struct emb_rng rng;
	size_t d = s->cols, n = s->rows, k = m->k, small = n < d ? n : d;
	size_t i, pass, passes;
	char what[64];
	int info;

	sk.d = d;
	sk.l = k + o->oversamples < small ? k + o->oversamples : small;
	m->power_iterations = o->power_iterations >= 0 ? o->power_iterations :
	    auto_iterations(k, n, d);
	m->oversamples = sk.l - k;
	m->seed = o->seed;
	passes = m->power_iterations + 2;
	sk.q = emb_alloc(emb_mul(d, sk.l), sizeof *sk.q);
	sk.z = emb_alloc(emb_mul(d, sk.l), sizeof *sk.z);
	sk.qf = emb_alloc(emb_mul(d, sk.l), sizeof *sk.qf);
	sk.zf = emb_alloc(emb_mul(d, sk.l), sizeof *sk.zf);
	sk.t = emb_alloc(emb_mul(s->chunk, sk.l), sizeof *sk.t);
	sk.mq = emb_alloc(sk.l, sizeof *sk.mq);

	emb_rng_seed(&rng, o->seed);
	for (i = 0; i < d * sk.l; i++)
		sk.q[i] = emb_rng_normal(&rng);
	orthonormalize(sk.q, d, sk.l);
	moments_init(&mo, s, o->center);
	for (pass = 0; pass < passes; pass++) {
		snprintf(what, sizeof what, "pass %zu of %zu", pass + 1, passes);
		multiply(&sk, &mo, s, pass == 0, mean, m, what);
		if (pass + 1 < passes) {
			memcpy(sk.q, sk.z, d * sk.l * sizeof *sk.q);
			orthonormalize(sk.q, d, sk.l);
		}
	}
	for (i = 0; i < d; i++)
		mean[i] += mo.shift[i];
	moments_free(&mo);
	if ((info = ritz(&sk, k, vec, val)) != 0)
		emb_err(input_label(s->in), "frame %d: the eigensolver failed "
		    "(dsyevr info %d)", s->frame, info);
	free(sk.mq);
	free(sk.t);
	free(sk.zf);
	free(sk.qf);
	free(sk.z);
	free(sk.q);
}

/* As scikit-learn's svd_flip on the loadings: the largest |loading| is positive. */
static void
flip(double *v, size_t d)
{
	size_t j, big = 0;

	for (j = 1; j < d; j++)
		if (fabs(v[j]) > fabs(v[big]))
			big = j;
	if (v[big] < 0)
		for (j = 0; j < d; j++)
			v[j] = -v[j];
}

/* The first k eigenpairs into the model, signs by the rule, scales for whitening. */
static void
keep(struct model *m, const struct source *s, double *vec, const double *val,
    const double *mean)
{
	size_t i, j, d = m->cols;

	m->mean = emb_alloc(d, sizeof *m->mean);
	m->components = emb_alloc(emb_mul(m->k, d), sizeof *m->components);
	m->variance = emb_alloc(m->k, sizeof *m->variance);
	m->scale = emb_alloc(m->k, sizeof *m->scale);
	for (j = 0; j < d; j++)
		m->mean[j] = (float)mean[j];
	for (i = 0; i < m->k; i++) {
		flip(vec + i * d, d);
		for (j = 0; j < d; j++)
			m->components[i * d + j] = (float)vec[i * d + j];
		m->variance[i] = val[i];
		/* below float precision it is noise, which whitening would blow up */
		if (m->whiten && !(val[i] > 1e-7 * val[0]))
			emb_err(input_label(s->in), "frame %d: component %zu has no "
			    "variance to whiten; use a smaller k", s->frame, i + 1);
		m->scale[i] = m->whiten ? (float)(1 / sqrt(val[i])) : 1.0f;
	}
}

void
fit(struct model *m, struct source *s, const struct options *o)
{
	size_t n = s->rows, d = s->cols, small = n < d ? n : d, i, k, want;
	const char *name = input_label(s->in);
	double *vec, *val, *mean, sum;

	memset(m, 0, sizeof *m);
	if (n < 2)
		emb_err(name, "frame %d: PCA needs at least 2 rows, it has %zu",
		    s->frame, n);
	if (o->k > small)
		emb_err(name, "frame %d: k = %zu is more than min(rows, cols) = %zu",
		    s->frame, o->k, small);
	m->cols = d;
	m->rows = n;
	m->k = k = o->k ? o->k : small;
	m->method = choose(o, n, d, k);
	m->center = o->center;
	m->whiten = o->whiten;
	m->power_iterations = -1;
	want = o->variance > 0 ? d : k;	/* --variance: all, to choose k */
	vec = emb_alloc(emb_mul(want, d), sizeof *vec);
	val = emb_alloc(want, sizeof *val);
	mean = emb_alloc(d, sizeof *mean);
	if (m->method == EXACT)
		fit_exact(m, s, o, vec, val, mean);
	else
		fit_randomized(m, s, o, vec, val, mean);

	for (i = 0; i < want * d; i++)
		if (!isfinite(vec[i]) || !isfinite(val[i / d]))
			emb_err(name, "frame %d: the eigensolver gave a non-finite "
			    "result", s->frame);
	if (!(m->total > 0))
		emb_err(name, "frame %d: %s, there is no variance to analyse",
		    s->frame, o->center ? "all rows are equal" : "all values are 0");
	for (i = 0; i < want; i++)	/* rounding can make 0 a little negative */
		val[i] = val[i] > 0 ? val[i] : 0;
	if (o->variance > 0) {
		for (k = 0, sum = 0; k < small && sum < o->variance * m->total; k++)
			sum += val[k];
		m->k = k;
	}
	keep(m, s, vec, val, mean);
	free(mean);
	free(val);
	free(vec);
}
