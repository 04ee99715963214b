/*
 * 2-D repulsion by polynomial interpolation on a grid and FFT convolution
 * (Linderman et al. 2019, FIt-SNE's nbody_fft): the map's square is cut into
 * boxes of width 1 (at least 50 a side), each with 3 x 3 equispaced
 * interpolation nodes; the charges 1, x and y are spread to the nodes by
 * Lagrange weights, convolved with the kernel w and its force term f by
 * real FFTs of a grid of twice the nodes a side, zero-padded, and read back.
 * The kernels are even, so their spectra are real: the DCT-I of a quarter
 * of the grid, each in one thread.
 *
 * The 2-D transforms are done as batches of 1-D ones, eight rows or columns
 * a plan, so that the zero half of the padded rows is skipped going forward
 * and the unwanted half of the rows coming back, and so that two threads
 * share the work evenly; each 1-D transform runs in one thread with a plan
 * made once per size by FFTW_ESTIMATE, and every sum has a fixed order: the
 * bits do not depend on the threads.  Single precision throughout.
 *
 * A grid kept over several iterations (its kernels' spectra too) while the
 * map grows, a few per cent wider than the points, was a quarter faster and
 * worse, for reasons not found: on Fashion-MNIST KL 2.58 against 2.52 with
 * 2 % to spare, 2.61 with the grid shifted at random each iteration.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "tsne.h"
#include "kernel.h"

#define NINTERP		3
#define MIN_BOXES	50
/*
 * Wider boxes are cheaper and worse: on Fashion-MNIST (70,000 rows) width
 * 1.5 took the repulsion from 14.2 s to 6.8 s but kNN preservation from
 * 0.396 to 0.382 and KL from 2.52 to 2.63; width 0.75 gained nothing.
 */
#define BOX_WIDTH	1.0f
#define BATCH		8	/* rows or columns a plan */
#define MAX_PLANS	32

struct plan {
	int		m;
	fftwf_plan	row_fwd, col_fwd, col_inv, row_inv;
	fftwf_plan	dct;	/* the kernels': (n1 + 1) x (n1 + 1) DCT-I */
};

struct fft {
	struct plan	 plan[MAX_PLANS];
	int		 nplans;
	size_t		 rcap, ccap, kcap;
	float		*real[3];	/* charges 1, x, y, then the potentials */
	fftwf_complex	*spec[3];	/* charges' spectra */
	float		*ktab[2];	/* kernels w and f at offsets 0..n1 x 0..n1, */
	float		*kspec[2];	/* and their spectra, real: the kernels are even */
	int		 kern_m;	/* the kernels' spectra are for this grid, */
	float		 kern_hs;	/* node spacing */
	double		 kern_dof;	/* and dof */
	size_t		 ncap;
	int32_t		*cell;		/* per point: first node x, first node y */
	float		*weight;	/* per point: 3 weights in x, 3 in y */
};

/* Strides that keep every row, and every eighth column, 64-byte aligned. */
static size_t
real_stride(int m)
{
	return ((size_t)m + 15) / 16 * 16;
}

static size_t
cplx_stride(int m)
{
	return ((size_t)m / 2 + 1 + 7) / 8 * 8;
}

static size_t
round8(size_t x)
{
	return (x + BATCH - 1) / BATCH * BATCH;
}

struct fft *
fft_new(void)
{
	return emb_zalloc(1, sizeof(struct fft));
}

static void
drop_plans(struct fft *t)
{
	int i;

	for (i = 0; i < t->nplans; i++) {
		fftwf_destroy_plan(t->plan[i].row_fwd);
		fftwf_destroy_plan(t->plan[i].col_fwd);
		fftwf_destroy_plan(t->plan[i].col_inv);
		fftwf_destroy_plan(t->plan[i].row_inv);
		fftwf_destroy_plan(t->plan[i].dct);
	}
	t->nplans = 0;
}

void
fft_free(struct fft *t)
{
	int i;

	if (t == NULL)
		return;
	drop_plans(t);
	for (i = 0; i < 3; i++) {
		fftwf_free(t->real[i]);
		fftwf_free(t->spec[i]);
	}
	for (i = 0; i < 2; i++) {
		fftwf_free(t->ktab[i]);
		fftwf_free(t->kspec[i]);
	}
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

static void *
grid_alloc(size_t n, size_t size, int m)
{
	void *p = fftwf_malloc(emb_mul(n, size));

	if (p == NULL)
		emb_err(NULL, "out of memory for a %d x %d grid", m, m);
	return p;
}

/* Room for an m x m grid; plans made for smaller arrays stay valid. */
static void
grow(struct fft *t, int m)
{
	size_t rs = real_stride(m), cs = cplx_stride(m), i;
	size_t rneed = round8((size_t)m) * rs, cneed = round8((size_t)m) * cs;
	size_t kneed = ((size_t)m / 2 + 1) * ((size_t)m / 2 + 1);

	if (rneed <= t->rcap && cneed <= t->ccap && kneed <= t->kcap)
		return;
	drop_plans(t);
	for (i = 0; i < 3; i++) {
		fftwf_free(t->real[i]);
		t->real[i] = grid_alloc(rneed, sizeof(float), m);
		fftwf_free(t->spec[i]);
		t->spec[i] = grid_alloc(cneed, sizeof(fftwf_complex), m);
		memset(t->spec[i], 0, cneed * sizeof(fftwf_complex));
	}
	for (i = 0; i < 2; i++) {
		fftwf_free(t->ktab[i]);
		t->ktab[i] = grid_alloc(kneed, sizeof(float), m);
		fftwf_free(t->kspec[i]);
		t->kspec[i] = grid_alloc(kneed, sizeof(float), m);
	}
	t->rcap = rneed;
	t->ccap = cneed;
	t->kcap = kneed;
	t->kern_m = 0;
}

static struct plan *
plan_for(struct fft *t, int m)
{
	int i, n = m, rs, cs;
	struct plan *p;

	grow(t, m);
	for (i = 0; i < t->nplans; i++)
		if (t->plan[i].m == m)
			return &t->plan[i];
	if (t->nplans == MAX_PLANS) {
		drop_plans(t);
	}
	p = &t->plan[t->nplans++];
	p->m = m;
	rs = (int)real_stride(m);
	cs = (int)cplx_stride(m);
	/* ESTIMATE: the same algorithm every run, so the same bits */
	p->row_fwd = fftwf_plan_many_dft_r2c(1, &n, BATCH, t->real[0], NULL, 1, rs,
	    t->spec[0], NULL, 1, cs, FFTW_ESTIMATE);
	p->col_fwd = fftwf_plan_many_dft(1, &n, BATCH, t->spec[0], NULL, cs, 1,
	    t->spec[0], NULL, cs, 1, FFTW_FORWARD, FFTW_ESTIMATE);
	p->col_inv = fftwf_plan_many_dft(1, &n, BATCH, t->spec[0], NULL, cs, 1,
	    t->spec[0], NULL, cs, 1, FFTW_BACKWARD, FFTW_ESTIMATE);
	p->row_inv = fftwf_plan_many_dft_c2r(1, &n, BATCH, t->spec[0], NULL, 1, cs,
	    t->real[0], NULL, 1, rs, FFTW_ESTIMATE);
	p->dct = fftwf_plan_r2r_2d(m / 2 + 1, m / 2 + 1, t->ktab[0], t->kspec[0],
	    FFTW_REDFT00, FFTW_REDFT00, FFTW_ESTIMATE);
	if (p->row_fwd == NULL || p->col_fwd == NULL || p->col_inv == NULL ||
	    p->row_inv == NULL || p->dct == NULL)
		emb_err(NULL, "FFTW cannot plan a %d x %d transform", m, m);
	return p;
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

struct grid {
	int	 nb, n1, m;
	size_t	 rs, cs, rows;	/* strides; rows of the charges, n1 rounded up */
	float	 lo, bw, hs, mid;
};

/* Boxes of width about 1, at least 50 a side. */
static void
layout(struct grid *g, const float *Y, size_t n)
{
	float lo = Y[0], hi = Y[0];
	size_t i;

	for (i = 0; i < 2 * n; i++) {
		if (Y[i] < lo)
			lo = Y[i];
		if (Y[i] > hi)
			hi = Y[i];
	}
	/*
	 * The grid spans the points exactly, with boxes a little narrower than
	 * 1: a grid of fixed width 1 and a margin made the maps measurably
	 * worse (digits: KL 0.807 against 0.787), although each gradient was
	 * about as accurate.
	 */
	g->nb = (hi - lo) / BOX_WIDTH > MIN_BOXES ?
	    good_boxes((int)ceilf((hi - lo) / BOX_WIDTH)) : MIN_BOXES;
	g->bw = (hi - lo) / g->nb;
	if (!(g->bw > 0))
		g->bw = 1e-6f;
	g->lo = lo;
	g->n1 = NINTERP * g->nb;
	g->m = 2 * g->n1;
	g->rs = real_stride(g->m);
	g->cs = cplx_stride(g->m);
	g->rows = round8((size_t)g->n1);
	g->hs = g->bw / NINTERP;
	g->mid = lo + g->nb * g->bw / 2;
}

/*
 * The kernels w and f at the offsets (dr, ds) of 0 to n1 nodes, (n1 + 1) x
 * (n1 + 1) each, rows lo to hi.  On the padded grid of m = 2 n1 a side a
 * kernel is even in both directions, so its spectrum is real and is the
 * DCT-I of this quarter: a quarter of the transform, where the whole grid
 * by real FFTs was a quarter of the repulsion's time.
 */
static void
kernel_table(struct fft *t, const struct grid *g, double dof, size_t lo, size_t hi)
{
	size_t r, s, n1 = (size_t)g->n1;
	double w, f, hs2 = (double)g->hs * g->hs;
	float h2 = (float)hs2, *kw, *kf;

	for (r = lo; r < hi; r++) {
		kw = &t->ktab[0][r * (n1 + 1)];
		kf = &t->ktab[1][r * (n1 + 1)];
		if (dof != 1) {
			for (s = 0; s <= n1; s++) {
				kernel(hs2 * (double)(r * r + s * s), dof, &w, &f);
				kw[s] = (float)w;
				kf[s] = (float)f;
			}
			continue;
		}
		/* Cauchy, in float lanes: in double it was most of this phase */
#pragma omp simd
		for (s = 0; s <= n1; s++) {
			float v = 1 / (1 + h2 * (float)(r * r + s * s));
			kw[s] = v;
			kf[s] = v * v;
		}
	}
}

static void
spread(struct fft *t, const struct grid *g, const float *Y, size_t n, int c)
{
	float *grid = t->real[c];
	size_t q;

	memset(grid, 0, g->rows * g->rs * sizeof *grid);
	for (q = 0; q < n; q++) {
		const float *wx = &t->weight[6 * q], *wy = wx + 3;
		float ch = c == 0 ? 1 : Y[2 * q + c - 1] - g->mid;
		float *at = &grid[(size_t)t->cell[2 * q + 1] * g->rs + t->cell[2 * q]];
		int a, b;

		for (b = 0; b < NINTERP; b++)
			for (a = 0; a < NINTERP; a++)
				at[(size_t)b * g->rs + a] += ch * wy[b] * wx[a];
	}
}

double
repulsion_fft(struct fft *t, const float *Y, size_t n, double dof, float *R)
{
	struct grid g;
	struct plan *p;
	size_t i, rb, cb, m;
	double zall = 0, self = 0, near[5][5], *own, *zrow;
	int kern;

	layout(&g, Y, n);
	m = (size_t)g.m;
	p = plan_for(t, g.m);
	if (n > t->ncap) {
		free(t->cell);
		free(t->weight);
		t->cell = emb_alloc(emb_mul(n, 2), sizeof *t->cell);
		t->weight = emb_alloc(emb_mul(n, 6), sizeof *t->weight);
		t->ncap = n;
	}
	kern = !(t->kern_m == g.m && t->kern_hs == g.hs && t->kern_dof == dof);
	t->kern_m = g.m;
	t->kern_hs = g.hs;
	t->kern_dof = dof;
	rb = g.rows / BATCH;		/* batches of charge rows */
	cb = g.cs / BATCH;		/* batches of columns */
	own = emb_alloc(n ? n : 1, sizeof *own);
	zrow = emb_alloc(m, sizeof *zrow);
	for (int a = 0; a < 5; a++)
		for (int b = 0; b < 5; b++) {
			double w, f;
			kernel((double)g.hs * g.hs * ((a - 2) * (a - 2) + (b - 2) * (b - 2)),
			    dof, &w, &f);
			near[a][b] = w;
		}

#pragma omp parallel
	{
		size_t j;
		int c;

#pragma omp for schedule(static)
		for (j = 0; j < n; j++)
			for (c = 0; c < 2; c++) {
				float u = (Y[2 * j + c] - g.lo) / g.bw;
				int b = (int)u;
				if (b >= g.nb)
					b = g.nb - 1;
				if (b < 0)
					b = 0;
				t->cell[2 * j + c] = b * NINTERP;
				lagrange(u - b, &t->weight[6 * j + 3 * c]);
			}

		/* the kernels' spectra, when the grid changed: a thread each */
		if (kern) {
#pragma omp for schedule(static)
			for (j = 0; j <= (size_t)g.n1; j++)
				kernel_table(t, &g, dof, j, j + 1);
#pragma omp for schedule(static)
			for (c = 0; c < 2; c++)
				fftwf_execute_r2r(p->dct, t->ktab[c], t->kspec[c]);
		}

#pragma omp for schedule(dynamic, 1)
		for (c = 0; c < 3; c++)
			spread(t, &g, Y, n, c);

		/* forward: the nonzero rows only, then every column */
#pragma omp for schedule(static)
		for (j = 0; j < 3 * rb; j++) {
			size_t ch = j / rb, r = (j % rb) * BATCH;
			fftwf_complex *s = t->spec[ch];
			fftwf_execute_dft_r2c(p->row_fwd, &t->real[ch][r * g.rs],
			    &s[r * g.cs]);
		}
#pragma omp for schedule(static)
		for (j = 0; j < 3; j++)
			memset(&t->spec[j][g.rows * g.cs], 0,
			    (m - g.rows) * g.cs * sizeof(fftwf_complex));
#pragma omp for schedule(static)
		for (j = 0; j < 3 * cb; j++) {
			fftwf_complex *s = &t->spec[j / cb][(j % cb) * BATCH];
			fftwf_execute_dft(p->col_fwd, s, s);
		}

		/*
		 * Z = sum_i sum_j w_ij = <c0, w * c0> over the nodes, by Parseval
		 * sum_k W_k |C0_k|^2 / m^2 (the half spectrum's inner columns
		 * twice); then the charges' spectra times the force kernel's.
		 */
#pragma omp for schedule(static)
		for (j = 0; j < m; j++) {
			size_t e, h = m / 2 + 1;
			const float *k = &t->kspec[0][(j <= m / 2 ? j : m - j) * h];
			const fftwf_complex *s = &t->spec[0][j * g.cs];
			double z = 0;
			for (e = 0; e < h; e++)
				z += (e == 0 || e == h - 1 ? 1 : 2) * (double)k[e] *
				    ((double)s[e][0] * s[e][0] + (double)s[e][1] * s[e][1]);
			zrow[j] = z;
		}
#pragma omp for schedule(static)
		for (j = 0; j < 3 * m; j++) {
			size_t e, r = j % m, h = m / 2 + 1;
			const float *k = &t->kspec[1][(r <= m / 2 ? r : m - r) * h];
			fftwf_complex *s = &t->spec[j / m][r * g.cs];
			for (e = 0; e < h; e++) {
				s[e][0] *= k[e];
				s[e][1] *= k[e];
			}
		}

		/* back: every column, then the wanted rows only */
#pragma omp for schedule(static)
		for (j = 0; j < 3 * cb; j++) {
			fftwf_complex *s = &t->spec[j / cb][(j % cb) * BATCH];
			fftwf_execute_dft(p->col_inv, s, s);
		}
#pragma omp for schedule(static)
		for (j = 0; j < 3 * rb; j++) {
			size_t ch = j / rb, r = (j % rb) * BATCH;
			fftwf_execute_dft_c2r(p->row_inv, &t->spec[ch][r * g.cs],
			    &t->real[ch][r * g.rs]);
		}

		/* read back at the points; each point's own share of Z as the nodes see it */
#pragma omp for schedule(static)
		for (j = 0; j < n; j++) {
			const float *wx = &t->weight[6 * j], *wy = wx + 3;
			size_t at = (size_t)t->cell[2 * j + 1] * g.rs + t->cell[2 * j];
			float phi[3] = { 0, 0, 0 }, scale = 1.0f / ((float)m * (float)m);
			double kii = 0, sx[5] = { 0 }, sy[5] = { 0 };
			int a, a2, b;

			for (c = 0; c < 3; c++)
				for (b = 0; b < NINTERP; b++)
					for (a = 0; a < NINTERP; a++)
						phi[c] += wy[b] * wx[a] *
						    t->real[c][at + (size_t)b * g.rs + a];
			for (c = 0; c < 3; c++)
				phi[c] *= scale;
			R[2 * j] = (Y[2 * j] - g.mid) * phi[0] - phi[1];
			R[2 * j + 1] = (Y[2 * j + 1] - g.mid) * phi[0] - phi[2];
			/* sum over node pairs, by the offset between them in x and y */
			for (a = 0; a < 3; a++)
				for (a2 = 0; a2 < 3; a2++) {
					sx[a - a2 + 2] += (double)wx[a] * wx[a2];
					sy[a - a2 + 2] += (double)wy[a] * wy[a2];
				}
			for (a = 0; a < 5; a++)
				for (b = 0; b < 5; b++)
					kii += sx[a] * sy[b] * near[a][b];
			own[j] = kii;
		}
	}
	for (i = 0; i < m; i++)
		zall += zrow[i];
	for (i = 0; i < n; i++)
		self += own[i];
	free(own);
	free(zrow);
	return zall / ((double)m * (double)m) - self;
}
