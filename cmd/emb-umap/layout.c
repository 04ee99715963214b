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

static void
move_vertex(const struct sgd *s, size_t i, float *cur, size_t epoch, float alpha,
    uint64_t key)
{
	const size_t dim = s->dim;
	const float a = s->a, b = s->b;
	size_t e, d, p;

	for (e = s->start[i]; e < s->start[i + 1]; e++) {
		const float *other = s->prev + (size_t)s->col[e] * dim;
		float d2 = 0, gc = 0;

		if (epoch == 0 || floorf(epoch * s->rate[e]) <= floorf((epoch - 1) * s->rate[e]))
			continue;
		for (d = 0; d < dim; d++)
			d2 += (cur[d] - other[d]) * (cur[d] - other[d]);
		if (d2 > 0) {
			float pb = powf(d2, b);

			gc = -2 * a * b * (pb / d2) / (a * pb + 1);
		}
		for (d = 0; d < dim; d++)
			cur[d] += ATTRACT * clip(gc * (cur[d] - other[d])) * alpha;
		for (p = 0; p < s->neg; p++) {
			uint64_t h = mix64(key + (e * s->neg + p) * 0x9e3779b97f4a7c15ULL);
			size_t k = (size_t)(((h >> 32) * (uint64_t)s->n) >> 32);

			if (k == i)
				continue;
			other = s->prev + k * dim;
			d2 = 0;
			for (d = 0; d < dim; d++)
				d2 += (cur[d] - other[d]) * (cur[d] - other[d]);
			if (d2 > 0) {
				gc = 2 * s->gamma * b / ((0.001f + d2) * (a * powf(d2, b) + 1));
				for (d = 0; d < dim; d++)
					cur[d] += clip(gc * (cur[d] - other[d])) * alpha;
			} else
				for (d = 0; d < dim; d++)
					cur[d] += CLIP * alpha;
		}
	}
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

void
optimize_layout(const struct opts *o, const struct graph *g, double a, double b,
    size_t epochs, float *Y, snapshot_fn snap, void *ctx)
{
	size_t n = g->n, nnz = g->start[n], e, ep, i, next = 1;
	float *rate = emb_alloc(nnz ? nnz : 1, sizeof *rate), wmax = 0;
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
			move_vertex(&s, i, Y + i * o->dim, ep, alpha, key);
		show_progress(ep + 1, epochs, t0, ep + 1 == epochs);
		while (snap != NULL && next < o->snapshots &&
		    ep + 1 == next * epochs / o->snapshots) {
			snap(Y, ep + 1, ctx);
			next++;
		}
	}
	free(rate);
	free(prev);
}
