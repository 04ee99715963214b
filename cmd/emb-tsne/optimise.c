/*
 * Gradient descent with momentum and per-coordinate gains, as scikit-learn,
 * openTSNE and FIt-SNE do it: early exaggeration, then the rest.  The step
 * uses the gradient as openTSNE and FIt-SNE scale it, a quarter of dKL/dy,
 * so their learning rates carry over.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tsne.h"

#define MIN_GAIN	0.01f
#define MAX_STEP	5.0f	/* openTSNE's max_step_norm: no point jumps further */

double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

const char *
method_name(enum method m)
{
	switch (m) {
	case M_EXACT:
		return "exact";
	case M_BH:
		return "bh";
	case M_FFT:
		return "fft";
	default:
		return "auto";
	}
}

struct work {
	const struct csr	*P;
	const struct options	*o;
	enum method		 m;
	struct fft		*fft;
	float			*A, *R;		/* attraction, repulsion: n x dims */
	struct timing		*t;
};

static double
repulsion(struct work *w, const float *Y, size_t n)
{
	size_t dims = w->o->dims;

	switch (w->m) {
	case M_EXACT:
		return repulsion_exact(Y, n, dims, w->o->dof, w->R);
	case M_BH:
		return repulsion_bh(Y, n, dims, w->o->dof, w->o->theta, w->R);
	default:
		return repulsion_fft(w->fft, Y, n, w->o->dof, w->R);
	}
}

/* G = exag * attraction - repulsion / Z; returns Z. */
static double
gradient(struct work *w, float *G, const float *Y, size_t n, double exag)
{
	size_t i, nd = n * w->o->dims;
	double t0 = now(), t1, Z;
	float fz, fe = (float)exag;

	attraction(w->P, Y, w->o->dims, w->o->dof, w->A);
	t1 = now();
	Z = repulsion(w, Y, n);
	if (w->t != NULL) {
		w->t->attraction += t1 - t0;
		w->t->repulsion += now() - t1;
	}
	if (!(Z > 0))
		Z = 1e-300;
	fz = (float)(1.0 / Z);
	for (i = 0; i < nd; i++)
		G[i] = fe * w->A[i] - fz * w->R[i];
	return Z;
}

static void
work_init(struct work *w, size_t n, const struct csr *P, const struct options *o,
    enum method m, struct timing *t)
{
	w->P = P;
	w->o = o;
	w->m = m;
	w->fft = m == M_FFT ? fft_new() : NULL;
	w->A = emb_alloc(emb_mul(n, o->dims), sizeof *w->A);
	w->R = emb_alloc(emb_mul(n, o->dims), sizeof *w->R);
	w->t = t;
}

static void
work_free(struct work *w)
{
	fft_free(w->fft);
	free(w->A);
	free(w->R);
}

/* --gradient: dKL/dy itself at Y, and the KL divergence there. */
void
gradient_at(float *G, const float *Y, size_t n, const struct csr *P,
    const struct options *o, enum method m, double *kl)
{
	struct work w;
	double Z;
	size_t i;

	work_init(&w, n, P, o, m, NULL);
	Z = gradient(&w, G, Y, n, o->exaggeration);
	for (i = 0; i < n * o->dims; i++)
		G[i] *= 4;
	*kl = kl_divergence(P, Y, o->dims, o->dof, Z);
	work_free(&w);
}

static void
recentre(float *Y, size_t n, size_t dims)
{
	double mean[3] = { 0, 0, 0 };
	size_t i, c;

	for (i = 0; i < n; i++)
		for (c = 0; c < dims; c++)
			mean[c] += Y[i * dims + c];
	for (c = 0; c < dims; c++)
		mean[c] /= (double)n;
	for (i = 0; i < n; i++)
		for (c = 0; c < dims; c++)
			Y[i * dims + c] -= (float)mean[c];
}

static void
step(float *Y, float *update, float *gains, const float *G, size_t n, size_t dims,
    float lr, float momentum)
{
	size_t i;

#pragma omp parallel for schedule(static)
	for (i = 0; i < n; i++) {
		float s2 = 0, *u = &update[i * dims], *g = &gains[i * dims];
		const float *gr = &G[i * dims];
		size_t c;

		for (c = 0; c < dims; c++) {
			if (u[c] * gr[c] < 0)
				g[c] += 0.2f;
			else
				g[c] *= 0.8f;
			if (g[c] < MIN_GAIN)
				g[c] = MIN_GAIN;
			u[c] = momentum * u[c] - lr * g[c] * gr[c];
			s2 += u[c] * u[c];
		}
		if (s2 > MAX_STEP * MAX_STEP) {
			float f = MAX_STEP / sqrtf(s2);
			for (c = 0; c < dims; c++)
				u[c] *= f;
		}
		for (c = 0; c < dims; c++)
			Y[i * dims + c] += u[c];
	}
}

static int
showing(void)
{
	return emb_verbose > 0 || (emb_verbose == 0 && isatty(2));
}

void
optimise(float *Y, size_t n, const struct csr *P, const struct options *o,
    enum method m, struct timing *t, const struct snapshot_sink *sink,
    struct result *res)
{
	size_t dims = o->dims, total = o->early_iter + o->iter, it, snap = 0;
	float *G = emb_alloc(emb_mul(n, dims), sizeof *G);
	float *update = emb_zalloc(emb_mul(n, dims), sizeof *update);
	float *gains = emb_alloc(emb_mul(n, dims), sizeof *gains);
	double start = now(), Z = 1, t0, kl, lr_early, lr;
	struct work w;
	size_t i;

	for (i = 0; i < n * dims; i++)
		gains[i] = 1;
	/*
	 * auto: N / 12 in both phases (Belkina et al. 2019, FIt-SNE), at least
	 * 50; openTSNE's N / exaggeration after the early phase, N itself,
	 * makes the steps of an untangled map too long.
	 */
	lr_early = o->learning_rate > 0 ? o->learning_rate : fmax(50, n / 12.0);
	lr = lr_early;
	res->learning_rate = lr;
	work_init(&w, n, P, o, m, t);
	for (it = 0; it < total; it++) {
		int early = it < o->early_iter;

		while (sink != NULL && snap < o->snapshots &&
		    snap * total / o->snapshots <= it) {
			sink->write(sink->ctx, Y, it, NAN);
			snap++;
		}
		Z = gradient(&w, G, Y, n, early ? o->early_exaggeration :
		    o->exaggeration);
		t0 = now();
		step(Y, update, gains, G, n, dims, (float)(early ? lr_early : lr),
		    early ? 0.5f : 0.8f);
		recentre(Y, n, dims);
		if (showing() && ((it + 1) % 50 == 0 || it + 1 == total)) {
			double el = now() - start;
			kl = kl_divergence(P, Y, dims, o->dof, Z);
			fprintf(stderr, "%s: iteration %zu/%zu, KL %.4f, %.1f s, "
			    "%.1f s to go\n", emb_progname, it + 1, total, kl, el,
			    el / (it + 1) * (total - it - 1));
		}
		t->other += now() - t0;
	}
	/* the final divergence, with Z at the final map */
	Z = repulsion(&w, Y, n);
	res->kl = kl_divergence(P, Y, dims, o->dof, Z > 0 ? Z : 1e-300);
	res->iterations = total;
	work_free(&w);
	free(G);
	free(update);
	free(gains);
}
