/*
 * The fuzzy simplicial set of a neighbour graph, as umap-learn 0.5.3 makes
 * it: per row a distance rho to the nearest neighbour and a scale sigma
 * (smooth_knn_dist), membership strengths exp(-(d - rho) / sigma), and the
 * fuzzy union of the graph with its transpose.
 *
 * umap-learn's neighbour lists start with the row itself at distance 0;
 * ours do not, so k (n_neighbors) counts the row and kk = k - 1 columns
 * hold the other neighbours.  The means below include that zero.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "umap.h"

#define SMOOTH_K_TOLERANCE	1e-5
#define MIN_K_DIST_SCALE	1e-3
#define BISECTIONS		64

void
smooth_knn(const float *dist, size_t n, size_t kk, double k, float *sigma, float *rho)
{
	double target = log2(k), total = 0, mean_all;
	size_t i;

	for (i = 0; i < n * kk; i++)
		total += dist[i];
	mean_all = total / ((double)n * (kk + 1));
#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++) {
		const float *d = dist + i * kk;
		double lo = 0, hi = INFINITY, mid = 1, psum, sum = 0;
		float r = 0;
		size_t j, it;

		for (j = 0; j < kk; j++)
			if (d[j] > 0) {
				r = d[j];
				break;
			}
		for (it = 0; it < BISECTIONS; it++) {
			psum = 0;
			for (j = 0; j < kk; j++) {
				float dd = d[j] - r;
				psum += dd > 0 ? exp(-(dd / mid)) : 1.0;
			}
			if (fabs(psum - target) < SMOOTH_K_TOLERANCE)
				break;
			if (psum > target) {
				hi = mid;
				mid = (lo + hi) / 2;
			} else {
				lo = mid;
				mid = isinf(hi) ? mid * 2 : (lo + hi) / 2;
			}
		}
		for (j = 0; j < kk; j++)
			sum += d[j];
		if (r > 0) {
			if (mid < MIN_K_DIST_SCALE * sum / (kk + 1))
				mid = MIN_K_DIST_SCALE * sum / (kk + 1);
		} else if (mid < MIN_K_DIST_SCALE * mean_all)
			mid = MIN_K_DIST_SCALE * mean_all;
		sigma[i] = (float)mid;
		rho[i] = r;
	}
}

void
graph_free(struct graph *g)
{
	free(g->start);
	free(g->col);
	free(g->w);
	memset(g, 0, sizeof *g);
}

size_t
graph_find(const struct graph *g, size_t i, int32_t j)
{
	size_t lo = g->start[i], hi = g->start[i + 1], m;

	while (lo < hi) {
		m = lo + (hi - lo) / 2;
		if (g->col[m] < j)
			lo = m + 1;
		else
			hi = m;
	}
	return lo < g->start[i + 1] && g->col[lo] == j ? lo : SIZE_MAX;
}

struct pair {
	int32_t	col;
	float	w;
};

static int
by_col(const void *a, const void *b)
{
	int32_t x = ((const struct pair *)a)->col, y = ((const struct pair *)b)->col;

	return x < y ? -1 : x > y;
}

/* Row i of the directed graph, sorted by column, duplicates summed: its length. */
static size_t
sort_row(int32_t *idx, float *w, size_t kk, struct pair *tmp)
{
	size_t j, m = 0;

	for (j = 0; j < kk; j++)
		tmp[j] = (struct pair){ idx[j], w[j] };
	qsort(tmp, kk, sizeof *tmp, by_col);
	for (j = 0; j < kk; j++) {
		if (tmp[j].w == 0)
			continue;
		if (m > 0 && idx[m - 1] == tmp[j].col) {
			w[m - 1] += tmp[j].w;
			continue;
		}
		idx[m] = tmp[j].col;
		w[m++] = tmp[j].w;
	}
	return m;
}

static float
combine(float p, float q, double mix)
{
	double pq = (double)p * q;

	return (float)(mix * (p + q - pq) + (1 - mix) * pq);
}

/*
 * The union of the directed membership graph (rows of length len[i] in
 * idx/w, kk apart) and its transpose, into g.
 */
static void
union_rows(struct graph *g, const int32_t *idx, const float *w, const size_t *len,
    size_t n, size_t kk, double mix)
{
	size_t *tstart = emb_zalloc(n + 1, sizeof *tstart), *fill, i, nnz = 0;
	int32_t *tcol;
	float *tw;

	for (i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < len[i]; j++)
			tstart[idx[i * kk + j] + 1]++;
	}
	for (i = 0; i < n; i++)
		tstart[i + 1] += tstart[i];
	tcol = emb_alloc(tstart[n] ? tstart[n] : 1, sizeof *tcol);
	tw = emb_alloc(tstart[n] ? tstart[n] : 1, sizeof *tw);
	fill = emb_alloc(n, sizeof *fill);
	memcpy(fill, tstart, n * sizeof *fill);
	for (i = 0; i < n; i++) {	/* rows in order: transposed rows come out sorted */
		size_t j;

		for (j = 0; j < len[i]; j++) {
			size_t t = fill[idx[i * kk + j]]++;

			tcol[t] = (int32_t)i;
			tw[t] = w[i * kk + j];
		}
	}
	g->n = n;
	g->start = emb_zalloc(n + 1, sizeof *g->start);
	for (int pass = 0; pass < 2; pass++) {
#pragma omp parallel for schedule(dynamic, 1024) reduction(+:nnz)
		for (i = 0; i < n; i++) {
			const int32_t *a = idx + i * kk, *b = tcol + tstart[i];
			const float *aw = w + i * kk, *bw = tw + tstart[i];
			size_t na = len[i], nb = tstart[i + 1] - tstart[i], x = 0, y = 0;
			size_t m = pass ? g->start[i] : 0;

			while (x < na || y < nb) {
				int32_t c;
				float p = 0, q = 0, v;

				if (y == nb || (x < na && a[x] < b[y])) {
					c = a[x];
					p = aw[x++];
				} else if (x == na || b[y] < a[x]) {
					c = b[y];
					q = bw[y++];
				} else {
					c = a[x];
					p = aw[x++];
					q = bw[y++];
				}
				v = combine(p, q, mix);
				if (v == 0)
					continue;
				if (pass) {
					g->col[m] = c;
					g->w[m] = v;
				}
				m++;
			}
			if (!pass) {
				g->start[i + 1] = m;
				nnz += m;
			}
		}
		if (!pass) {
			for (i = 0; i < n; i++)
				g->start[i + 1] += g->start[i];
			g->col = emb_alloc(nnz ? nnz : 1, sizeof *g->col);
			g->w = emb_alloc(nnz ? nnz : 1, sizeof *g->w);
		}
	}
	free(tstart);
	free(tcol);
	free(tw);
	free(fill);
}

/*
 * The fuzzy set of the kNN graph idx/dist (n x kk), which it frees.
 */
void
fuzzy_set(struct graph *g, int32_t *idx, float *dist, size_t n, size_t kk,
    double k, double mix)
{
	float *sigma = emb_alloc(n, sizeof *sigma), *rho = emb_alloc(n, sizeof *rho);
	size_t *len = emb_alloc(n, sizeof *len), i;

	smooth_knn(dist, n, kk, k, sigma, rho);
#pragma omp parallel
	{
		struct pair *tmp = emb_alloc(kk, sizeof *tmp);

#pragma omp for schedule(static)
		for (i = 0; i < n; i++) {
			size_t j;

			for (j = 0; j < kk; j++) {
				float *d = dist + i * kk + j, x = *d - rho[i];

				if (idx[i * kk + j] == (int32_t)i)
					*d = 0;
				else if (x <= 0 || sigma[i] == 0)
					*d = 1;
				else
					*d = expf(-(x / sigma[i]));
			}
			len[i] = sort_row(idx + i * kk, dist + i * kk, kk, tmp);
		}
		free(tmp);
	}
	free(sigma);
	free(rho);
	union_rows(g, idx, dist, len, n, kk, mix);
	free(idx);
	free(dist);
	free(len);
}

/* g + g' - g o g' (times mix) for a graph whose pattern is symmetric. */
void
fuzzy_union(struct graph *g, double mix)
{
	size_t nnz = g->start[g->n], i;
	float *w = emb_alloc(nnz ? nnz : 1, sizeof *w);

#pragma omp parallel for schedule(dynamic, 1024)
	for (i = 0; i < g->n; i++) {
		size_t e, t;

		for (e = g->start[i]; e < g->start[i + 1]; e++) {
			t = graph_find(g, (size_t)g->col[e], (int32_t)i);
			w[e] = combine(g->w[e], t == SIZE_MAX ? 0 : g->w[t], mix);
		}
	}
	free(g->w);
	g->w = w;
}

/* umap-learn drops the edges too weak to be sampled once in the run. */
void
prune_edges(struct graph *g, size_t epochs)
{
	size_t i, e, m = 0, from;
	float wmax = 0, cut;

	for (e = 0; e < g->start[g->n]; e++)
		if (g->w[e] > wmax)
			wmax = g->w[e];
	cut = wmax / (float)epochs;
	for (i = 0, from = 0; i < g->n; i++) {
		for (e = from; e < g->start[i + 1]; e++)
			if (g->w[e] >= cut) {
				g->col[m] = g->col[e];
				g->w[m++] = g->w[e];
			}
		from = g->start[i + 1];
		g->start[i + 1] = m;
	}
}

void
write_graph_tsv(const char *path, const struct graph *g)
{
	FILE *fp = fopen(path, "w");
	size_t i, e;

	if (fp == NULL)
		emb_err(path, "cannot create: %s", strerror(errno));
	for (i = 0; i < g->n; i++)
		for (e = g->start[i]; e < g->start[i + 1]; e++)
			emb_printf(fp, "%zu\t%d\t%.9g\n", i, g->col[e], g->w[e]);
	if (fclose(fp) != 0)
		emb_err(path, "write error: %s", strerror(errno));
}
