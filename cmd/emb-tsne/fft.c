/*
 * 2-D repulsion by polynomial interpolation on a grid and FFT convolution
 * (Linderman et al. 2019, FIt-SNE's nbody_fft): the map's square is cut into
 * boxes of width about 1 (at least 50 a side), each with 3 x 3 equispaced
 * interpolation nodes; the charges 1, x and y are spread to the nodes by
 * Lagrange weights, convolved with the kernels w and w^((dof+1)/dof) by real
 * FFTs of a zero-padded grid of twice the nodes a side, and read back.
 * Single precision; FFTW plans are made once per grid size and run
 * single-threaded, the nine transforms of a step side by side.  Every sum
 * has a fixed order, so the bits do not depend on the threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "tsne.h"
#include "kernel.h"

#define NINTERP		3
#define MIN_BOXES	50
#define MAX_PLANS	64

struct plan {
	int		m;
	fftwf_plan	fwd, inv;
};

struct fft {
	struct plan	 plan[MAX_PLANS];
	int		 nplans;
	size_t		 cap;		/* floats in each real grid */
	float		*real[5];	/* charges 1, x, y; kernels w, f: then results */
	fftwf_complex	*spec[5];
	fftwf_complex	*prod[4];
	size_t		 ncap;
	int32_t		*cell;		/* per point: first node x, first node y */
	float		*weight;	/* per point: 3 weights in x, 3 in y */
};

struct fft *
fft_new(void)
{
	return emb_zalloc(1, sizeof(struct fft));
}

void
fft_free(struct fft *t)
{
	int i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nplans; i++) {
		fftwf_destroy_plan(t->plan[i].fwd);
		fftwf_destroy_plan(t->plan[i].inv);
	}
	for (i = 0; i < 5; i++) {
		fftwf_free(t->real[i]);
		fftwf_free(t->spec[i]);
	}
	for (i = 0; i < 4; i++)
		fftwf_free(t->prod[i]);
	free(t->cell);
	free(t->weight);
	free(t);
}

/* The least n >= want whose 6n (the padded grid's side) has no prime factor above 7. */
static int
good_boxes(int want)
{
	int n, m;

	for (n = want;; n++) {
		m = 6 * n;
		while (m % 2 == 0)
			m /= 2;
		while (m % 3 == 0)
			m /= 3;
		while (m % 5 == 0)
			m /= 5;
		while (m % 7 == 0)
			m /= 7;
		if (m == 1)
			return n;
	}
}

static void
grow(struct fft *t, int m)
{
	size_t need = (size_t)m * m, cneed = (size_t)m * (m / 2 + 1);
	int i;

	if (need <= t->cap)
		return;
	for (i = 0; i < t->nplans; i++) {
		fftwf_destroy_plan(t->plan[i].fwd);
		fftwf_destroy_plan(t->plan[i].inv);
	}
	t->nplans = 0;
	for (i = 0; i < 5; i++) {
		fftwf_free(t->real[i]);
		fftwf_free(t->spec[i]);
		t->real[i] = fftwf_alloc_real(need);
		t->spec[i] = fftwf_alloc_complex(cneed);
		if (t->real[i] == NULL || t->spec[i] == NULL)
			emb_err(NULL, "out of memory for a %d x %d grid", m, m);
	}
	for (i = 0; i < 4; i++) {
		fftwf_free(t->prod[i]);
		if ((t->prod[i] = fftwf_alloc_complex(cneed)) == NULL)
			emb_err(NULL, "out of memory for a %d x %d grid", m, m);
	}
	t->cap = need;
}

static struct plan *
plan_for(struct fft *t, int m)
{
	int i;

	grow(t, m);
	for (i = 0; i < t->nplans; i++)
		if (t->plan[i].m == m)
			return &t->plan[i];
	if (t->nplans == MAX_PLANS) {
		fftwf_destroy_plan(t->plan[0].fwd);
		fftwf_destroy_plan(t->plan[0].inv);
		memmove(&t->plan[0], &t->plan[1], (MAX_PLANS - 1) * sizeof t->plan[0]);
		t->nplans--;
	}
	i = t->nplans++;
	t->plan[i].m = m;
	/* ESTIMATE: the same algorithm every run, so the same bits */
	t->plan[i].fwd = fftwf_plan_dft_r2c_2d(m, m, t->real[0], t->spec[0],
	    FFTW_ESTIMATE);
	t->plan[i].inv = fftwf_plan_dft_c2r_2d(m, m, t->prod[0], t->real[0],
	    FFTW_ESTIMATE);
	if (t->plan[i].fwd == NULL || t->plan[i].inv == NULL)
		emb_err(NULL, "FFTW cannot plan a %d x %d transform", m, m);
	return &t->plan[i];
}

/* Lagrange weights at the nodes 1/6, 1/2, 5/6 of a box, for u in [0, 1]. */
static inline void
lagrange(float u, float *w)
{
	const float a = 1.0f / 6, b = 0.5f, c = 5.0f / 6, h = 1.0f / 3;

	w[0] = (u - b) * (u - c) / (2 * h * h);
	w[1] = -(u - a) * (u - c) / (h * h);
	w[2] = (u - a) * (u - b) / (2 * h * h);
}

double
repulsion_fft(struct fft *t, const float *Y, size_t n, double dof, float *R)
{
	float lo = Y[0], hi = Y[0], bw, hs, mid;
	int nb, n1, m;
	size_t i, cm, mm;
	struct plan *p;
	double zall = 0;
	float *table;

	for (i = 0; i < 2 * n; i++) {
		if (Y[i] < lo)
			lo = Y[i];
		if (Y[i] > hi)
			hi = Y[i];
	}
	nb = (int)ceilf((hi - lo) * (getenv("TSNE_IPI") ? atof(getenv("TSNE_IPI")) : 1));
	nb = good_boxes(nb > MIN_BOXES ? nb : MIN_BOXES);
	n1 = NINTERP * nb;
	m = 2 * n1;
	mm = (size_t)m * m;
	cm = (size_t)m * (m / 2 + 1);
	bw = (hi - lo) / nb;
	if (!(bw > 0))
		bw = 1e-6f;
	hs = bw / NINTERP;
	mid = (lo + hi) / 2;
	p = plan_for(t, m);
	if (n > t->ncap) {
		free(t->cell);
		free(t->weight);
		t->cell = emb_alloc(emb_mul(n, 2), sizeof *t->cell);
		t->weight = emb_alloc(emb_mul(n, 6), sizeof *t->weight);
		t->ncap = n;
	}

#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++) {
		int c;
		for (c = 0; c < 2; c++) {
			float u = (Y[2 * i + c] - lo) / bw;
			int b = (int)u;
			if (b >= nb)
				b = nb - 1;
			if (b < 0)
				b = 0;
			t->cell[2 * i + c] = b * NINTERP;
			lagrange(u - b, &t->weight[6 * i + 3 * c]);
		}
	}

	/* the kernels at every offset of the padded grid, wrapped around */
	table = emb_alloc((size_t)2 * (n1 + 1), sizeof *table);
	for (i = 0; i <= (size_t)n1; i++)
		table[i] = (float)((double)i * i * hs * hs);
#pragma omp parallel for schedule(dynamic, 1)
	for (int job = 0; job < 5; job++) {
		int task = 4 - job;	/* the kernels, the longest, first */
		float *g = t->real[task];
		size_t r, s;

		memset(g, 0, mm * sizeof *g);
		if (task < 3) {
			/* charge 1, x - mid or y - mid, spread to the nodes */
			size_t q;
			for (q = 0; q < n; q++) {
				const float *wx = &t->weight[6 * q], *wy = wx + 3;
				float ch = task == 0 ? 1 : Y[2 * q + task - 1] - mid;
				float *row = &g[(size_t)t->cell[2 * q + 1] * m + t->cell[2 * q]];
				int a, b;
				for (b = 0; b < NINTERP; b++)
					for (a = 0; a < NINTERP; a++)
						row[(size_t)b * m + a] += ch * wy[b] * wx[a];
			}
		} else {
			for (r = 0; r < (size_t)m; r++) {
				size_t dr = r <= (size_t)n1 ? r : m - r;
				for (s = 0; s < (size_t)m; s++) {
					size_t ds = s <= (size_t)n1 ? s : m - s;
					double w, f;
					kernel((double)table[dr] + table[ds], dof, &w, &f);
					g[r * m + s] = (float)(task == 3 ? w : f);
				}
			}
		}
		fftwf_execute_dft_r2c(p->fwd, g, t->spec[task]);
	}
	free(table);

	/*
	 * Z = sum_i sum_j w_ij is <c0, w * c0> over the nodes, by Parseval
	 * sum_k W_k |C0_k|^2 / m^2 (the half spectrum's inner columns twice);
	 * the forces are f * 1, f * x, f * y, transformed back into real[1..3].
	 */
#pragma omp parallel for schedule(dynamic, 1)
	for (int task = 0; task < 4; task++) {
		const fftwf_complex *k = t->spec[task == 0 ? 3 : 4];
		const fftwf_complex *c = t->spec[task == 0 ? 0 : task - 1];
		fftwf_complex *o = t->prod[task];
		size_t e, h = (size_t)m / 2 + 1;

		if (task == 0) {
			double s = 0;
			for (e = 0; e < cm; e++) {
				size_t col = e % h;
				double a = (double)c[e][0] * c[e][0] + (double)c[e][1] * c[e][1];
				s += (col == 0 || col == h - 1 ? 1 : 2) * k[e][0] * a;
			}
			zall = s / (double)mm;
			continue;
		}
		for (e = 0; e < cm; e++) {
			o[e][0] = k[e][0] * c[e][0] - k[e][1] * c[e][1];
			o[e][1] = k[e][0] * c[e][1] + k[e][1] * c[e][0];
		}
		fftwf_execute_dft_c2r(p->inv, o, t->real[task]);
	}

#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++) {
		const float *wx = &t->weight[6 * i], *wy = wx + 3;
		size_t at = (size_t)t->cell[2 * i + 1] * m + t->cell[2 * i];
		float phi[4] = { 0, 0, 0, 0 }, scale = 1.0f / (float)mm;
		int a, b, c;

		for (c = 1; c < 4; c++)
			for (b = 0; b < NINTERP; b++)
				for (a = 0; a < NINTERP; a++)
					phi[c] += wy[b] * wx[a] *
					    t->real[c][at + (size_t)b * m + a];
		for (c = 1; c < 4; c++)
			phi[c] *= scale;
		R[2 * i] = (Y[2 * i] - mid) * phi[1] - phi[2];
		R[2 * i + 1] = (Y[2 * i + 1] - mid) * phi[1] - phi[3];
	}
	return zall - (double)n;	/* less each point with itself, w(0) = 1 */
}
