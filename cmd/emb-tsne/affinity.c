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
	double sum, dsum, h, m = d[0];
	size_t j;
	int step;

	for (j = 1; j < k; j++)
		if (d[j] < m)
			m = d[j];
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
static size_t
merge(const int32_t *ac, const float *av, size_t na, const int32_t *bc,
    const float *bv, size_t nb, int32_t self, double scale, int32_t *oc, float *ov)
{
	size_t x = 0, y = 0, m = 0;
	int32_t c;
	double v;

	while (x < na || y < nb) {
		if (y == nb || (x < na && ac[x] <= bc[y]))
			c = ac[x];
		else
			c = bc[y];
		v = 0;
		while (x < na && ac[x] == c)
			v += av[x++];
		while (y < nb && bc[y] == c)
			v += bv[y++];
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
 * P from the first k of gk neighbours a row (idx, dist: n x gk).  dist is
 * overwritten with the conditional probabilities.  square: the distances
 * are Euclidean and are squared first.
 */
void
affinities(struct csr *P, const int32_t *idx, float *dist, size_t n, size_t gk,
    size_t k, int square, const struct options *o)
{
	int32_t *col = emb_alloc(emb_mul(n, k), sizeof *col);
	float *cond = emb_alloc(emb_mul(n, k), sizeof *cond);
	size_t *tptr = emb_zalloc(n + 1, sizeof *tptr), *fill, i, j, nnz;
	int32_t *tcol;
	float *tval;
	double scale = 1.0 / (2.0 * (double)n);

#pragma omp parallel
	{
		double *Pi = emb_alloc(k, sizeof *Pi), *tmp = emb_alloc(k, sizeof *tmp);
		float *d = emb_alloc(k, sizeof *d);
		int32_t *pair = emb_alloc(2 * k, sizeof *pair);
		size_t r, c, s;

#pragma omp for schedule(static)
		for (r = 0; r < n; r++) {
			for (c = 0; c < k; c++) {
				double x = dist[r * gk + c];
				d[c] = (float)(square ? x * x : x);
				col[r * k + c] = idx[r * gk + c];
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
	(void)dist;

	/* the transpose, each of its rows in ascending order of source row */
	for (i = 0; i < n * k; i++)
		tptr[col[i] + 1]++;
	for (i = 0; i < n; i++)
		tptr[i + 1] += tptr[i];
	fill = emb_alloc(n, sizeof *fill);
	memcpy(fill, tptr, n * sizeof *fill);
	tcol = emb_alloc(emb_mul(n, k), sizeof *tcol);
	tval = emb_alloc(emb_mul(n, k), sizeof *tval);
	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++) {
			size_t at = fill[col[i * k + j]]++;
			tcol[at] = (int32_t)i;
			tval[at] = cond[i * k + j];
		}
	free(fill);

	P->n = n;
	P->ptr = emb_alloc(n + 1, sizeof *P->ptr);
	P->ptr[0] = 0;
	for (i = 0; i < n; i++)
		P->ptr[i + 1] = P->ptr[i] + merge(&col[i * k], &cond[i * k], k,
		    &tcol[tptr[i]], &tval[tptr[i]], tptr[i + 1] - tptr[i],
		    (int32_t)i, scale, NULL, NULL);
	nnz = P->ptr[n];
	P->col = emb_alloc(nnz ? nnz : 1, sizeof *P->col);
	P->val = emb_alloc(nnz ? nnz : 1, sizeof *P->val);
#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++)
		merge(&col[i * k], &cond[i * k], k, &tcol[tptr[i]], &tval[tptr[i]],
		    tptr[i + 1] - tptr[i], (int32_t)i, scale, &P->col[P->ptr[i]],
		    &P->val[P->ptr[i]]);
	free(col);
	free(cond);
	free(tptr);
	free(tcol);
	free(tval);
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
