/*
 * Spectral initialisation: the eigenvectors of the normalised Laplacian
 * I - D^-1/2 W D^-1/2 with the smallest non-zero eigenvalues, that is the
 * largest of M = D^-1/2 W D^-1/2 once its known top eigenvector D^1/2 1 is
 * projected out.  No n x n matrix: thick-restart Lanczos with full
 * reorthogonalisation on the sparse graph, LAPACK for the small projected
 * (and small dense) problems.  Every sum runs in a fixed order, so the
 * vectors do not depend on the number of threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "umap.h"

/* OpenBLAS: its threads change dsyev's rounding, so it gets one */
void	openblas_set_num_threads(int);
int	openblas_get_num_threads(void);

static lapack_int
syev(lapack_int n, double *a, double *w)
{
	int threads = openblas_get_num_threads();
	lapack_int rc;

	openblas_set_num_threads(1);
	rc = LAPACKE_dsyev(LAPACK_COL_MAJOR, 'V', 'U', n, a, n, w);
	openblas_set_num_threads(threads);
	return rc;
}

#define DENSE_MAX	300	/* up to this many unknowns: one dense solve */
#define TOL		1e-4	/* residual norm of each Ritz pair, as umap-learn's eigsh */
#define RESTARTS	40
#define BLOCK		256	/* rows of the basis updated together */

static void
deflate(const double *u, double *x, size_t n)
{
	double s = 0;
	size_t i;

	if (u == NULL)
		return;
	for (i = 0; i < n; i++)
		s += u[i] * x[i];
	for (i = 0; i < n; i++)
		x[i] -= s * u[i];
}

static double
norm(const double *x, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += x[i] * x[i];
	return sqrt(s);
}

/* y minus its projection on the columns 0..m-1 of V (n apart), twice; h += the coefficients. */
static void
orthogonalise(const float *V, size_t n, size_t m, double *y, double *h)
{
	double c[512];
	size_t i, t;
	int pass;

	/* serial: memory-bound, and a barrier costs more on a busy machine */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < m; i++) {
			const float *v = V + i * n;
			double s = 0;

			for (t = 0; t < n; t++)
				s += v[t] * y[t];
			c[i] = s;
		}
		for (t = 0; t < n; t += BLOCK) {
			size_t end = t + BLOCK < n ? t + BLOCK : n, u;

			for (i = 0; i < m; i++)
				for (u = t; u < end; u++)
					y[u] -= c[i] * V[i * n + u];
		}
		if (h != NULL)
			for (i = 0; i < m; i++)
				h[i] += c[i];
	}
}

static void
random_unit(double *x, size_t n, const float *V, size_t m, const double *u,
    struct emb_rng *rng)
{
	size_t i;
	double s;

	do {
		for (i = 0; i < n; i++)
			x[i] = emb_rng_normal(rng);
		deflate(u, x, n);
		orthogonalise(V, n, m, x, NULL);
		s = norm(x, n);
	} while (s < 1e-8);
	for (i = 0; i < n; i++)
		x[i] /= s;
}

static int
dense_eigen(const struct linop *A, size_t nev, const double *u, double *vecs,
    double *vals)
{
	size_t n = A->n, i, j, got = 0;
	double *M = emb_zalloc(n * n, sizeof *M), *x = emb_zalloc(n, sizeof *x);
	double *w = emb_alloc(n, sizeof *w);
	int rc;

	for (j = 0; j < n; j++) {
		memset(x, 0, n * sizeof *x);
		x[j] = 1;
		deflate(u, x, n);
		A->apply(A->ctx, x, M + j * n);
		deflate(u, M + j * n, n);
	}
	for (j = 0; j < n; j++)		/* symmetric in exact arithmetic: make it so */
		for (i = 0; i < j; i++)
			M[i * n + j] = M[j * n + i] = (M[i * n + j] + M[j * n + i]) / 2;
	rc = syev((lapack_int)n, M, w);
	for (j = n; rc == 0 && j-- > 0 && got < nev;) {
		double s = 0;

		if (u != NULL) {
			for (i = 0; i < n; i++)
				s += u[i] * M[j * n + i];
			if (fabs(s) > 0.5)
				continue;
		}
		memcpy(vecs + got * n, M + j * n, n * sizeof *vecs);
		vals[got++] = w[j];
	}
	free(M);
	free(x);
	free(w);
	return rc == 0 && got == nev ? 0 : -1;
}

/*
 * The nev largest eigenpairs of the symmetric operator A restricted to the
 * complement of the unit vector u (NULL: none): vecs column after column.
 * 0, or -1 when they did not converge within the bound.
 */
int
top_eigen(const struct linop *A, size_t nev, const double *u, uint64_t seed,
    double *vecs, double *vals)
{
	size_t n = A->n, nfree = n - (u != NULL), m, j = 0, s, i, t, c, p, mv = 0;
	size_t maxmv;
	float *V;
	double *x, *y, *H, *S, *theta, beta = 0, worst = INFINITY;
	struct emb_rng rng;
	int converged = 0;

	if (nfree < nev)
		return -1;
	m = 2 * nev + 16 < 32 ? 32 : 2 * nev + 16;
	if (nfree <= DENSE_MAX || m >= nfree)
		return dense_eigen(A, nev, u, vecs, vals);
	if (m > 500)
		m = 500;
	maxmv = RESTARTS * m;
	emb_rng_seed(&rng, seed ^ 0x5bd1e995u);
	V = emb_alloc(emb_mul(n, m), sizeof *V);
	x = emb_alloc(n, sizeof *x);
	y = emb_alloc(n, sizeof *y);
	H = emb_zalloc(m * m, sizeof *H);
	S = emb_alloc(m * m, sizeof *S);
	theta = emb_alloc(m, sizeof *theta);
	random_unit(x, n, V, 0, u, &rng);
	for (t = 0; t < n; t++)
		V[t] = (float)x[t];
	for (;;) {
		double h[512];

		for (t = 0; t < n; t++)
			x[t] = V[j * n + t];
		A->apply(A->ctx, x, y);
		mv++;
		deflate(u, y, n);
		memset(h, 0, (j + 1) * sizeof *h);
		orthogonalise(V, n, j + 1, y, h);
		for (i = 0; i <= j; i++)
			H[i * m + j] = H[j * m + i] = h[i];
		beta = norm(y, n);
		if (j + 1 < m) {
			if (beta < 1e-10)	/* an invariant subspace: go on elsewhere */
				random_unit(y, n, V, j + 1, u, &rng);
			else
				for (t = 0; t < n; t++)
					y[t] /= beta;
			j++;
			for (t = 0; t < n; t++)
				V[j * n + t] = (float)y[t];
			continue;
		}
		s = j + 1;
		for (i = 0; i < s; i++)
			for (c = 0; c < s; c++)
				S[c * s + i] = H[c * m + i];
		if (syev((lapack_int)s, S, theta) != 0)
			break;
		worst = 0;
		for (c = 0; c < nev; c++)
			worst = fmax(worst, beta * fabs(S[(s - 1 - c) * s + s - 1]));
		converged = worst <= TOL;
		p = converged || mv >= maxmv ? nev : nev + (m - nev) / 2;
		/*
		 * The p largest Ritz vectors, largest first, in place of the
		 * basis: each block of rows depends on its own rows only.
		 */
#pragma omp parallel
		{
		float *tmp = emb_alloc(p * BLOCK, sizeof *tmp);

#pragma omp for schedule(static)
		for (t = 0; t < n; t += BLOCK) {
			size_t end = t + BLOCK < n ? t + BLOCK : n, q;
			double acc[BLOCK];

			for (c = 0; c < p; c++) {
				const double *sc = S + (s - 1 - c) * s;

				memset(acc, 0, sizeof acc);
				for (i = 0; i < s; i++)
					for (q = t; q < end; q++)
						acc[q - t] += sc[i] * V[i * n + q];
				for (q = t; q < end; q++)
					tmp[c * BLOCK + q - t] = (float)acc[q - t];
			}
			for (c = 0; c < p; c++)
				for (q = t; q < end; q++)
					V[c * n + q] = tmp[c * BLOCK + q - t];
		}
		free(tmp);
		}
		if (converged || mv >= maxmv) {
			for (c = 0; c < nev; c++) {
				for (t = 0; t < n; t++)
					vecs[c * n + t] = V[c * n + t];
				vals[c] = theta[s - 1 - c];
			}
			break;
		}
		memset(H, 0, m * m * sizeof *H);
		for (c = 0; c < p; c++)
			H[c * m + c] = theta[s - 1 - c];
		for (t = 0; t < n; t++)
			V[p * n + t] = beta < 1e-10 ? 0 : (float)(y[t] / beta);
		if (beta < 1e-10) {
			random_unit(y, n, V, p, u, &rng);
			for (t = 0; t < n; t++)
				V[p * n + t] = (float)y[t];
		}
		j = p;
	}
	if (emb_verbose > 0)
		emb_warn(NULL, "spectral: %zu products, residual %.2g%s", mv, worst,
		    converged ? "" : " (not converged)");
	free(V);
	free(x);
	free(y);
	free(H);
	free(S);
	free(theta);
	return converged ? 0 : -1;
}

/* x -> D^-1/2 W D^-1/2 x */
struct normadj {
	const struct graph *g;
	const double *isd;
};

static void
apply_normadj(const void *ctx, const double *x, double *y)
{
	const struct normadj *a = ctx;
	const struct graph *g = a->g;
	size_t i;

#pragma omp parallel for schedule(dynamic, 1024)
	for (i = 0; i < g->n; i++) {
		double s = 0;
		size_t e;

		for (e = g->start[i]; e < g->start[i + 1]; e++)
			s += g->w[e] * a->isd[g->col[e]] * x[g->col[e]];
		y[i] = a->isd[i] * s;
	}
}

/* The dim nontrivial eigenvectors of one connected graph, scaled to max |x| = 1. */
static int
embed_component(const struct graph *g, size_t dim, uint64_t seed, double *out)
{
	size_t n = g->n, i, e;
	double *isd = emb_alloc(n, sizeof *isd), *u = emb_alloc(n, sizeof *u);
	double *vals = emb_alloc(dim, sizeof *vals), s = 0, mx = 0;
	struct normadj ctx = { g, isd };
	struct linop A = { n, apply_normadj, &ctx };
	int rc;

	for (i = 0; i < n; i++) {
		double d = 0;

		for (e = g->start[i]; e < g->start[i + 1]; e++)
			d += g->w[e];
		isd[i] = d > 0 ? 1 / sqrt(d) : 0;
		u[i] = d > 0 ? sqrt(d) : 0;
		s += d;
	}
	for (i = 0; i < n; i++)
		u[i] /= sqrt(s);
	rc = top_eigen(&A, dim, u, seed, out, vals);
	for (i = 0; i < n * dim; i++)
		mx = fmax(mx, fabs(out[i]));
	for (i = 0; rc == 0 && i < n * dim; i++)
		out[i] = mx > 0 ? out[i] / mx : 0;
	free(isd);
	free(u);
	free(vals);
	return rc;
}

/* The subgraph of the vertices vs (ascending), renumbered. */
static void
subgraph(const struct graph *g, const size_t *vs, size_t m, int32_t *local,
    struct graph *sub)
{
	size_t i, e, nnz = 0;

	for (i = 0; i < m; i++)
		nnz += g->start[vs[i] + 1] - g->start[vs[i]];
	sub->n = m;
	sub->start = emb_alloc(m + 1, sizeof *sub->start);
	sub->col = emb_alloc(nnz ? nnz : 1, sizeof *sub->col);
	sub->w = emb_alloc(nnz ? nnz : 1, sizeof *sub->w);
	nnz = 0;
	for (i = 0; i < m; i++) {
		sub->start[i] = nnz;
		for (e = g->start[vs[i]]; e < g->start[vs[i] + 1]; e++) {
			sub->col[nnz] = local[g->col[e]];
			sub->w[nnz++] = g->w[e];
		}
	}
	sub->start[m] = nnz;
}

struct comp {
	size_t	first, size;
};

static int
bigger(const void *a, const void *b)
{
	const struct comp *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->first < y->first ? -1 : 1;
}

/*
 * Y (n x dim): each connected component embedded on its own (too small
 * ones at random, single points at their centre), in a square of side
 * sqrt(size), the squares packed in shelves left to right, largest first.
 * -1 when an eigensolve did not converge.
 */
int
spectral_layout(const struct graph *g, size_t dim, uint64_t seed, float *Y)
{
	size_t n = g->n, i, e, c, ncomp = 0, head = 0, tail = 0, *order, *members;
	int32_t *label = emb_alloc(n, sizeof *label), *local;
	size_t *queue = emb_alloc(n, sizeof *queue);
	struct comp *comps;
	double width, x = 0, y = 0, shelf = 0, *L;
	int rc = 0;

	for (i = 0; i < n; i++)
		label[i] = -1;
	comps = emb_alloc(n, sizeof *comps);
	for (i = 0; i < n; i++) {
		if (label[i] >= 0)
			continue;
		comps[ncomp] = (struct comp){ i, 0 };
		label[i] = (int32_t)ncomp;
		queue[tail++] = i;
		while (head < tail) {
			size_t v = queue[head++];

			comps[ncomp].size++;
			for (e = g->start[v]; e < g->start[v + 1]; e++)
				if (label[g->col[e]] < 0) {
					label[g->col[e]] = (int32_t)ncomp;
					queue[tail++] = (size_t)g->col[e];
				}
		}
		ncomp++;
	}
	if (ncomp == 1) {
		L = emb_alloc(emb_mul(n, dim), sizeof *L);
		rc = n > dim + 1 ? embed_component(g, dim, seed, L) : -1;
		for (i = 0; rc == 0 && i < n; i++)
			for (c = 0; c < dim; c++)
				Y[i * dim + c] = (float)L[c * n + i];
		free(L);
		free(label);
		free(queue);
		free(comps);
		return rc;
	}
	/* members of each component, ascending, in one array */
	order = emb_zalloc(ncomp + 1, sizeof *order);
	for (i = 0; i < n; i++)
		order[label[i] + 1]++;
	for (c = 0; c < ncomp; c++)
		order[c + 1] += order[c];
	members = queue;
	{
		size_t *fill = emb_alloc(ncomp, sizeof *fill);

		memcpy(fill, order, ncomp * sizeof *fill);
		for (i = 0; i < n; i++)
			members[fill[label[i]]++] = i;
		free(fill);
	}
	local = emb_alloc(n, sizeof *local);
	for (c = 0; c < ncomp; c++)
		for (i = order[c]; i < order[c + 1]; i++)
			local[members[i]] = (int32_t)(i - order[c]);
	for (c = 0; c < ncomp; c++)
		comps[c].first = c;	/* now: the component's number */
	qsort(comps, ncomp, sizeof *comps, bigger);
	width = fmax(1.5 * sqrt((double)n), sqrt((double)comps[0].size));
	L = emb_alloc(emb_mul(comps[0].size, dim), sizeof *L);
	for (size_t q = 0; q < ncomp && rc == 0; q++) {
		size_t id = comps[q].first, m = comps[q].size, *vs = members + order[id];
		double side = sqrt((double)m), cx, cy;

		if (m > 2 * dim + 1) {
			struct graph sub;

			subgraph(g, vs, m, local, &sub);
			rc = embed_component(&sub, dim, seed + q, L);
			graph_free(&sub);
		} else {
			struct emb_rng rng;

			emb_rng_seed(&rng, seed + q);
			for (i = 0; i < m * dim; i++)
				L[i] = m == 1 ? 0 : 2 * emb_rng_uniform(&rng) - 1;
		}
		if (dim > 1 && x + side > width) {
			x = 0;
			y += shelf;
			shelf = 0;
		}
		cx = x + side / 2;
		cy = y + side / 2;
		x += side * 1.25;
		shelf = fmax(shelf, side * 1.25);
		for (i = 0; i < m; i++)
			for (size_t d = 0; d < dim; d++)
				Y[vs[i] * dim + d] = (float)(L[d * m + i] * side / 2 +
				    (d == 0 ? cx : d == 1 ? cy : 0));
	}
	free(L);
	free(local);
	free(order);
	free(label);
	free(queue);
	free(comps);
	return rc;
}
