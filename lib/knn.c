/*
 * k-nearest-neighbour graphs.
 *
 * Exact: squared distances ||x||^2 + ||y||^2 - 2 x.y by blocks with sgemm,
 * clamped at zero, each block of the upper triangle feeding the bounded
 * heaps of its rows and of its columns.  Blocks are processed in rounds of
 * a round-robin tournament, so that threads never share a heap.
 *
 * Approximate: NN-descent (Dong, Charikar and Li 2011) started from the leaves
 * of random-projection trees, as pynndescent and uwot do it, with their
 * default parameters.  Work is split so that every heap has one owner
 * thread, and randomness is a hash of (seed, round, row): the graph does not
 * depend on the number of threads.
 *
 * Heaps order entries by (distance, index), a total order: the k kept are
 * the k smallest of everything pushed, whatever the order of the pushes.
 * The distances finally stored are recomputed in double precision.
 */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "emb.h"
#include "knn.h"

#define BLOCK		512	/* rows in one sgemm block */
#define EXTRA		3	/* exact search keeps this many spares against rounding */
/*
 * NN-descent joins ND_BLOCK rows, ND_CHUNK a task, between two refreshes of
 * the thresholds, and the leaves of ND_TREE_BATCH * ND_CHUNK / 8 tree leaves:
 * their updates wait in memory, so these bound what a round holds beyond
 * the graph (at k = 90, some 10 MB).
 */
#define ND_BLOCK	4096
#define ND_CHUNK	256
#define ND_TREE_BATCH	4
#define ND_CAND		16384	/* rows whose candidates are sampled at a time */
#define ND_MINK		10	/* NN-descent keeps at least this many neighbours by default */
#define EMPTY		INT32_MAX
#define SAMPLED		2

#if defined(__x86_64__) && defined(__GNUC__)
#define VECTORISED	__attribute__((target_clones("avx2", "default")))
#else
#define VECTORISED
#endif

/*
 * Eight floats at a time (GCC and Clang vector extensions; unaligned).  The
 * sums are done lane by lane and then in a fixed order, so that they do not
 * depend on the instruction set the function was compiled for.  Vectors are
 * passed by pointer, never by value: no ABI question.
 */
#define V 8
typedef float vf __attribute__((vector_size(4 * V), aligned(4)));
typedef int32_t vi __attribute__((vector_size(4 * V), aligned(4)));
#define VLOAD(p)	(*(const vf *)(p))
#define VSET(x)		((vf){ 0, 0, 0, 0, 0, 0, 0, 0 } + (float)(x))

static inline __attribute__((always_inline)) int
any_lane(const vi *m)
{
	uint64_t u[4];

	memcpy(u, m, sizeof u);
	return (u[0] | u[1] | u[2] | u[3]) != 0;
}

static inline __attribute__((always_inline)) float
lane_sum(const vf *s)
{
	const float *x = (const float *)s;

	return ((x[0] + x[4]) + (x[1] + x[5])) + ((x[2] + x[6]) + (x[3] + x[7]));
}

void
knn_opts_init(struct knn_opts *o)
{
	memset(o, 0, sizeof *o);
	o->method = KNN_AUTO;
	o->delta = -1;
}

void
knn_resolve(struct knn_opts *out, const struct knn_opts *in, size_t n, size_t d,
    size_t k)
{
	*out = *in;
	if (out->threads <= 0)
		out->threads = omp_get_max_threads();
	if (out->trees == 0) {
		out->trees = 5 + (size_t)llround(pow((double)n, 0.25));
		if (out->trees > 32)
			out->trees = 32;
	}
	if (out->search < k)
		out->search = k > ND_MINK ? k : ND_MINK;
	if (out->search > n - 1)
		out->search = n > 1 ? n - 1 : 1;
	if (out->search < k)
		out->search = k;
	if (out->leaf_size == 0)
		out->leaf_size = out->search > 10 ? out->search : 10;
	if (out->iters == 0) {
		out->iters = n > 1 ? (size_t)llround(log2((double)n)) : 1;
		if (out->iters < 5)
			out->iters = 5;
	}
	if (out->candidates == 0)
		out->candidates = out->search < 60 ? out->search : 60;
	if (out->delta < 0)
		out->delta = 0.001;
	if (out->method == KNN_AUTO)
		out->method = n <= KNN_EXACT_ROWS ||
		    (double)n * n * d <= KNN_EXACT_WORK ? KNN_EXACT : KNN_NNDESCENT;
}

static const char *metric_names[] = { "euclidean", "cosine", "dot" };

int
knn_metric_parse(const char *s, enum knn_metric *m)
{
	size_t i;

	for (i = 0; i < sizeof metric_names / sizeof *metric_names; i++)
		if (strcmp(s, metric_names[i]) == 0) {
			*m = (enum knn_metric)i;
			return 0;
		}
	return -1;
}

const char *
knn_metric_name(enum knn_metric m)
{
	return metric_names[m];
}

const char *
knn_distance_name(enum knn_metric m)
{
	static const char *what[] = { "euclidean distance",
	    "1 - cosine similarity", "negative inner product" };

	return what[m];
}

const char *
knn_method_name(enum knn_method m)
{
	return m == KNN_EXACT ? "exact" : m == KNN_NNDESCENT ? "nndescent" : "auto";
}

size_t
knn_bad_row(const float *X, size_t n, size_t d)
{
	size_t i, j;
	double s;

	for (i = 0; i < n; i++) {
		s = 0;
		for (j = 0; j < d; j++)
			s += (double)X[i * d + j] * X[i * d + j];
		/* also catches NaN and infinities; a sum of squares must stay a float */
		if (!(s <= FLT_MAX / 8))
			return i;
	}
	return n;
}

/* (da, ia) before (db, ib): the order of every heap. */
static inline __attribute__((always_inline)) int
before(float da, int32_t ia, float db, int32_t ib)
{
	return da < db || (da == db && ia < ib);
}

/* Put (d, j) in place of the top of a max-heap of m entries. */
static inline __attribute__((always_inline)) void
heap_replace(float *heap_dist, int32_t *hi, uint8_t *heap_is_new, size_t m, float d,
    int32_t j, uint8_t flag)
{
	size_t p = 0, c;

	for (;;) {
		c = 2 * p + 1;
		if (c >= m)
			break;
		if (c + 1 < m && before(heap_dist[c], hi[c], heap_dist[c + 1], hi[c + 1]))
			c++;
		if (!before(d, j, heap_dist[c], hi[c]))
			break;
		heap_dist[p] = heap_dist[c];
		hi[p] = hi[c];
		if (heap_is_new != NULL)
			heap_is_new[p] = heap_is_new[c];
		p = c;
	}
	heap_dist[p] = d;
	hi[p] = j;
	if (heap_is_new != NULL)
		heap_is_new[p] = flag;
}

static void
heaps_clear(float *heap_dist, int32_t *hi, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		heap_dist[i] = INFINITY;
		hi[i] = EMPTY;
	}
}

static int
threads_in(int want)
{
	return want > 0 ? want : omp_get_max_threads();
}

/* Rows of X (n x d) to unit length in rows of ld floats; zero rows stay zero. */
static float *
normalised(const float *X, size_t n, size_t d, size_t ld)
{
	float *U = emb_zalloc(emb_mul(n, ld), sizeof *U);
	size_t i, j;
	double s;

	for (i = 0; i < n; i++) {
		s = 0;
		for (j = 0; j < d; j++)
			s += (double)X[i * d + j] * X[i * d + j];
		s = s > 0 ? 1 / sqrt(s) : 0;
		for (j = 0; j < d; j++)
			U[i * ld + j] = (float)(X[i * d + j] * s);
	}
	return U;
}

float *
knn_unit_rows(const float *X, size_t n, size_t d)
{
	return normalised(X, n, d, d);
}

/*
 * X less its column means: the same distances, and ||x||^2 + ||y||^2 - 2 x.y
 * without the cancellation that far-off data would suffer in floats.
 */
static float *
centred(const float *X, size_t n, size_t d, size_t ld)
{
	float *C = emb_zalloc(emb_mul(n, ld), sizeof *C);
	double *mean = emb_zalloc(d ? d : 1, sizeof *mean);
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < d; j++)
			mean[j] += X[i * d + j];
	for (j = 0; j < d; j++)
		mean[j] /= n;
	for (i = 0; i < n; i++)
		for (j = 0; j < d; j++)
			C[i * ld + j] = (float)(X[i * d + j] - mean[j]);
	free(mean);
	return C;
}

static double *
row_norms(const float *X, size_t n, size_t d)
{
	double *nr = emb_alloc(n ? n : 1, sizeof *nr), s;
	size_t i, j;

	for (i = 0; i < n; i++) {
		s = 0;
		for (j = 0; j < d; j++)
			s += (double)X[i * d + j] * X[i * d + j];
		nr[i] = sqrt(s);
	}
	return nr;
}

/* x.y, or ||x - y||^2, in double: four sums, for speed, in a fixed order. */
static inline __attribute__((always_inline)) double
dot_or_sqdist(const float *x, const float *y, size_t d, int diff)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0, t1, t2, t3;
	size_t j;

	for (j = 0; j + 4 <= d; j += 4) {
		if (diff) {
			t0 = (double)x[j] - y[j];
			t1 = (double)x[j + 1] - y[j + 1];
			t2 = (double)x[j + 2] - y[j + 2];
			t3 = (double)x[j + 3] - y[j + 3];
			s0 += t0 * t0;
			s1 += t1 * t1;
			s2 += t2 * t2;
			s3 += t3 * t3;
		} else {
			s0 += (double)x[j] * y[j];
			s1 += (double)x[j + 1] * y[j + 1];
			s2 += (double)x[j + 2] * y[j + 2];
			s3 += (double)x[j + 3] * y[j + 3];
		}
	}
	for (; j < d; j++) {
		t0 = diff ? (double)x[j] - y[j] : x[j];
		s0 += diff ? t0 * t0 : t0 * y[j];
	}
	return (s0 + s1) + (s2 + s3);
}

/* The distance stored in a graph, computed in double from the original rows. */
static float
true_distance(const float *x, const float *y, size_t d, enum knn_metric m,
    double nx, double ny)
{
	double s, t;

	if (m == KNN_EUCLIDEAN)
		return (float)sqrt(dot_or_sqdist(x, y, d, 1));
	s = dot_or_sqdist(x, y, d, 0);
	if (m == KNN_DOT)
		return (float)-s;
	t = nx > 0 && ny > 0 ? s / (nx * ny) : 0;
	t = 1 - t;
	return (float)(t < 0 ? 0 : t > 2 ? 2 : t);
}

struct scored {
	float	d;
	int32_t	i;
};

/*
 * From heaps of m entries per row to sorted rows of k: the distances of the
 * candidates recomputed, the k nearest kept.  rid: the row of each heap (NULL:
 * heap q is row q).  With m == k, hi may be idx: a row is read whole first.
 */
static void
sort_candidates(const float *X, size_t n, size_t d, enum knn_metric metric,
    const size_t *rid, size_t nq, size_t m, size_t k, const int32_t *hi,
    int32_t *idx, float *dist, int threads)
{
	double *nr = metric == KNN_COSINE ? row_norms(X, n, d) : NULL;

#pragma omp parallel num_threads(threads)
	{
		struct scored *c = emb_alloc(m, sizeof *c), t;
		size_t q, s, u, r;

#pragma omp for schedule(static)
		for (q = 0; q < nq; q++) {
			r = rid != NULL ? rid[q] : q;
			for (s = 0; s < m; s++)
				if (hi[q * m + s] != EMPTY)
					for (u = 0; u < d; u += 16)
						__builtin_prefetch(X + (size_t)hi[q * m + s] * d + u);
			for (s = 0; s < m; s++) {
				c[s].i = hi[q * m + s];
				c[s].d = c[s].i == EMPTY ? INFINITY :
				    true_distance(X + r * d, X + (size_t)c[s].i * d, d,
				    metric, nr ? nr[r] : 0, nr ? nr[c[s].i] : 0);
			}
			for (s = 1; s < m; s++)
				for (u = s; u > 0 && before(c[u].d, c[u].i, c[u - 1].d,
				    c[u - 1].i); u--) {
					t = c[u];
					c[u] = c[u - 1];
					c[u - 1] = t;
				}
			for (s = 0; s < k; s++) {
				idx[q * k + s] = c[s].i;
				dist[q * k + s] = c[s].d;
			}
		}
		free(c);
	}
	free(nr);
}

/* ---- exact search ---- */

struct exact {
	const float	*X;	/* rows as compared: unit rows for cosine */
	size_t		 n, d;
	size_t		 m;	/* heap size: k and the spares */
	float		*add;	/* per row: v = add[r] + add[c] + scale * x.y */
	float		 scale, floor;
	float		*heap_dist;	/* heaps, m per row */
	int32_t		*hi;
	float		*thr;	/* the top of every heap */
};

static inline __attribute__((always_inline)) void
push_exact(struct exact *e, float *heap_dist, int32_t *hi, float *thr, float v, int32_t j)
{
	if (before(v, j, heap_dist[0], hi[0])) {
		heap_replace(heap_dist, hi, NULL, e->m, v, j, 0);
		*thr = heap_dist[0];
	}
}

/* The lanes of v (columns c0+c..) that passed the thresholds of row r: push them. */
static void __attribute__((noinline))
scan_lanes(struct exact *e, const float *v, const int32_t *mask, size_t n,
    int32_t row, size_t col0, float *rhd, int32_t *rhi, float *rthr, int cols)
{
	size_t l, m = e->m;
	int32_t col;
	float x;

	for (l = 0; l < n; l++) {
		if (!mask[l])
			continue;
		x = v[l] < e->floor ? e->floor : v[l];
		col = (int32_t)(col0 + l);
		if (col == row)
			continue;
		push_exact(e, rhd, rhi, rthr, x, col);
		if (cols)
			push_exact(e, e->heap_dist + (size_t)col * m, e->hi + (size_t)col * m,
			    e->thr + col, x, row);
	}
}

/*
 * Row r of a block of x.y values g: its value v = add[row] + add[col] +
 * scale * x.y against every column c0..c0+nc, checked eight at a time
 * against the heap tops (a heap holds values at or above the floor, so
 * the clamp can wait for the few that pass).
 */
static inline __attribute__((always_inline)) void
scan_row(struct exact *e, const float *g, int32_t row, size_t c0, size_t nc,
    float *rhd, int32_t *rhi, float *rthr, int cols)
{
	const float *add = e->add + c0, *cthr = cols ? e->thr + c0 : NULL;
	vf scale = VSET(e->scale), a = VSET(e->add[row]), v, t = VSET(*rthr);
	float vs[V];
	int32_t ms[V];
	size_t c;
	vi mask;

	for (c = 0; c + V <= nc; c += V) {
		v = a + VLOAD(add + c) + scale * VLOAD(g + c);
		mask = v <= t;
		if (cols)
			mask |= v <= VLOAD(cthr + c);
		if (!any_lane(&mask))
			continue;
		memcpy(vs, &v, sizeof vs);
		memcpy(ms, &mask, sizeof ms);
		scan_lanes(e, vs, ms, V, row, c0 + c, rhd, rhi, rthr, cols);
		t = VSET(*rthr);
	}
	for (; c < nc; c++) {
		vs[0] = e->add[row] + add[c] + e->scale * g[c];
		ms[0] = vs[0] <= *rthr || (cols && vs[0] <= cthr[c]);
		scan_lanes(e, vs, ms, 1, row, c0 + c, rhd, rhi, rthr, cols);
	}
}

/*
 * A block of x.y values G (nr x nc): rows rid[0..nr) against columns
 * c0..c0+nc.  The row heaps are rhd/rhi/rthr (m per row); with cols, the
 * heaps of the columns are fed as well.
 */
VECTORISED static void
scan_block(struct exact *e, const float *G, const size_t *rid, size_t nr,
    size_t c0, size_t nc, float *rhd, int32_t *rhi, float *rthr, int cols)
{
	size_t r;

	for (r = 0; r < nr; r++)
		if (cols)
			scan_row(e, G + r * nc, (int32_t)rid[r], c0, nc, rhd + r * e->m,
			    rhi + r * e->m, rthr + r, 1);
		else
			scan_row(e, G + r * nc, (int32_t)rid[r], c0, nc, rhd + r * e->m,
			    rhi + r * e->m, rthr + r, 0);
}

static void
exact_init(struct exact *e, const float *X, size_t n, size_t d, size_t m,
    enum knn_metric metric, float **own)
{
	size_t i, j;
	double s;

	memset(e, 0, sizeof *e);
	e->n = n;
	e->d = d;
	e->m = m;
	e->X = X;
	*own = NULL;
	if (metric == KNN_COSINE)
		e->X = *own = normalised(X, n, d, d);
	else if (metric == KNN_EUCLIDEAN)
		e->X = *own = centred(X, n, d, d);
	e->add = emb_alloc(n ? n : 1, sizeof *e->add);
	for (i = 0; i < n; i++) {
		s = 0;
		if (metric == KNN_EUCLIDEAN)
			for (j = 0; j < d; j++)
				s += (double)e->X[i * d + j] * e->X[i * d + j];
		e->add[i] = metric == KNN_EUCLIDEAN ? (float)s :
		    metric == KNN_COSINE ? 0.5f : 0;
	}
	e->scale = metric == KNN_EUCLIDEAN ? -2 : -1;
	e->floor = metric == KNN_DOT ? -INFINITY : 0;
}

static void
block_products(const float *A, size_t na, const float *B, size_t nb, size_t d, float *G)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)na, (int)nb, (int)d,
	    1, A, (int)d, B, (int)d, 0, G, (int)nb);
}

/* The heaps of the whole graph, m per row. */
static void
exact_graph(struct exact *e, int threads, int progress)
{
	size_t n = e->n, nb = (n + BLOCK - 1) / BLOCK, players = nb + (nb & 1);
	size_t rounds = players > 1 ? players - 1 : 0, done = 0, i;
	size_t *iota = emb_alloc(n, sizeof *iota);
	int oblas = openblas_get_num_threads();

	for (i = 0; i < n; i++)
		iota[i] = i;
	e->heap_dist = emb_alloc(emb_mul(n, e->m), sizeof *e->heap_dist);
	e->hi = emb_alloc(emb_mul(n, e->m), sizeof *e->hi);
	e->thr = emb_alloc(n, sizeof *e->thr);
	heaps_clear(e->heap_dist, e->hi, n * e->m);
	for (i = 0; i < n; i++)
		e->thr[i] = INFINITY;
	openblas_set_num_threads(1);

#pragma omp parallel num_threads(threads)
	{
		float *G = emb_alloc(BLOCK * BLOCK, sizeof *G);
		size_t b, r, t, p, q, lo, hi, i0, i1, n0, n1;

#pragma omp for schedule(dynamic, 1)
		for (b = 0; b < nb; b++) {
			lo = b * BLOCK;
			hi = lo + BLOCK < n ? lo + BLOCK : n;
			block_products(e->X + lo * e->d, hi - lo, e->X + lo * e->d, hi - lo,
			    e->d, G);
			scan_block(e, G, iota + lo, hi - lo, lo, hi - lo,
			    e->heap_dist + lo * e->m, e->hi + lo * e->m, e->thr + lo, 0);
		}
		/* Round r of the circle method pairs r with the spare player
		 * and r+t with r-t: no block is in two pairs of a round. */
		for (r = 0; r < rounds; r++) {
#pragma omp for schedule(dynamic, 1)
			for (t = 0; t < players / 2; t++) {
				p = t == 0 ? r : (r + t) % rounds;
				q = t == 0 ? rounds : (r + rounds - t) % rounds;
				if (p > q) {
					size_t s = p;
					p = q;
					q = s;
				}
				if (q >= nb)
					continue;
				i0 = p * BLOCK;
				n0 = i0 + BLOCK < n ? BLOCK : n - i0;
				i1 = q * BLOCK;
				n1 = i1 + BLOCK < n ? BLOCK : n - i1;
				block_products(e->X + i0 * e->d, n0, e->X + i1 * e->d, n1,
				    e->d, G);
				scan_block(e, G, iota + i0, n0, i1, n1,
				    e->heap_dist + i0 * e->m, e->hi + i0 * e->m, e->thr + i0, 1);
			}
#pragma omp master
			if (progress)
				emb_progress("exact neighbours", ++done, rounds);
		}
		free(G);
	}
	openblas_set_num_threads(oblas);
	free(iota);
}

void
knn_search_rows(const float *X, size_t n, size_t d, const size_t *rows, size_t nq,
    size_t k, enum knn_metric metric, int threads, int32_t *idx, float *dist)
{
	struct exact e;
	float *own, *heap_dist, *thr;
	int32_t *hi;
	size_t m = k + EXTRA < n - 1 ? k + EXTRA : n - 1, i;
	int oblas = openblas_get_num_threads();

	if (k < 1 || k >= n)
		emb_err(NULL, "k = %zu with %zu rows (1 <= k < rows)", k, n);
	threads = threads_in(threads);
	exact_init(&e, X, n, d, m, metric, &own);
	heap_dist = emb_alloc(emb_mul(nq, m), sizeof *heap_dist);
	hi = emb_alloc(emb_mul(nq, m), sizeof *hi);
	thr = emb_alloc(nq ? nq : 1, sizeof *thr);
	heaps_clear(heap_dist, hi, nq * m);
	for (i = 0; i < nq; i++)
		thr[i] = INFINITY;
	openblas_set_num_threads(1);

#pragma omp parallel num_threads(threads)
	{
		float *G = emb_alloc(64 * BLOCK, sizeof *G);
		float *Q = emb_alloc(emb_mul(64, d), sizeof *Q);
		size_t qb, q0, nb, c0, nc, j;

#pragma omp for schedule(dynamic, 1)
		for (qb = 0; qb < (nq + 63) / 64; qb++) {
			q0 = qb * 64;
			nb = q0 + 64 < nq ? 64 : nq - q0;
			for (j = 0; j < nb; j++)
				memcpy(Q + j * d, e.X + rows[q0 + j] * d, d * sizeof *Q);
			for (c0 = 0; c0 < n; c0 += BLOCK) {
				nc = c0 + BLOCK < n ? BLOCK : n - c0;
				block_products(Q, nb, e.X + c0 * d, nc, d, G);
				scan_block(&e, G, rows + q0, nb, c0, nc, heap_dist + q0 * m,
				    hi + q0 * m, thr + q0, 0);
			}
		}
		free(G);
		free(Q);
	}
	openblas_set_num_threads(oblas);
	sort_candidates(X, n, d, metric, rows, nq, m, k, hi, idx, dist, threads);
	free(heap_dist);
	free(hi);
	free(thr);
	free(e.add);
	free(own);
}

/* ---- NN-descent ---- */

enum { SQEUCLID, ONE_MINUS_DOT, MINUS_DOT };

struct update {
	int32_t	p, q;
	float	d;
};

struct updates {
	struct update	*u;
	size_t		 n, cap;
};

struct nndescent_state {
	const float	*X;	/* n x dpad: the input, or for cosine and dot a copy padded with zeros */
	size_t		 n, dpad, k, ncand;
	int		 kind;
	uint64_t	 seed;
	float		*graph_dist;	/* the graph: heaps of k */
	int32_t		*graph_index;
	uint8_t		*graph_is_new;	/* 1: new since last sampled, SAMPLED: in this round */
	float		*thr;
	/* candidate heaps of ncand entries, by random priority: n rows of */
	int32_t		*new_index, *old_index;		/* candidates, */
	uint32_t	*new_priority, *old_priority;	/* ND_CAND of priorities */
	struct updates	*lists;
	size_t		 nlists;
};

static inline uint64_t
splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline uint64_t
hash_triple(uint64_t a, uint64_t b, uint64_t c)
{
	return splitmix(splitmix(splitmix(a) ^ b) ^ c);
}

/*
 * A distance over d elements, two vectors at a time, the last d mod V one
 * by one (copied into a vector, they stalled on the store: 20 % slower).
 */
static inline __attribute__((always_inline)) float
padded_distance(const float *a, const float *b, size_t d, int kind)
{
	vf s0 = VSET(0), s1 = VSET(0), t0, t1;
	size_t j = 0;
	float s, tail = 0, x;

	if (kind == SQEUCLID) {
		for (; j + 2 * V <= d; j += 2 * V) {
			t0 = VLOAD(a + j) - VLOAD(b + j);
			t1 = VLOAD(a + j + V) - VLOAD(b + j + V);
			s0 += t0 * t0;
			s1 += t1 * t1;
		}
		if (j + V <= d) {
			t0 = VLOAD(a + j) - VLOAD(b + j);
			s0 += t0 * t0;
			j += V;
		}
		for (; j < d; j++) {
			x = a[j] - b[j];
			tail += x * x;
		}
	} else {
		for (; j + 2 * V <= d; j += 2 * V) {
			s0 += VLOAD(a + j) * VLOAD(b + j);
			s1 += VLOAD(a + j + V) * VLOAD(b + j + V);
		}
		if (j + V <= d) {
			s0 += VLOAD(a + j) * VLOAD(b + j);
			j += V;
		}
		for (; j < d; j++)
			tail += a[j] * b[j];
	}
	s0 += s1;
	s = lane_sum(&s0) + tail;
	return kind == SQEUCLID ? s : kind == ONE_MINUS_DOT ? 1 - s : -s;
}

static inline __attribute__((always_inline)) void
prefetch_row(const float *x, size_t dpad)
{
	size_t j;

	for (j = 0; j < dpad; j += 16)
		__builtin_prefetch(x + j);
}

static inline void
add_update(struct updates *l, int32_t p, int32_t q, float d)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4096;
		l->u = emb_realloc(l->u, l->cap, sizeof *l->u);
	}
	l->u[l->n].p = p;
	l->u[l->n].q = q;
	l->u[l->n].d = d;
	l->n++;
}

/* Whether j is among hi[0..k): four at a time where SSE2 is, without an early exit. */
static inline __attribute__((always_inline)) int
in_heap(const int32_t *hi, size_t k, int32_t j)
{
	size_t s = 0;
	int r = 0;
#ifdef __SSE2__
	__m128i acc = _mm_setzero_si128(), want = _mm_set1_epi32(j);

	for (; s + 4 <= k; s += 4)
		acc = _mm_or_si128(acc, _mm_cmpeq_epi32(want,
		    _mm_loadu_si128((const __m128i *)(const void *)(hi + s))));
	r = _mm_movemask_epi8(acc) != 0;
#endif
	for (; s < k; s++)
		r |= hi[s] == j;
	return r;
}

/* Push (d, j) into the graph heap of row p; 1 if it went in. */
static inline int
graph_push(struct nndescent_state *g, size_t p, int32_t j, float d)
{
	float *heap_dist = g->graph_dist + p * g->k;
	int32_t *hi = g->graph_index + p * g->k;

	/* thr is small enough to stay in cache, the heaps are not */
	if (d > g->thr[p] || !before(d, j, heap_dist[0], hi[0]))
		return 0;
	/* at k = 90 this scan was 40 % of the time, one at a time */
	if (in_heap(hi, g->k, j))
		return 0;
	heap_replace(heap_dist, hi, g->graph_is_new + p * g->k, g->k, d, j, 1);
	g->thr[p] = heap_dist[0];
	return 1;
}

/* Thread t of nt applies the updates of lists[0..nl) to the rows it owns. */
static size_t
apply_updates(struct nndescent_state *g, size_t nl, int t, int nt)
{
	size_t lo = g->n * t / nt, hi = g->n * (t + 1) / nt, c = 0, l, u;
	const struct update *x;

	for (l = 0; l < nl; l++)
		for (u = 0; u < g->lists[l].n; u++) {
			x = g->lists[l].u + u;
			if ((size_t)x->p >= lo && (size_t)x->p < hi)
				c += graph_push(g, x->p, x->q, x->d);
			if ((size_t)x->q >= lo && (size_t)x->q < hi)
				c += graph_push(g, x->q, x->p, x->d);
		}
	return c;
}

static inline __attribute__((always_inline)) void
maybe_update(struct nndescent_state *g, struct updates *l, int32_t p, int32_t q)
{
	float d = padded_distance(g->X + (size_t)p * g->dpad, g->X + (size_t)q * g->dpad,
	    g->dpad, g->kind);

	if (d <= g->thr[p] || d <= g->thr[q])
		add_update(l, p, q, d);
}

/* All pairs within the leaves [l0, l1) of a tree (bounds: leaf l is perm[bounds[l]..bounds[l+1])). */
VECTORISED static void
join_leaves(struct nndescent_state *g, const int32_t *perm, const size_t *bounds, size_t l0,
    size_t l1, struct updates *out)
{
	size_t l, a, b;

	out->n = 0;
	for (l = l0; l < l1; l++)
		for (a = bounds[l]; a < bounds[l + 1]; a++)
			for (b = a + 1; b < bounds[l + 1]; b++)
				maybe_update(g, out, perm[a], perm[b]);
}

/* The local join of rows [r0, r1): new with new, new with old candidates. */
VECTORISED static void
join_rows(struct nndescent_state *g, size_t r0, size_t r1, struct updates *out)
{
	int32_t nw[64], od[64];
	size_t i, s, nn, no, a, b, ncand = g->ncand;

	out->n = 0;
	for (i = r0; i < r1; i++) {
		nn = no = 0;
		for (s = 0; s < ncand; s++) {
			if (g->new_index[i * ncand + s] != EMPTY)
				nw[nn++] = g->new_index[i * ncand + s];
			if (g->old_index[i * ncand + s] != EMPTY)
				od[no++] = g->old_index[i * ncand + s];
		}
		for (a = 0; a < nn; a++)
			prefetch_row(g->X + (size_t)nw[a] * g->dpad, g->dpad);
		for (a = 0; a < no; a++)
			prefetch_row(g->X + (size_t)od[a] * g->dpad, g->dpad);
		for (a = 0; a < nn; a++) {
			for (b = a + 1; b < nn; b++)
				maybe_update(g, out, nw[a], nw[b]);
			for (b = 0; b < no; b++)
				if (nw[a] != od[b])
					maybe_update(g, out, nw[a], od[b]);
		}
	}
}

static inline void
cand_push(uint32_t *hp, int32_t *hi, size_t m, uint32_t pr, int32_t j)
{
	size_t p = 0, c, s;

	if (!(pr < hp[0] || (pr == hp[0] && j < hi[0])))
		return;
	for (s = 0; s < m; s++)
		if (hi[s] == j)
			return;
	for (;;) {
		c = 2 * p + 1;
		if (c >= m)
			break;
		if (c + 1 < m && (hp[c] < hp[c + 1] ||
		    (hp[c] == hp[c + 1] && hi[c] < hi[c + 1])))
			c++;
		if (!(pr < hp[c] || (pr == hp[c] && j < hi[c])))
			break;
		hp[p] = hp[c];
		hi[p] = hi[c];
		p = c;
	}
	hp[p] = pr;
	hi[p] = j;
}

/*
 * Sample the candidates of round it for rows [c0, c1): for every row, up to
 * ncand of its new and ncand of its old neighbours, forward and reverse, by
 * a random priority that an edge has in both directions.  Thread t fills the
 * rows it owns.  The reverse ones take a look at the whole graph, so that
 * the priorities of only ND_CAND rows are in memory at a time.
 */
static void
build_candidates(struct nndescent_state *g, size_t it, size_t c0, size_t c1, int t,
    int nt)
{
	size_t n = g->n, k = g->k, ncand = g->ncand;
	size_t lo = c0 + (c1 - c0) * t / nt, hi = c0 + (c1 - c0) * (t + 1) / nt;
	size_t i, s, u, a, b;
	uint32_t pr, *np = g->new_priority - c0 * ncand, *op = g->old_priority - c0 * ncand;
	uint64_t h = hash_triple(g->seed, 0x63616e64ULL, it);
	int32_t j;

	for (i = lo * ncand; i < hi * ncand; i++) {
		np[i] = op[i] = UINT32_MAX;
		g->new_index[i] = g->old_index[i] = EMPTY;
	}
	for (i = 0; i < n; i++)
		for (s = 0; s < k; s++) {
			j = g->graph_index[i * k + s];
			if (j == EMPTY)
				continue;
			if (!((i >= lo && i < hi) || ((size_t)j >= lo && (size_t)j < hi)))
				continue;
			a = i < (size_t)j ? i : (size_t)j;
			b = i < (size_t)j ? (size_t)j : i;
			pr = (uint32_t)(hash_triple(h, a, b) >> 32);
			/* SAMPLED: taken by a row before, still new this round */
			if (g->graph_is_new[i * k + s]) {
				if (i >= lo && i < hi)
					cand_push(np + i * ncand, g->new_index + i * ncand,
					    ncand, pr, j);
				if ((size_t)j >= lo && (size_t)j < hi)
					cand_push(np + j * ncand, g->new_index + j * ncand,
					    ncand, pr, (int32_t)i);
			} else {
				if (i >= lo && i < hi)
					cand_push(op + i * ncand, g->old_index + i * ncand,
					    ncand, pr, j);
				if ((size_t)j >= lo && (size_t)j < hi)
					cand_push(op + j * ncand, g->old_index + j * ncand,
					    ncand, pr, (int32_t)i);
			}
		}
	/* flags are read above for all rows: none may change before all have read */
#pragma omp barrier
	/* a new neighbour that was sampled is old from the joins on */
	for (i = lo; i < hi; i++)
		for (s = 0; s < k; s++) {
			if (g->graph_is_new[i * k + s] != 1)
				continue;
			for (u = 0; u < ncand; u++)
				if (g->new_index[i * ncand + u] == g->graph_index[i * k + s]) {
					g->graph_is_new[i * k + s] = SAMPLED;
					break;
				}
		}
}

/* Random-projection trees: leaves of at most leaf_size rows. */
struct tree {
	int32_t	*perm;		/* the rows, leaf after leaf */
	size_t	*bounds;	/* leaf l: perm[bounds[l]..bounds[l+1]) */
	size_t	 nleaves;
};

/*
 * Split [lo, hi) of perm until no part has more than leaf rows.  The
 * partitions are stable: a part keeps its rows in ascending order, so
 * that they are read from memory in that order.
 */
VECTORISED static void
build_tree(const struct nndescent_state *g, struct tree *tr, size_t leaf, int angular,
    uint64_t seed)
{
	size_t n = g->n, dpad = g->dpad, *stack, top, cap = 64, ncap = 64;
	size_t lo, hi, i, j, nl, nr, depth, s;
	float *normal = emb_alloc(dpad, sizeof *normal), off, mg, sl, sr;
	int32_t *right = emb_alloc(n, sizeof *right);
	const float *xl, *xr;
	struct emb_rng rng;

	emb_rng_seed(&rng, seed);
	tr->perm = emb_alloc(n, sizeof *tr->perm);
	for (i = 0; i < n; i++)
		tr->perm[i] = (int32_t)i;
	tr->bounds = emb_alloc(ncap, sizeof *tr->bounds);
	tr->nleaves = 0;
	stack = emb_alloc(cap * 3, sizeof *stack);
	stack[0] = 0;
	stack[1] = n;
	stack[2] = 0;
	top = 1;
	while (top > 0) {
		top--;
		lo = stack[3 * top];
		hi = stack[3 * top + 1];
		depth = stack[3 * top + 2];
		if (hi - lo <= leaf) {
			if (tr->nleaves + 2 > ncap) {
				ncap *= 2;
				tr->bounds = emb_realloc(tr->bounds, ncap, sizeof *tr->bounds);
			}
			tr->bounds[tr->nleaves++] = lo;
			tr->bounds[tr->nleaves] = hi;
			continue;
		}
		i = lo + emb_rng_below(&rng, hi - lo);
		j = lo + emb_rng_below(&rng, hi - lo - 1);
		j += j >= i;
		xl = g->X + (size_t)tr->perm[i] * dpad;
		xr = g->X + (size_t)tr->perm[j] * dpad;
		off = 0;
		if (angular) {
			sl = sqrtf(-padded_distance(xl, xl, dpad, MINUS_DOT));
			sr = sqrtf(-padded_distance(xr, xr, dpad, MINUS_DOT));
			sl = sl > 0 ? 1 / sl : 0;
			sr = sr > 0 ? 1 / sr : 0;
			for (s = 0; s < dpad; s++)
				normal[s] = xl[s] * sl - xr[s] * sr;
		} else {
			for (s = 0; s < dpad; s++) {
				normal[s] = xl[s] - xr[s];
				off -= normal[s] * (xl[s] + xr[s]) / 2;
			}
		}
		/* the side of the plane: a point on it goes either way */
		for (i = lo, nl = lo, nr = 0; i < hi; i++) {
			if (i + 8 < hi)
				prefetch_row(g->X + (size_t)tr->perm[i + 8] * dpad, dpad);
			mg = off - padded_distance(normal, g->X + (size_t)tr->perm[i] * dpad, dpad,
			    MINUS_DOT);
			if (mg > 0 || (mg == 0 && (emb_rng_next(&rng) & 1)))
				tr->perm[nl++] = tr->perm[i];
			else
				right[nr++] = tr->perm[i];
		}
		memcpy(tr->perm + nl, right, nr * sizeof *right);
		/* all on one side (duplicates), or a path too deep: halve */
		i = nl;
		if (i == lo || i == hi || depth > 64)
			i = lo + (hi - lo) / 2;
		if (top + 2 > cap) {
			cap *= 2;
			stack = emb_realloc(stack, cap * 3, sizeof *stack);
		}
		/* right pushed first: leaves come out left to right */
		stack[3 * top] = i;
		stack[3 * top + 1] = hi;
		stack[3 * top + 2] = depth + 1;
		top++;
		stack[3 * top] = lo;
		stack[3 * top + 1] = i;
		stack[3 * top + 2] = depth + 1;
		top++;
	}
	free(stack);
	free(normal);
	free(right);
}

static void
grow_lists(struct nndescent_state *g, size_t want)
{
	if (want <= g->nlists)
		return;
	g->lists = emb_realloc(g->lists, want, sizeof *g->lists);
	memset(g->lists + g->nlists, 0, (want - g->nlists) * sizeof *g->lists);
	g->nlists = want;
}

/* Rows that the trees left short of k neighbours get random ones. */
static void
fill_random(struct nndescent_state *g, int threads)
{
	size_t n = g->n;
	ptrdiff_t i;

#pragma omp parallel for num_threads(threads) schedule(static)
	for (i = 0; i < (ptrdiff_t)n; i++) {
		struct emb_rng rng;
		size_t tries = 0, j;

		emb_rng_seed(&rng, hash_triple(g->seed, 0x66696c6cULL, (uint64_t)i));
		while (g->graph_index[(size_t)i * g->k] == EMPTY) {
			/* random picks, then a sweep: k < n guarantees an end */
			j = tries < 8 * g->k ? emb_rng_below(&rng, n) :
			    (tries - 8 * g->k) % n;
			tries++;
			if (j == (size_t)i)
				continue;
			graph_push(g, (size_t)i, (int32_t)j,
			    padded_distance(g->X + (size_t)i * g->dpad, g->X + j * g->dpad,
			    g->dpad, g->kind));
		}
	}
}

/* Seed the graph with all pairs within the leaves of every tree. */
static void
join_forest(struct nndescent_state *g, struct tree *forest, size_t ntrees, int threads,
    int progress)
{
	struct tree *tr;
	size_t i, c0, c1, nchunks, per = ND_CHUNK / 8;

	grow_lists(g, ND_TREE_BATCH);
	for (i = 0; i < ntrees; i++) {
		tr = forest + i;
		nchunks = (tr->nleaves + per - 1) / per;
		/* a few chunks at a time: the first tree's pairs all pass */
		for (c0 = 0; c0 < nchunks; c0 += ND_TREE_BATCH) {
			c1 = c0 + ND_TREE_BATCH < nchunks ? c0 + ND_TREE_BATCH : nchunks;
#pragma omp parallel num_threads(threads)
			{
				size_t c, l1;
#pragma omp for schedule(dynamic, 1)
				for (c = c0; c < c1; c++) {
					l1 = (c + 1) * per < tr->nleaves ? (c + 1) * per :
					    tr->nleaves;
					join_leaves(g, tr->perm, tr->bounds, c * per, l1,
					    g->lists + (c - c0));
				}
				apply_updates(g, c1 - c0, omp_get_thread_num(),
				    omp_get_num_threads());
			}
		}
		if (progress)
			emb_progress("neighbour trees", i + 1, ntrees);
	}
}

/*
 * Rounds of local joins until few entries change: the candidates of all
 * rows sampled, ND_CAND rows at a time, from the graph as the round found
 * it; then joined ND_BLOCK rows between two refreshes of the thresholds.
 * (Sampling a block and joining it at once, before the next block was
 * sampled, needed less memory still but lost recall: 0.913 against 0.924
 * on GloVe at k = 15.)
 */
static void
descend(struct nndescent_state *g, const struct knn_opts *o)
{
	size_t n = g->n, it, total, cn = n < ND_CAND ? n : ND_CAND;

	g->new_index = emb_alloc(emb_mul(n, g->ncand), sizeof *g->new_index);
	g->old_index = emb_alloc(emb_mul(n, g->ncand), sizeof *g->old_index);
	g->new_priority = emb_alloc(emb_mul(cn, g->ncand), sizeof *g->new_priority);
	g->old_priority = emb_alloc(emb_mul(cn, g->ncand), sizeof *g->old_priority);
	grow_lists(g, (ND_BLOCK + ND_CHUNK - 1) / ND_CHUNK);
	for (it = 0; it < o->iters; it++) {
		total = 0;
#pragma omp parallel num_threads(o->threads) reduction(+:total)
		{
			int t = omp_get_thread_num(), nt = omp_get_num_threads();
			size_t c, r0, r1, b0, b1, c0, nc, i;

			for (c0 = 0; c0 < n; c0 += ND_CAND) {
				build_candidates(g, it, c0, c0 + ND_CAND < n ? c0 + ND_CAND : n,
				    t, nt);
#pragma omp barrier
			}
#pragma omp for schedule(static)
			for (i = 0; i < n * g->k; i++)
				if (g->graph_is_new[i] == SAMPLED)
					g->graph_is_new[i] = 0;
			for (b0 = 0; b0 < n; b0 += ND_BLOCK) {
				b1 = b0 + ND_BLOCK < n ? b0 + ND_BLOCK : n;
				nc = (b1 - b0 + ND_CHUNK - 1) / ND_CHUNK;
#pragma omp for schedule(dynamic, 1)
				for (c = 0; c < nc; c++) {
					r0 = b0 + c * ND_CHUNK;
					r1 = r0 + ND_CHUNK < b1 ? r0 + ND_CHUNK : b1;
					join_rows(g, r0, r1, g->lists + c);
				}
				total += apply_updates(g, nc, t, nt);
#pragma omp barrier
			}
		}
		if (o->progress)
			emb_progress("nearest neighbours", it + 1, o->iters);
		if ((double)total <= o->delta * (double)n * (double)g->k)
			break;
	}
	if (o->progress)
		emb_progress("nearest neighbours", o->iters, o->iters);
	free(g->new_priority);
	free(g->old_priority);
	free(g->new_index);
	free(g->old_index);
}

/*
 * Move the rows of X (n x w) so that row i goes to row to[i], in place:
 * cycle by cycle, one row held aside.
 */
static void
permute_rows(void *X, size_t n, size_t w, const int32_t *to)
{
	unsigned char *x = X, *held = emb_alloc(2, w), *next = held + w, *t;
	unsigned char *done = emb_zalloc(n, 1);
	size_t i, at;

	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		memcpy(held, x + i * w, w);
		for (at = (size_t)to[i]; !done[at]; at = (size_t)to[at]) {
			memcpy(next, x + at * w, w);
			memcpy(x + at * w, held, w);
			done[at] = 1;
			t = held;
			held = next;
			next = t;
		}
	}
	free(held < next ? held : next);
	free(done);
}

/*
 * The rows are renumbered in the leaf order of a first tree, so that near
 * rows are near in memory, and numbered back at the end.  o->search >= want
 * neighbours are sought, the nearest want kept: neighbours of neighbours
 * need neighbours.  Euclidean: X itself is searched, its rows moved in
 * place and moved back (a copy was a third of emb-umap's memory); cosine
 * and dot: a copy, unit or padded rows.  When search == want the heaps are
 * idx and dist themselves.  Beyond the input and the result, then, the
 * search holds 9 bytes a row per neighbour and 16 per candidate of
 * ND_CAND rows, and the updates of a block.
 */
static void
nndescent(float *X, size_t n, size_t d, size_t want, enum knn_metric metric,
    const struct knn_opts *o, int32_t *idx, float *dist)
{
	struct nndescent_state g;
	struct tree *forest = emb_zalloc(o->trees, sizeof *forest);
	float *P = NULL;
	int32_t *order, *inverse;
	size_t i, s, dpad = (d + V - 1) / V * V;
	size_t k = o->search;
	int angular = metric != KNN_EUCLIDEAN, own = k != want;

	memset(&g, 0, sizeof g);
	if (metric == KNN_COSINE) {
		P = normalised(X, n, d, dpad);
	} else if (metric == KNN_DOT) {
		P = emb_zalloc(emb_mul(n, dpad), sizeof *P);
		for (i = 0; i < n; i++)
			memcpy(P + i * dpad, X + i * d, d * sizeof *P);
	} else
		dpad = d;
	g.X = P != NULL ? P : X;
	g.n = n;
	g.dpad = dpad;
	g.k = k;
	g.ncand = o->candidates < 64 ? o->candidates : 64;
	g.kind = metric == KNN_EUCLIDEAN ? SQEUCLID :
	    metric == KNN_COSINE ? ONE_MINUS_DOT : MINUS_DOT;
	g.seed = o->seed;

	build_tree(&g, forest, o->leaf_size, angular, hash_triple(o->seed, 0x74726565ULL, 0));
	order = forest[0].perm;		/* new row i is old row order[i] */
	inverse = emb_alloc(n, sizeof *inverse);
	for (i = 0; i < n; i++)
		inverse[order[i]] = (int32_t)i;
	permute_rows(P != NULL ? P : X, n, dpad * sizeof *X, inverse);
	forest[0].perm = inverse;	/* reused: the first tree's leaves are 0..n-1 now */
	for (i = 0; i < n; i++)
		forest[0].perm[i] = (int32_t)i;
#pragma omp parallel for num_threads(o->threads) schedule(dynamic, 1)
	for (i = 1; i < o->trees; i++)
		build_tree(&g, forest + i, o->leaf_size, angular,
		    hash_triple(o->seed, 0x74726565ULL, i));

	g.graph_dist = own ? emb_alloc(emb_mul(n, k), sizeof *g.graph_dist) : dist;
	g.graph_index = own ? emb_alloc(emb_mul(n, k), sizeof *g.graph_index) : idx;
	g.graph_is_new = emb_zalloc(emb_mul(n, k), sizeof *g.graph_is_new);
	g.thr = emb_alloc(n, sizeof *g.thr);
	heaps_clear(g.graph_dist, g.graph_index, n * k);
	for (i = 0; i < n; i++)
		g.thr[i] = INFINITY;
	join_forest(&g, forest, o->trees, o->threads, o->progress);
	for (i = 0; i < o->trees; i++) {
		free(forest[i].perm);
		free(forest[i].bounds);
	}
	free(forest);
	fill_random(&g, o->threads);
	descend(&g, o);
	for (i = 0; i < g.nlists; i++)
		free(g.lists[i].u);
	free(g.lists);
	free(g.graph_is_new);
	free(g.thr);
	if (P != NULL)
		free(P);
	else
		permute_rows(X, n, d * sizeof *X, order);	/* X as it came, bit for bit */

	/* back to the old numbers: the entries, then the rows */
	for (i = 0; i < n; i++)
		for (s = 0; s < k; s++)
			g.graph_index[i * k + s] = order[g.graph_index[i * k + s]];
	permute_rows(g.graph_index, n, k * sizeof *g.graph_index, order);
	free(order);
	/* with own == 0 in place: a row's candidates are read before it is written */
	sort_candidates(X, n, d, metric, NULL, n, k, want, g.graph_index, idx, dist,
	    o->threads);
	if (own) {
		free(g.graph_dist);
		free(g.graph_index);
	}
}

enum knn_method
knn_graph_build(float *X, size_t n, size_t d, size_t k, enum knn_metric metric,
    const struct knn_opts *opts, int32_t *idx, float *dist)
{
	struct knn_opts o;
	struct exact e;
	float *own;

	if (k < 1 || k >= n)
		emb_err(NULL, "k = %zu with %zu rows (1 <= k < rows)", k, n);
	if (n > (size_t)INT32_MAX - 1)
		emb_err(NULL, "%zu rows: too many for a neighbour graph", n);
	if (knn_bad_row(X, n, d) < n)
		emb_err(NULL, "row %zu has a NaN, infinite or too large value",
		    knn_bad_row(X, n, d));
	knn_resolve(&o, opts, n, d, k);
	if (o.method == KNN_NNDESCENT) {
		nndescent(X, n, d, k, metric, &o, idx, dist);
		return o.method;
	}
	exact_init(&e, X, n, d, k + EXTRA < n - 1 ? k + EXTRA : n - 1, metric, &own);
	exact_graph(&e, o.threads, o.progress);
	sort_candidates(X, n, d, metric, NULL, n, e.m, k, e.hi, idx, dist, o.threads);
	free(e.heap_dist);
	free(e.hi);
	free(e.thr);
	free(e.add);
	free(own);
	return o.method;
}
