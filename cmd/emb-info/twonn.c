/*
 * Neighbourhoods of the distinct sample rows against a null model, the same
 * rows with every column shuffled on its own: the same marginals, no joint
 * structure.  For each, the mean distance to the CHECK_K nearest, the
 * intrinsic dimension by TwoNN (Facco, d'Errico, Rodriguez and Laio 2017)
 * and hubness (Radovanovic et al. 2010).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "knn.h"

/*
 * The maximum-likelihood TwoNN estimate: with mu = r2 / r1 Pareto
 * distributed, d = N / sum(log mu) over the N points whose r1 > 0.
 */
double
twonn_mle(const float *dist, size_t n, size_t k, size_t *used)
{
	double s = 0;
	size_t i, u = 0;

	for (i = 0; i < n; i++)
		if (dist[i * k] > 0) {
			s += log((double)dist[i * k + 1] / dist[i * k]);
			u++;
		}
	*used = u;
	return s > 0 ? u / s : INFINITY;
}

static double
skewness(const int32_t *idx, size_t n, size_t k)
{
	size_t *count = emb_zalloc(n, sizeof *count), i;
	double mean = (double)k, m2 = 0, m3 = 0, t;

	for (i = 0; i < n * k; i++)
		count[idx[i]]++;
	for (i = 0; i < n; i++) {
		t = count[i] - mean;
		m2 += t * t;
		m3 += t * t * t;
	}
	free(count);
	m2 /= n;
	m3 /= n;
	return m2 > 0 ? m3 / pow(m2, 1.5) : 0;
}

static void
hood(struct hood *h, float *x, size_t n, size_t d, const size_t *frow,
    const struct check *c, const struct check_opts *o)
{
	size_t k = CHECK_K, i, j, same = 0;
	int32_t *idx = emb_alloc(emb_mul(n, k), sizeof *idx);
	float *dist = emb_alloc(emb_mul(n, k), sizeof *dist);
	struct knn_opts ko;
	double s = 0;

	knn_opts_init(&ko);
	ko.seed = o->seed;
	ko.progress = emb_verbose > 0;
	h->method = knn_method_name(knn_graph_build(x, n, d, k, KNN_EUCLIDEAN, &ko,
	    idx, dist));
	h->n = n;
	for (i = 0; i < n * k; i++)
		s += dist[i];
	h->knn_mean = s / (n * k);
	h->twonn = twonn_mle(dist, n, k, &h->ntwonn);
	h->hubness = skewness(idx, n, k);
	h->same_class = NAN;
	if (c->cfield >= 0 && frow != NULL) {
		for (i = 0; i < n; i++)
			for (j = 0; j < k; j++)
				same += strcmp(emb_label(c->f, frow[i], c->cfield),
				    emb_label(c->f, frow[idx[i * k + j]], c->cfield)) == 0;
		h->same_class = (double)same / (n * k);
	}
	free(dist);
	free(idx);
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct keyed {
	uint64_t	 hash;
	size_t		 i;
};

static int
by_hash(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The sample rows that differ from every earlier one, ascending. */
static size_t *
distinct(const struct check *c, size_t *nout)
{
	size_t m = c->m, d = c->f->cols, i, j, r, q, n = 0;
	struct keyed *k = emb_alloc(m, sizeof *k);
	unsigned char *dup = emb_zalloc(m, 1);
	float *tmp = emb_alloc(d, sizeof *tmp);
	size_t *keep = emb_alloc(m, sizeof *keep);

	for (i = 0; i < m; i++) {
		for (j = 0; j < d; j++)
			tmp[j] = c->x[i * d + j] == 0 ? 0.0f : c->x[i * d + j];
		k[i].hash = emb_hash(tmp, d * sizeof *tmp);
		k[i].i = i;
	}
	qsort(k, m, sizeof *k, by_hash);
	for (i = 0; i < m; i = r) {
		for (r = i + 1; r < m && k[r].hash == k[i].hash; r++)
			;
		for (j = i + 1; j < r; j++)
			for (q = i; q < j && !dup[k[j].i]; q++) {
				const float *a = c->x + k[q].i * d, *b = c->x + k[j].i * d;
				size_t l;
				if (dup[k[q].i])
					continue;
				for (l = 0; l < d && a[l] == b[l]; l++)
					;
				dup[k[j].i] = l == d;
			}
	}
	for (i = 0; i < m; i++)
		if (!dup[i])
			keep[n++] = i;
	free(tmp);
	free(dup);
	free(k);
	*nout = n;
	return keep;
}

void
neighbourhoods(struct check *c, const struct check_opts *o)
{
	size_t d = c->f->cols, n, i, j, t, *keep = distinct(c, &n), *frow;
	float *x, *y, v;
	struct emb_rng rng;
	double chance = 0;

	c->distinct = n;
	if (n <= 2 * CHECK_K) {
		free(keep);
		return;
	}
	x = emb_alloc(emb_mul(n, d), sizeof *x);
	frow = emb_alloc(n, sizeof *frow);
	for (i = 0; i < n; i++) {
		memcpy(x + i * d, c->x + keep[i] * d, d * sizeof *x);
		frow[i] = c->rows[keep[i]];
	}
	hood(&c->data, x, n, d, frow, c, o);
	/* the null model: Fisher-Yates on each column */
	y = x;
	emb_rng_seed(&rng, o->seed + 2);
	for (j = 0; j < d; j++)
		for (i = n - 1; i > 0; i--) {
			t = emb_rng_below(&rng, i + 1);
			v = y[i * d + j];
			y[i * d + j] = y[t * d + j];
			y[t * d + j] = v;
		}
	hood(&c->null, y, n, d, NULL, c, o);
	if (c->cfield >= 0) {
		/* chance: another row drawn at random has the same label */
		char **lab = emb_alloc(n, sizeof *lab);
		for (i = 0; i < n; i++)
			lab[i] = (char *)emb_label(c->f, frow[i], c->cfield);
		qsort(lab, n, sizeof *lab, by_string);
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && strcmp(lab[i], lab[j]) == 0; j++)
				;
			chance += (double)(j - i) * (j - i - 1);
		}
		c->class_chance = chance / ((double)n * (n - 1));
		free(lab);
	}
	c->have_hood = 1;
	free(frow);
	free(x);
	free(keep);
}
