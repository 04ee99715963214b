/*
 * --save and --apply: the map as a model, and new points placed into it as
 * openTSNE's TSNEEmbedding.transform does: affinities to the reference
 * points only, at perplexity 5; each point starts at the median of its 25
 * nearest references' positions and moves for 100 iterations (learning
 * rate 1, exaggeration 2, no momentum, delta-bar-delta gains) with the
 * reference fixed.  The repulsion is from the reference only, normalised
 * by the point's own sum over it: each point is placed as if it were the
 * only new one, so it depends on nothing but the model and its own values.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tsne.h"
#include "place.h"

#define INIT_K		25
#define PLACE_PERPLEXITY 5
#define PLACE_ITER	100
#define PLACE_LR	1
#define PLACE_EXAG	2
#define MAXK		EMB_MAX_K

static float *saved_X;
static size_t saved_rows, saved_cols;

/* The input points, kept for the model until the map is done. */
void
save_keep(const struct options *o, const float *X, size_t n, size_t d)
{
	if (o->save == NULL)
		return;
	if (saved_X != NULL || saved_rows != 0)
		emb_err(NULL, "--save: the input has more than one points frame");
	saved_X = emb_alloc(emb_mul(n, d), sizeof *saved_X);
	memcpy(saved_X, X, n * d * sizeof *X);
	saved_rows = n;
	saved_cols = d;
}

void
save_model(const struct options *o, const struct emb_frame *map)
{
	struct emb_frame ref, m;

	if (o->save == NULL || saved_X == NULL)
		return;
	memset(&ref, 0, sizeof ref);
	ref.kind = EMB_POINTS;
	ref.rows = saved_rows;
	ref.cols = saved_cols;
	ref.data = saved_X;
	memset(&m, 0, sizeof m);
	m.kind = EMB_POINTS;
	m.rows = map->rows;
	m.cols = map->cols;
	m.data = map->data;
	emb_meta_copy(&m, map);
	emb_meta_set(&ref, "reducer", "tsne");
	place_save(o->save, "tsne", &ref, &m);
	m.data = NULL;
	emb_frame_free(&m);
	emb_frame_free(&ref);	/* frees saved_X */
	saved_X = NULL;
}

struct placer {
	const struct place_model *pm;
	size_t	 n, d, dims, k, kp;
	double	 perplexity, lr, exag, dof;
	size_t	 iter;
	float	*R[3];		/* the map, a column per dimension */
	const char *model;
};

/* The Gaussian over the squared distances d with entropy log(perplexity). */
static void
gauss(const float *d, size_t k, double perplexity, double *p)
{
	double target = log(perplexity), beta = 1, lo = 0, hi = INFINITY, sum = 1;
	double mean = 0, h, dsum;
	size_t j;
	int step;

	for (j = 0; j < k; j++)
		mean += d[j] - d[0];
	if (mean > 0)
		beta = k / mean;
	for (step = 0; step < 200; step++) {
		sum = dsum = 0;
		for (j = 0; j < k; j++) {
			p[j] = exp(-(d[j] - d[0]) * beta);
			sum += p[j];
			dsum += (d[j] - d[0]) * p[j];
		}
		h = log(sum) + beta * dsum / sum;
		if (fabs(h - target) <= 1e-5)
			break;
		if (h > target) {
			lo = beta;
			beta = hi == INFINITY ? beta * 2 : (beta + hi) / 2;
		} else {
			hi = beta;
			beta = (beta + lo) / 2;
		}
	}
	for (j = 0; j < k; j++)
		p[j] /= sum;
}

static int
by_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* The repulsion sums over the whole reference at y: Z, and F = sum w^((dof+1)/dof) (y - r). */
static double
repel(const struct placer *s, const float *y, double *F)
{
	const float *rx = s->R[0], *ry = s->R[1];
	float z = 0, fx = 0, fy = 0, fz = 0;
	size_t j, n = s->n;

	if (s->dims == 2 && s->dof == 1) {
		const float y0 = y[0], y1 = y[1];
#pragma omp simd reduction(+:z, fx, fy)
		for (j = 0; j < n; j++) {
			float dx = y0 - rx[j], dy = y1 - ry[j];
			float q = 1 / (1 + dx * dx + dy * dy);
			z += q;
			fx += q * q * dx;
			fy += q * q * dy;
		}
	} else {
		const float *rz = s->R[2];
		const float a = (float)s->dof, e = (float)((s->dof + 1) / s->dof);
		for (j = 0; j < n; j++) {
			float dx = y[0] - rx[j], dy = y[1] - ry[j];
			float dz = s->dims == 3 ? y[2] - rz[j] : 0;
			float w = powf(1 + (dx * dx + dy * dy + dz * dz) / a, -a);
			float we = powf(w, e);
			z += w;
			fx += we * dx;
			fy += we * dy;
			fz += we * dz;
		}
	}
	F[0] = fx;
	F[1] = fy;
	F[2] = fz;
	return z;
}

static void
place_one(const struct placer *s, const int32_t *idx, const float *d2, float *y)
{
	const float *M = s->pm->map.data;
	double p[MAXK], F[3], g, upd[3] = { 0, 0, 0 }, gain[3] = { 1, 1, 1 };
	float med[INIT_K];
	size_t dims = s->dims, ki = s->k < INIT_K ? s->k : INIT_K, j, t, it;

	for (t = 0; t < dims; t++) {	/* the median of the nearest references' positions */
		for (j = 0; j < ki; j++)
			med[j] = M[(size_t)idx[j] * dims + t];
		qsort(med, ki, sizeof *med, by_float);
		y[t] = ki % 2 ? med[ki / 2] : (med[ki / 2 - 1] + med[ki / 2]) / 2;
	}
	gauss(d2, s->kp, s->perplexity, p);
	for (it = 0; it < s->iter; it++) {
		double A[3] = { 0, 0, 0 }, z = repel(s, y, F);
		for (j = 0; j < s->kp; j++) {
			const float *r = M + (size_t)idx[j] * dims;
			double dd = 0, w;
			for (t = 0; t < dims; t++)
				dd += (y[t] - r[t]) * (y[t] - r[t]);
			w = s->dof == 1 ? 1 / (1 + dd) : pow(1 + dd / s->dof, -1);
			for (t = 0; t < dims; t++)
				A[t] += p[j] * w * (y[t] - r[t]);
		}
		for (t = 0; t < dims; t++) {
			g = 4 * (s->exag * A[t] - (z > 0 ? F[t] / z : 0));
			gain[t] = (g > 0) != (upd[t] > 0) ? gain[t] + 0.2 : gain[t] * 0.8;
			if (gain[t] < 0.01)
				gain[t] = 0.01;
			upd[t] = -s->lr * gain[t] * g;
			y[t] += (float)upd[t];
		}
	}
}

static void
place_chunk_rows(void *ctx, const float *X, size_t m, float *Y)
{
	const struct placer *s = ctx;
	int32_t *idx = emb_alloc(emb_mul(m, s->k), sizeof *idx);
	float *d2 = emb_alloc(emb_mul(m, s->k), sizeof *d2);
	long i;

	place_knn(s->pm->ref.data, s->n, s->d, X, m, s->k, idx, d2);
#pragma omp parallel for schedule(dynamic, 16)
	for (i = 0; i < (long)m; i++)
		place_one(s, idx + i * s->k, d2 + i * s->k, Y + i * s->dims);
	free(idx);
	free(d2);
}

static void
describe_placed(void *ctx, struct emb_frame *out)
{
	const struct placer *s = ctx;
	const char *keys[] = { "tsne.affinity", "tsne.dof", "tsne.perplexity",
	    "tsne.method", "tsne.seed" };
	size_t i;

	emb_meta_set(out, "reducer", "tsne");
	for (i = 0; i < sizeof keys / sizeof *keys; i++) {
		const char *v = emb_meta_get(&s->pm->map, keys[i]);
		if (v != NULL)
			emb_meta_set(out, keys[i], "%s", v);
	}
	emb_meta_set(out, "tsne.model", "%s", s->model);
	emb_meta_set(out, "tsne.place.perplexity", "%g", s->perplexity);
	emb_meta_set(out, "tsne.place.init", "median of %d", INIT_K);
	emb_meta_set(out, "tsne.place.iter", "%zu", s->iter);
	emb_meta_set(out, "tsne.place.learning_rate", "%g", s->lr);
	emb_meta_set(out, "tsne.place.exaggeration", "%g", s->exag);
}

void
apply_model(const struct options *o, const char *path)
{
	struct place_model pm;
	struct placer s;
	struct place_job job;
	const char *v;
	char *end;
	size_t t;

	place_load(&pm, o->apply, "tsne");
	memset(&s, 0, sizeof s);
	s.pm = &pm;
	s.model = o->apply;
	s.n = pm.ref.rows;
	s.d = pm.ref.cols;
	s.dims = pm.map.cols;
	if (s.dims < 2 || s.dims > 3)
		emb_err(pm.name, "the model's map has %zu dimensions: 2 or 3", s.dims);
	v = emb_meta_get(&pm.map, "tsne.dof");
	s.dof = v != NULL ? strtod(v, &end) : NAN;
	if (v == NULL || *end != '\0' || !(s.dof >= 0.01 && s.dof <= 1e6))
		emb_err(pm.name, "the model has no valid tsne.dof");
	s.perplexity = o->given & GIVEN_P ? o->perplexity[0] : PLACE_PERPLEXITY;
	s.iter = o->given & GIVEN_ITER ? o->iter : PLACE_ITER;
	s.lr = o->given & GIVEN_LR && o->learning_rate > 0 ? o->learning_rate : PLACE_LR;
	s.exag = o->given & GIVEN_EXAG ? o->exaggeration : PLACE_EXAG;
	s.kp = (size_t)(3 * s.perplexity);
	if (s.kp < 1)
		s.kp = 1;
	if (s.kp > s.n)
		emb_err(pm.name, "perplexity %g needs %zu reference points; the model "
		    "has %zu", s.perplexity, s.kp, s.n);
	if (s.kp > MAXK)
		emb_err(NULL, "-p %g: at most %d neighbours when placing", s.perplexity,
		    (int)MAXK);
	s.k = s.kp > INIT_K ? s.kp : INIT_K;
	if (s.k > s.n)
		s.k = s.n;
	for (t = 0; t < s.dims; t++) {
		size_t j;
		s.R[t] = emb_alloc(s.n, sizeof *s.R[t]);
		for (j = 0; j < s.n; j++)
			s.R[t][j] = pm.map.data[j * s.dims + t];
	}
	job.path = path;
	job.d = s.d;
	job.dims = s.dims;
	job.place = place_chunk_rows;
	job.describe = describe_placed;
	job.ctx = &s;
	place_stream(&job);
	for (t = 0; t < s.dims; t++)
		free(s.R[t]);
	place_model_free(&pm);
}
