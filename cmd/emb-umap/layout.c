/*
 * The layout: stochastic gradient descent on the fuzzy cross-entropy, as
 * umap-learn's optimize_layout_euclidean (edges sampled in proportion to
 * their weight, `neg` negative samples each, learning rate decaying
 * linearly, gradients clipped at 4), but reproducible with any number of
 * threads.  Within an epoch each vertex moves only by the edges it heads,
 * its neighbours read where they were when the epoch began, and every
 * random number comes from a hash of (seed, epoch, edge, sample): no
 * vertex is written by two threads and none reads what another is
 * writing.  An edge of the symmetric graph appears once from each end; the
 * head takes its pull twice, for the move umap-learn gives the tail.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "umap.h"

#define CLIP		4.0f
#define MAX_DIM		256
#define ATTRACT		2.0f	/* the head's pull and the tail's, both on the head */

uint64_t
mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/*
 * x^b for x > 0 as 2^(b log2 x), both by short series (relative error
 * about 1e-5): several times faster than powf, which would take most of
 * the time.
 */
#pragma omp declare simd uniform(b) notinbranch
static inline float
fast_pow(float x, float b)
{
	uint32_t u, big;
	float m, t, t2, l, y, f, p, r;
	int e, i;

	x = x < 1e-30f ? 1e-30f : x;
	memcpy(&u, &x, sizeof u);
	e = (int)((u >> 23) & 255) - 127;
	u = (u & 0x7fffff) | 0x3f800000;	/* the mantissa, in [1, 2) */
	memcpy(&m, &u, sizeof m);
	big = m > 1.41421356f;
	m = big ? m * 0.5f : m;
	e += (int)big;
	t = (m - 1) / (m + 1);
	t2 = t * t;
	l = e + t * (2.88539008f + t2 * (0.961796694f + t2 * (0.577078016f +
	    t2 * 0.412198583f)));
	y = b * l;
	y = y > 126 ? 126 : y < -126 ? -126 : y;
	i = (int)(y + (y >= 0 ? 0.5f : -0.5f));
	f = y - i;
	p = 1 + f * (0.693147181f + f * (0.240226507f + f * (0.0555041087f +
	    f * (0.00961812911f + f * 0.00133335581f))));
	u = (uint32_t)(i + 127) << 23;
	memcpy(&r, &u, sizeof r);
	return r * p;
}

/*
 * fast_pow of eight numbers at once, in GCC's vector types: each lane the
 * same operations in the same order as fast_pow, so the same bits.  The
 * compiler left the simd loop over fast_pow scalar, and the negative
 * samples' powers were most of the time.
 */
typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

/* broadcasts, and m ? a : b lane by lane (m all ones or all zeros); macros: no vector crosses a call */
#define v8(x)		((v8f){ (x), (x), (x), (x), (x), (x), (x), (x) })
#define v8int(x)	((v8i){ (x), (x), (x), (x), (x), (x), (x), (x) })
#define pick(m, a, b)	((v8f)(((m) & (v8i)(a)) | (~(m) & (v8i)(b))))

static inline __attribute__((always_inline)) void
fast_pow8(const float *xs, float b, float *out)
{
	v8f x, m, t, t2, l, y, f, p;
	v8i u, e, big, i;

	memcpy(&x, xs, sizeof x);
	x = pick(x < v8(1e-30f), v8(1e-30f), x);
	u = (v8i)x;
	e = ((u >> 23) & v8int(255)) - v8int(127);
	u = (u & v8int(0x7fffff)) | v8int(0x3f800000);
	m = (v8f)u;
	big = m > v8(1.41421356f);
	m = pick(big, m * v8(0.5f), m);
	e -= big;	/* big is -1 where true */
	t = (m - v8(1)) / (m + v8(1));
	t2 = t * t;
	l = __builtin_convertvector(e, v8f) + t * (v8(2.88539008f) + t2 *
	    (v8(0.961796694f) + t2 * (v8(0.577078016f) + t2 * v8(0.412198583f))));
	y = v8(b) * l;
	y = pick(y > v8(126), v8(126), pick(y < v8(-126), v8(-126), y));
	i = __builtin_convertvector(y + pick(y >= v8(0), v8(0.5f), v8(-0.5f)), v8i);
	f = y - __builtin_convertvector(i, v8f);
	p = v8(1) + f * (v8(0.693147181f) + f * (v8(0.240226507f) + f *
	    (v8(0.0555041087f) + f * (v8(0.00961812911f) + f * v8(0.00133335581f)))));
	u = (i + v8int(127)) << 23;	/* 1..253: no sign bit reached */
	p = (v8f)u * p;
	memcpy(out, &p, sizeof p);
}

static inline float
clip(float x)
{
	return x > CLIP ? CLIP : x < -CLIP ? -CLIP : x;
}

struct sgd {
	size_t		 n, dim, neg;
	float		 a, b, gamma;
	const size_t	*start;
	const int32_t	*col;
	const float	*rate;	/* weight / the largest weight: samples per epoch */
	const float	*prev;
};

#define GROUP	8	/* negative samples computed together */
#define LIST	64	/* edges looked at together */

/*
 * The attraction of edge e and its negative samples are all taken at the
 * head's position before any of them moves it: independent computations
 * the processor overlaps, where umap-learn's chain of updates waits for
 * each.
 */
static inline __attribute__((always_inline)) void
move_vertex(const struct sgd *s, const size_t dim, size_t i, float *cur, size_t epoch,
    float alpha, uint64_t key)
{
	const float a = s->a, b = s->b, rep = 2 * s->gamma * b;
	float delta[MAX_DIM], d2[GROUP], gc[GROUP];
	const float *other[GROUP];
	size_t e, d, p, q, m;

	size_t list[LIST], nl, x, from;

	if (epoch == 0)
		return;
	for (from = s->start[i]; from < s->start[i + 1]; from += LIST) {
	/* the edges sampled in this epoch, without a branch to mispredict */
	nl = 0;
	for (e = from; e < s->start[i + 1] && e < from + LIST; e++) {
		list[nl] = e;
		nl += (int)(epoch * s->rate[e]) != (int)((epoch - 1) * s->rate[e]);
	}
	for (x = 0; x < nl; x++) {
		const float *t;
		float dd = 0, g = 0;

		e = list[x];
		t = s->prev + (size_t)s->col[e] * dim;
		for (d = 0; d < dim; d++)
			dd += (cur[d] - t[d]) * (cur[d] - t[d]);
		if (dd > 0) {
			float pb = fast_pow(dd, b);

			g = -2 * a * b * (pb / dd) / (a * pb + 1);
		}
		for (d = 0; d < dim; d++)
			delta[d] = ATTRACT * clip(g * (cur[d] - t[d]));
		for (p = 0; p < s->neg; p += GROUP) {
			m = 0;
			for (q = p; q < s->neg && q < p + GROUP; q++) {
				uint64_t h = mix64(key + (e * s->neg + q) * 0x9e3779b97f4a7c15ULL);
				size_t k = (size_t)(((h >> 32) * (uint64_t)s->n) >> 32);

				if (k != i)
					other[m++] = s->prev + k * dim;
			}
			/*
			 * All GROUP lanes, the unused ones on the head itself, so
			 * that the loops have a constant length and vectorise:
			 * each lane's arithmetic is what it was one at a time.
			 */
			for (q = m; q < GROUP; q++)
				other[q] = cur;
			for (q = 0; q < GROUP; q++) {
				d2[q] = 0;
				for (d = 0; d < dim; d++)
					d2[q] += (cur[d] - other[q][d]) * (cur[d] - other[q][d]);
			}
			fast_pow8(d2, b, gc);
			for (q = 0; q < GROUP; q++)
				gc[q] = rep / ((0.001f + d2[q]) * (a * gc[q] + 1));
			for (q = 0; q < m; q++)
				for (d = 0; d < dim; d++)
					delta[d] += d2[q] > 0 ? clip(gc[q] * (cur[d] - other[q][d])) :
					    CLIP;
		}
		for (d = 0; d < dim; d++)
			cur[d] += delta[d] * alpha;
	}
	}
}

/*
 * 2-D maps, the usual case, with the dimension a constant: the same
 * operations in the same order, so the same bits, in 0.6 of the time.
 */
__attribute__((target_clones("avx2", "default")))
static void
move_vertex2(const struct sgd *s, size_t i, float *cur, size_t epoch, float alpha,
    uint64_t key)
{
	move_vertex(s, 2, i, cur, epoch, alpha, key);
}

static void
move_vertex_any(const struct sgd *s, size_t i, float *cur, size_t epoch, float alpha,
    uint64_t key)
{
	move_vertex(s, s->dim, i, cur, epoch, alpha, key);
}

static void
show_progress(size_t done, size_t total, double t0, int final)
{
	static double last;
	double t = now_seconds() - t0;

	if (emb_verbose < 0 || (emb_verbose == 0 && !isatty(2)))
		return;
	if (!final && t - last < 0.2)
		return;
	last = t;
	fprintf(stderr, "\r%s: epoch %zu/%zu, %.1f s, %.1f s left ", emb_progname, done,
	    total, t, done ? t * (total - done) / done : 0.0);
	if (final)
		fputc('\n', stderr);
}

/* The graph's weights become the rates. */
void
optimize_layout(const struct opts *o, struct graph *g, double a, double b,
    size_t epochs, float *Y, snapshot_fn snap, void *ctx)
{
	size_t n = g->n, nnz = g->start[n], e, ep, i, next = 1;
	float *rate = g->w, wmax = 0;
	float *prev = emb_alloc(emb_mul(n, o->dim), sizeof *prev);
	struct sgd s = { n, o->dim, o->neg, (float)a, (float)b, (float)o->gamma,
	    g->start, g->col, rate, prev };
	double t0 = now_seconds();

	for (e = 0; e < nnz; e++)
		wmax = fmaxf(wmax, g->w[e]);
	for (e = 0; e < nnz; e++)
		rate[e] = g->w[e] / wmax;
	for (ep = 0; ep < epochs; ep++) {
		float alpha = (float)(o->alpha * (1 - (double)ep / epochs));
		uint64_t key = mix64(o->seed ^ mix64(ep + 1));

		memcpy(prev, Y, n * o->dim * sizeof *Y);
#pragma omp parallel for schedule(dynamic, 256)
		for (i = 0; i < n; i++)
			if (o->dim == 2)
				move_vertex2(&s, i, Y + i * o->dim, ep, alpha, key);
			else
				move_vertex_any(&s, i, Y + i * o->dim, ep, alpha, key);
		show_progress(ep + 1, epochs, t0, ep + 1 == epochs);
		while (snap != NULL && next < o->snapshots &&
		    ep + 1 == next * epochs / o->snapshots) {
			snap(Y, ep + 1, ctx);
			next++;
		}
	}
	free(prev);
}
