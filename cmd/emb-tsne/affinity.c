/* Affinities: conditional probabilities over the neighbours, symmetrised. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tsne.h"

size_t
needed_k(const struct options *o, size_t n)
{
	double p = 0;
	size_t s, k;

	if (o->affinity == A_UNIFORM)
		return o->k;
	for (s = 0; s < o->nscales; s++)
		if (o->perplexity[s] > p)
			p = o->perplexity[s];
	k = (size_t)(3 * p);
	if (k < 1)
		k = 1;
	return k < n ? k : n - 1;
}

/*
 * The Gaussian over one row's squared distances d (shifted by their least,
 * which changes nothing after normalising but keeps exp() from underflowing)
 * whose entropy is log(perplexity), by bisection on the precision beta as
 * scikit-learn does it: P gets the normalised row, added times w.
 */
static void
gauss_row(const float *d, size_t k, double perplexity, double w, double *P,
    double *tmp)
{
	double target = log(perplexity), beta = 1, lo = -INFINITY, hi = INFINITY;
	double sum, dsum, h, m = d[0], mean = 0;
	size_t j;
	int step;

	for (j = 1; j < k; j++)
		if (d[j] < m)
			m = d[j];
	/* start at the scale of the distances, not at 1: fewer steps */
	for (j = 0; j < k; j++)
		mean += d[j] - m;
	if (mean > 0 && isfinite(mean))
		beta = k / mean;
	for (step = 0; step < 100; step++) {
		sum = dsum = 0;
		for (j = 0; j < k; j++) {
			tmp[j] = exp(-(d[j] - m) * beta);
			sum += tmp[j];
			dsum += (d[j] - m) * tmp[j];
		}
		h = log(sum) + beta * dsum / sum;
		if (fabs(h - target) <= 1e-5)
			break;
		if (h > target) {
			lo = beta;
			beta = hi == INFINITY ? beta * 2 : (beta + hi) / 2;
		} else {
			hi = beta;
			beta = lo == -INFINITY ? beta / 2 : (beta + lo) / 2;
		}
	}
	for (j = 0; j < k; j++)
		P[j] += w * tmp[j] / sum;
}

static int
by_col(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Sort one row's (column, value) pairs by column, stably enough: ties summed later. */
static void
sort_row(int32_t *col, float *val, size_t k, int32_t *pair)
{
	size_t j;

	for (j = 0; j < k; j++) {
		pair[2 * j] = col[j];
		memcpy(&pair[2 * j + 1], &val[j], sizeof(float));
	}
	qsort(pair, k, 2 * sizeof *pair, by_col);
	for (j = 0; j < k; j++) {
		col[j] = pair[2 * j];
		memcpy(&val[j], &pair[2 * j + 1], sizeof(float));
	}
}

/*
 * Merge row i of the conditional matrix (a, sorted) with column i (b, sorted
 * by row): with out == NULL only count the union.
 */
static float
lookup(const int32_t *col, const float *cond, size_t k, int32_t row, int32_t want)
{
	const int32_t *c = &col[(size_t)row * k];
	size_t lo = 0, hi = k, mid;
	float v = 0;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c[mid] < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* a graph may list a neighbour twice: both count, as in the row */
	for (; lo < k && c[lo] == want; lo++)
		v += cond[(size_t)row * k + lo];
	return v;
}

static size_t
merge(const int32_t *col, const float *cond, size_t k, size_t i,
    const int32_t *bc, size_t nb, double scale, int32_t *oc, float *ov)
{
	const int32_t *ac = &col[i * k];
	const float *av = &cond[i * k];
	size_t x = 0, y = 0, m = 0, na = k;
	int32_t c, self = (int32_t)i;
	double v;

	while (x < na || y < nb) {
		if (y == nb || (x < na && ac[x] <= bc[y]))
			c = ac[x];
		else
			c = bc[y];
		v = 0;
		while (x < na && ac[x] == c)
			v += av[x++];
		if (y < nb && bc[y] == c) {
			if (oc != NULL)
				v += lookup(col, cond, k, c, self);
			while (y < nb && bc[y] == c)
				y++;
		}
		if (c == self)
			continue;
		if (oc != NULL) {
			oc[m] = c;
			ov[m] = (float)(v * scale);
		}
		m++;
	}
	return m;
}

/*
 * P from the first k of gk neighbours a row (idx, dist: n x gk), which are
 * overwritten: each row's first k columns become its conditional
 * probabilities, sorted by column, packed k a row.  square: the distances
 * are Euclidean and are squared first.
 */
void
affinities(struct csr *P, int32_t *idx, float *dist, size_t n, size_t gk,
    size_t k, int square, const struct options *o)
{
	int32_t *col = idx, *tcol;
	float *cond = dist;
	size_t *tptr = emb_zalloc(n + 1, sizeof *tptr), *fill, i, j, nnz;
	double scale = 1.0 / (2.0 * (double)n);

	/* packed in place, forwards: row r moves from r * gk down to r * k */
	if (gk != k)
		for (i = 0; i < n; i++) {
			memmove(&col[i * k], &idx[i * gk], k * sizeof *col);
			memmove(&cond[i * k], &dist[i * gk], k * sizeof *cond);
		}

#pragma omp parallel
	{
		double *Pi = emb_alloc(k, sizeof *Pi), *tmp = emb_alloc(k, sizeof *tmp);
		float *d = emb_alloc(k, sizeof *d);
		int32_t *pair = emb_alloc(2 * k, sizeof *pair);
		size_t r, c, s;

#pragma omp for schedule(static)
		for (r = 0; r < n; r++) {
			for (c = 0; c < k; c++) {
				double x = cond[r * k + c];
				d[c] = (float)(square ? x * x : x);
				Pi[c] = 0;
			}
			if (o->affinity == A_UNIFORM)
				for (c = 0; c < k; c++)
					Pi[c] = 1.0 / (double)k;
			else
				for (s = 0; s < o->nscales; s++)
					gauss_row(d, k, o->perplexity[s],
					    1.0 / (double)o->nscales, Pi, tmp);
			for (c = 0; c < k; c++)
				cond[r * k + c] = (float)Pi[c];
			sort_row(&col[r * k], &cond[r * k], k, pair);
		}
		free(Pi);
		free(tmp);
		free(d);
		free(pair);
	}

	/* the transpose, each of its rows in ascending order of source row */
	for (i = 0; i < n * k; i++)
		tptr[col[i] + 1]++;
	for (i = 0; i < n; i++)
		tptr[i + 1] += tptr[i];
	fill = emb_alloc(n, sizeof *fill);
	memcpy(fill, tptr, n * sizeof *fill);
	tcol = emb_alloc(emb_mul(n, k), sizeof *tcol);
	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++)
			tcol[fill[col[i * k + j]]++] = (int32_t)i;
	free(fill);

	P->n = n;
	P->ptr = emb_alloc(n + 1, sizeof *P->ptr);
	P->ptr[0] = 0;
	for (i = 0; i < n; i++)
		P->ptr[i + 1] = P->ptr[i] + merge(col, cond, k, i, &tcol[tptr[i]],
		    tptr[i + 1] - tptr[i], scale, NULL, NULL);
	nnz = P->ptr[n];
	P->col = emb_alloc(nnz ? nnz : 1, sizeof *P->col);
	P->val = emb_alloc(nnz ? nnz : 1, sizeof *P->val);
#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++)
		merge(col, cond, k, i, &tcol[tptr[i]], tptr[i + 1] - tptr[i], scale,
		    &P->col[P->ptr[i]], &P->val[P->ptr[i]]);
	free(tptr);
	free(tcol);
	P->total = P->plogp = 0;
	for (i = 0; i < nnz; i++)
		if (P->val[i] > 0) {
			P->total += P->val[i];
			P->plogp += P->val[i] * log((double)P->val[i]);
		}
}

void
csr_free(struct csr *P)
{
	free(P->ptr);
	free(P->col);
	free(P->val);
}

/* --affinities-out: "row<TAB>column<TAB>p" a line, 0-based. */
void
write_affinities(const char *path, const struct csr *P)
{
	FILE *f = fopen(path, "w");
	size_t i, e;

	if (f == NULL)
		emb_err(path, "%s", strerror(errno));
	for (i = 0; i < P->n; i++)
		for (e = P->ptr[i]; e < P->ptr[i + 1]; e++)
			fprintf(f, "%zu\t%d\t%.9g\n", i, P->col[e], (double)P->val[e]);
	if (ferror(f) | fclose(f))
		emb_err(path, "%s", strerror(errno));
}
