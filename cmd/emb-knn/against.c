/*
 * --against: how well a map keeps the neighbourhoods of the data it was
 * made from.  For each scored row i, N(i) its k nearest in the reference,
 * M(i) in the map, r(i, j) the rank of j by distance from i (1 nearest;
 * ties by index):
 *   kNN preservation  mean |N(i) & M(i)| / k
 *   trustworthiness   1 - 2 / (m k (2n - 3k - 1)) sum_i sum_{j in M(i) \ N(i)} (r_ref(i, j) - k)
 *   continuity        the same with the two spaces swapped
 * (Venna and Kaski 2001, as sklearn.manifold.trustworthiness computes it),
 * and with --class the leave-one-out k-NN vote accuracy in the map.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "emb-knn.h"

#define QB	16	/* rows scored together */
#define DIRECT	16	/* maps of up to this many columns: distances without sgemm */

struct space {
	const float	*X;	/* n x d, centred for the euclidean metric */
	float		*own;
	float		*T;	/* d x n, the map transposed: direct distances */
	float		*sq;	/* squared norms */
	size_t		 d;
	enum knn_metric	 metric;
};

struct sums {
	uint64_t	shared, trust, cont, correct;
};

static void
space_init(struct space *s, const struct emb_frame *f, enum knn_metric metric,
    int direct)
{
	size_t n = f->rows, d = f->cols, i, j;
	double *mean, t;

	memset(s, 0, sizeof *s);
	s->d = d;
	s->metric = metric;
	s->X = f->data;
	if (metric == KNN_COSINE) {
		s->X = s->own = knn_unit_rows(f->data, n, d);
	} else if (metric == KNN_EUCLIDEAN) {
		/* centred, for the precision of ||x||^2 + ||y||^2 - 2 x.y */
		mean = emb_zalloc(d, sizeof *mean);
		for (i = 0; i < n; i++)
			for (j = 0; j < d; j++)
				mean[j] += f->data[i * d + j];
		s->own = emb_alloc(emb_mul(n, d), sizeof *s->own);
		for (i = 0; i < n; i++)
			for (j = 0; j < d; j++)
				s->own[i * d + j] = (float)(f->data[i * d + j] - mean[j] / n);
		s->X = s->own;
		free(mean);
	}
	if (direct && metric == KNN_EUCLIDEAN && d <= DIRECT) {
		s->T = emb_alloc(emb_mul(n, d), sizeof *s->T);
		for (i = 0; i < n; i++)
			for (j = 0; j < d; j++)
				s->T[j * n + i] = s->X[i * d + j];
		return;
	}
	s->sq = emb_alloc(n, sizeof *s->sq);
	for (i = 0; i < n; i++) {
		for (t = 0, j = 0; j < d; j++)
			t += (double)s->X[i * d + j] * s->X[i * d + j];
		s->sq[i] = (float)t;
	}
}

static void
space_free(struct space *s)
{
	free(s->own);
	free(s->T);
	free(s->sq);
}

/* D (nq x n): from rows[0..nq) to every row, in an order-preserving form; self at infinity. */
static void
distances(const struct space *s, const size_t *rows, size_t nq, size_t n,
    float *Q, float *D)
{
	size_t q, j, l, d = s->d;
	float *row, t, x;

	if (s->T != NULL) {
		for (q = 0; q < nq; q++) {
			row = D + q * n;
			for (l = 0; l < n; l++)
				row[l] = 0;
			for (j = 0; j < d; j++) {
				const float *c = s->T + j * n;
				x = s->X[rows[q] * d + j];
#pragma omp simd
				for (l = 0; l < n; l++) {
					float t = c[l] - x;
					row[l] += t * t;
				}
			}
			row[rows[q]] = INFINITY;
		}
		return;
	}
	for (q = 0; q < nq; q++)
		memcpy(Q + q * d, s->X + rows[q] * d, d * sizeof *Q);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nq, (int)n, (int)d,
	    1, Q, (int)d, s->X, (int)d, 0, D, (int)n);
	for (q = 0; q < nq; q++) {
		row = D + q * n;
		if (s->metric == KNN_EUCLIDEAN) {
			x = s->sq[rows[q]];
#pragma omp simd
			for (l = 0; l < n; l++) {
				float t = x + s->sq[l] - 2 * row[l];
				row[l] = t > 0 ? t : 0;
			}
		} else {
			t = s->metric == KNN_COSINE ? 1 : 0;
#pragma omp simd
			for (l = 0; l < n; l++)
				row[l] = t - row[l];
		}
		row[rows[q]] = INFINITY;
	}
}

/* The k smallest of D, ascending, ties by index. */
static void
smallest(const float *D, size_t n, size_t k, int32_t *out)
{
	size_t have = 0, l, u;
	int32_t j;

	for (l = 0; l < n; l++) {
		if (have == k && !(D[l] < D[out[k - 1]]))
			continue;	/* a tie comes later in the index order */
		u = have < k ? have++ : k - 1;
		for (j = (int32_t)l; u > 0 && D[l] < D[out[u - 1]]; u--)
			out[u] = out[u - 1];
		out[u] = j;
	}
}

/* The rank of row j by D: 1 + the rows before it. */
static size_t
rank_of(const float *D, size_t n, size_t j)
{
	float t = D[j];
	size_t lt = 0, eq = 0, l;

#pragma omp simd reduction(+:lt, eq)
	for (l = 0; l < n; l++) {
		lt += D[l] < t;
		eq += D[l] == t;
	}
	if (eq > 1)
		for (eq = 0, l = 0; l < j; l++)
			eq += D[l] == t;
	else
		eq = 0;
	return lt + eq + 1;
}

static int
member(const int32_t *set, size_t k, int32_t j)
{
	size_t s;

	for (s = 0; s < k; s++)
		if (set[s] == j)
			return 1;
	return 0;
}

/* The class most of nb has; a tie goes to the smallest class. */
static int32_t
vote(const int32_t *cls, const int32_t *nb, size_t k, int32_t *count)
{
	size_t s;
	int32_t best = -1, c;

	for (s = 0; s < k; s++)
		count[cls[nb[s]]] = 0;
	for (s = 0; s < k; s++)
		count[cls[nb[s]]]++;
	for (s = 0; s < k; s++) {
		c = cls[nb[s]];
		if (best < 0 || count[c] > count[best] ||
		    (count[c] == count[best] && c < best))
			best = c;
	}
	return best;
}

static int
by_label(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y);
}

/* Each row's class as a number, numbered in the byte order of the labels. */
static int32_t *
classes(const struct emb_frame *f, int field, size_t *nclasses)
{
	size_t n = f->rows, i, u = 0;
	const char **names = emb_alloc(n, sizeof *names);
	int32_t *cls = emb_alloc(n, sizeof *cls);
	struct words *w = words_new(n);

	for (i = 0; i < n; i++)
		names[i] = emb_label(f, i, field);
	qsort(names, n, sizeof *names, by_label);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			words_add(w, names[i], (int64_t)u++);
	for (i = 0; i < n; i++)
		cls[i] = (int32_t)words_get(w, emb_label(f, i, field));
	*nclasses = u;
	words_free(w);
	free(names);
	return cls;
}

static void
check_same_rows(const struct emb_frame *map, const char *mapname,
    const struct emb_frame *ref, const char *refname)
{
	int field;
	size_t i;
	const char *a, *b;

	if (ref->rows != map->rows)
		emb_err(refname, "%zu rows, but the map (%s) has %zu", ref->rows, mapname,
		    map->rows);
	if (map->nfields == 0 || ref->nfields == 0 ||
	    (field = emb_field_index(ref, map->fieldnames[0])) < 0)
		return;
	for (i = 0; i < map->rows; i++) {
		a = emb_label(map, i, 0);
		b = emb_label(ref, i, field);
		if (strcmp(a, b) != 0)
			emb_err(refname, "row %zu is '%s', but '%s' in the map (%s)",
			    i, emb_quote_n(b, strnlen(b, 40)),
			    emb_quote_n(a, strnlen(a, 40)), mapname);
	}
}

static void
score_rows(const struct space *ref, const struct space *map, const size_t *rows,
    size_t m, size_t n, size_t k, const int32_t *cls, size_t ncls, int threads,
    struct sums *out)
{
	uint64_t shared = 0, trust = 0, cont = 0, correct = 0;
	size_t nb = (m + QB - 1) / QB, b, done = 0;
	int oblas = openblas_get_num_threads();

	openblas_set_num_threads(1);
#pragma omp parallel num_threads(threads) reduction(+:shared, trust, cont, correct)
	{
		size_t dq = ref->d > map->d ? ref->d : map->d, q, s, nq, r;
		float *Q = emb_alloc(emb_mul(QB, dq), sizeof *Q);
		float *Dr = emb_alloc(emb_mul(QB, n), sizeof *Dr);
		float *Dm = emb_alloc(emb_mul(QB, n), sizeof *Dm);
		int32_t *nr = emb_alloc(k, sizeof *nr), *nm = emb_alloc(k, sizeof *nm);
		int32_t *count = cls ? emb_alloc(ncls, sizeof *count) : NULL;

#pragma omp for schedule(dynamic, 1)
		for (b = 0; b < nb; b++) {
			nq = m - b * QB < QB ? m - b * QB : QB;
			distances(ref, rows + b * QB, nq, n, Q, Dr);
			distances(map, rows + b * QB, nq, n, Q, Dm);
			for (q = 0; q < nq; q++) {
				smallest(Dr + q * n, n, k, nr);
				smallest(Dm + q * n, n, k, nm);
				for (s = 0; s < k; s++) {
					if (member(nr, k, nm[s])) {
						shared++;
						continue;
					}
					r = rank_of(Dr + q * n, n, (size_t)nm[s]);
					trust += r > k ? r - k : 0;
				}
				for (s = 0; s < k; s++) {
					if (member(nm, k, nr[s]))
						continue;
					r = rank_of(Dm + q * n, n, (size_t)nr[s]);
					cont += r > k ? r - k : 0;
				}
				if (cls != NULL)
					correct += vote(cls, nm, k, count) == cls[rows[b * QB + q]];
			}
#pragma omp atomic
			done++;
			if (omp_get_thread_num() == 0) {
				size_t now;
#pragma omp atomic read
				now = done;
				emb_progress("neighbourhood scores", now, nb);
			}
		}
		free(Q);
		free(Dr);
		free(Dm);
		free(nr);
		free(nm);
		free(count);
	}
	openblas_set_num_threads(oblas);
	emb_progress("neighbourhood scores", nb, nb);
	out->shared = shared;
	out->trust = trust;
	out->cont = cont;
	out->correct = correct;
}

void
score_against(const struct opts *o)
{
	const char *mapname = o->input ? o->input : "stdin";
	struct emb_frame map, ref;
	struct space sr, sm;
	struct sums sum;
	size_t n, k = o->k ? o->k : DEFAULT_K_TEXT, m, ncls = 0;
	size_t *rows;
	int32_t *cls = NULL;
	int field = -1, threads = o->knn.threads > 0 ? o->knn.threads :
	    omp_get_max_threads();
	double norm;

	read_points(o->input, &map);
	read_points(o->against, &ref);
	check_same_rows(&map, mapname, &ref, o->against);
	check_finite(mapname, &map);
	check_finite(o->against, &ref);
	n = map.rows;
	if (2 * k >= n)
		emb_err(NULL, "k = %zu with %zu rows: the scores need k < rows / 2", k, n);
	if (o->classfield != NULL) {
		if ((field = emb_field_index(&map, o->classfield)) >= 0)
			cls = classes(&map, field, &ncls);
		else if ((field = emb_field_index(&ref, o->classfield)) >= 0)
			cls = classes(&ref, field, &ncls);
		else
			emb_err(mapname, "no label field '%s' here or in %s",
			    emb_quote(o->classfield), o->against);
	}
	m = o->sample && o->sample < n ? o->sample : n;
	rows = sample_rows(n, m, o->knn.seed);
	space_init(&sr, &ref, o->metric, 0);
	space_init(&sm, &map, KNN_EUCLIDEAN, 1);
	score_rows(&sr, &sm, rows, m, n, k, cls, ncls, threads, &sum);

	norm = 2.0 / ((double)m * k * (2.0 * n - 3.0 * k - 1.0));
	emb_printf(stdout, "k\t%zu\nrows\t%zu\n", k, m);
	emb_printf(stdout, "knn_preservation\t%.6f\n", (double)sum.shared / ((double)m * k));
	emb_printf(stdout, "trustworthiness\t%.6f\n", 1 - norm * (double)sum.trust);
	emb_printf(stdout, "continuity\t%.6f\n", 1 - norm * (double)sum.cont);
	if (cls != NULL)
		emb_printf(stdout, "knn_accuracy\t%.6f\n", (double)sum.correct / m);
	space_free(&sr);
	space_free(&sm);
	free(rows);
	free(cls);
	emb_frame_free(&map);
	emb_frame_free(&ref);
}
