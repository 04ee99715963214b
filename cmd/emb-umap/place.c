/*
 * --save and --apply: the layout as a model, and new points placed into it
 * as umap-learn 0.5.3's UMAP.transform does: the point's k nearest
 * reference points (exact search), membership strengths exp(-d / sigma)
 * with transform's local connectivity 0 (rho = 0) and sigma by bisection
 * to log2(k), the start at the strength-weighted mean of their positions,
 * then 100 epochs of the layout's SGD with the reference fixed (learning
 * rate a quarter of the fit's, negative samples from the reference).
 * umap-learn scales the pruning, the sampling rates and sigma's floor by
 * the largest strength (or mean distance) of the whole batch; here by the
 * point's own, and the random numbers are keyed by a hash of the seed and
 * the point's values: a point lands where it lands alone, whatever else
 * is placed with it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "umap.h"
#include "place.h"

#define PLACE_EPOCHS	100
#define CLIP		4.0f
#define MAX_DIM		256

static float *saved_X;
static size_t saved_rows, saved_cols;

void
umap_save_keep(const struct opts *o, const float *X, size_t n, size_t d)
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
umap_save_model(const struct opts *o, const float *Y, size_t n, double a, double b,
    const char *metric)
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
	m.rows = n;
	m.cols = o->dim;
	m.data = (float *)Y;
	emb_meta_set(&ref, "reducer", "UMAP");
	emb_meta_set(&m, "reducer", "UMAP");
	emb_meta_set(&m, "umap.k", "%zu", o->k);
	emb_meta_set(&m, "umap.metric", "%s", metric);
	emb_meta_set(&m, "umap.a", "%.9g", a);
	emb_meta_set(&m, "umap.b", "%.9g", b);
	emb_meta_set(&m, "umap.gamma", "%.9g", o->gamma);
	emb_meta_set(&m, "umap.neg", "%u", o->neg);
	emb_meta_set(&m, "umap.lr", "%.9g", o->alpha);
	emb_meta_set(&m, "umap.min_dist", "%g", o->min_dist);
	emb_meta_set(&m, "umap.spread", "%g", o->spread);
	place_save(o->save, "umap", &ref, &m);
	m.data = NULL;
	emb_frame_free(&m);
	emb_frame_free(&ref);
	saved_X = NULL;
}

struct placer {
	const struct place_model *pm;
	const float *R;		/* the reference as compared: unit rows for cosine */
	size_t	 n, d, dim, k, epochs;
	int	 cosine;
	float	 a, b, gamma, alpha;
	unsigned neg;
	uint64_t seed;
	const char *model;
};

/* sigma: the strengths exp(-d / sigma) of neighbours 2..k sum to log2(k). */
static double
sigma_of(const float *d, size_t k)
{
	double target = log2((double)k), lo = 0, hi = INFINITY, mid = 1, psum, mean = 0;
	size_t j;
	int it;

	for (it = 0; it < 64; it++) {
		psum = 0;
		for (j = 1; j < k; j++)
			psum += d[j] > 0 ? exp(-(d[j] / mid)) : 1.0;
		if (fabs(psum - target) < 1e-5)
			break;
		if (psum > target) {
			hi = mid;
			mid = (lo + hi) / 2;
		} else {
			lo = mid;
			mid = isinf(hi) ? mid * 2 : (lo + hi) / 2;
		}
	}
	for (j = 0; j < k; j++)
		mean += d[j];
	mean /= k;
	return mid < 1e-3 * mean ? 1e-3 * mean : mid;
}

static inline float
clip(float x)
{
	return x > CLIP ? CLIP : x < -CLIP ? -CLIP : x;
}

static void
place_one(const struct placer *s, const float *x, const int32_t *idx, float *d,
    float *y)
{
	const float *M = s->pm->map.data;
	const size_t dim = s->dim, k = s->k;
	double w[EMB_MAX_K + 1], eps[EMB_MAX_K + 1], next[EMB_MAX_K + 1];
	double epn[EMB_MAX_K + 1], nextn[EMB_MAX_K + 1], wmax = 0, sum = 0, sigma;
	uint64_t key = place_key(x, s->d, s->seed), count = 0;
	size_t j, t, ep, p, exact = SIZE_MAX;

	for (j = 0; j < k; j++)
		d[j] = s->cosine ? d[j] / 2 : sqrtf(d[j]);
	sigma = sigma_of(d, k);
	for (j = 0; j < k; j++) {
		w[j] = d[j] <= 0 || sigma == 0 ? 1.0 : exp(-(d[j] / sigma));
		sum += w[j];
		wmax = fmax(wmax, w[j]);
		if (w[j] == 1 && exact == SIZE_MAX)
			exact = j;
	}
	for (t = 0; t < dim; t++)
		y[t] = 0;
	for (j = 0; j < k; j++) {
		if (j == exact)
			break;
		for (t = 0; t < dim; t++)
			y[t] += (float)(w[j] / sum) * M[(size_t)idx[j] * dim + t];
	}
	if (exact != SIZE_MAX)
		memcpy(y, M + (size_t)idx[exact] * dim, dim * sizeof *y);
	for (j = 0; j < k; j++) {
		if (w[j] < wmax / s->epochs)
			w[j] = 0;
		eps[j] = w[j] > 0 ? wmax / w[j] : -1;
		next[j] = eps[j];
		epn[j] = eps[j] / s->neg;
		nextn[j] = epn[j];
	}
	for (ep = 0; ep < s->epochs; ep++) {
		float alpha = s->alpha * (1 - (float)ep / s->epochs);

		for (j = 0; j < k; j++) {
			const float *o = M + (size_t)idx[j] * dim;
			float dd = 0, g = 0;
			size_t nneg;

			if (eps[j] < 0 || next[j] > ep)
				continue;
			for (t = 0; t < dim; t++)
				dd += (y[t] - o[t]) * (y[t] - o[t]);
			if (dd > 0)
				g = -2 * s->a * s->b * powf(dd, s->b - 1) /
				    (s->a * powf(dd, s->b) + 1);
			for (t = 0; t < dim; t++)
				y[t] += clip(g * (y[t] - o[t])) * alpha;
			next[j] += eps[j];
			nneg = s->neg ? (size_t)((ep - nextn[j]) / epn[j]) : 0;
			for (p = 0; p < nneg; p++) {
				uint64_t h = mix64(key + ++count * 0x9e3779b97f4a7c15ULL);
				size_t r = (size_t)(((h >> 32) * (uint64_t)s->n) >> 32);
				const float *q = M + r * dim;

				dd = 0;
				for (t = 0; t < dim; t++)
					dd += (y[t] - q[t]) * (y[t] - q[t]);
				g = dd > 0 ? 2 * s->gamma * s->b / ((0.001f + dd) *
				    (s->a * powf(dd, s->b) + 1)) : 0;
				for (t = 0; t < dim; t++)
					y[t] += (g > 0 ? clip(g * (y[t] - q[t])) : CLIP) * alpha;
			}
			nextn[j] += nneg * epn[j];
		}
	}
}

static void
place_rows(void *ctx, const float *X, size_t m, float *Y)
{
	const struct placer *s = ctx;
	int32_t *idx = emb_alloc(emb_mul(m, s->k), sizeof *idx);
	float *d2 = emb_alloc(emb_mul(m, s->k), sizeof *d2);
	float *U = s->cosine ? knn_unit_rows(X, m, s->d) : NULL;
	long i;

	place_knn(s->R, s->n, s->d, U != NULL ? U : X, m, s->k, idx, d2);
#pragma omp parallel for schedule(dynamic, 16)
	for (i = 0; i < (long)m; i++)
		place_one(s, X + i * s->d, idx + i * s->k, d2 + i * s->k, Y + i * s->dim);
	free(U);
	free(idx);
	free(d2);
}

static void
describe_placed(void *ctx, struct emb_frame *out)
{
	const struct placer *s = ctx;
	const char *keys[] = { "umap.k", "umap.metric", "umap.min_dist",
	    "umap.spread", "umap.a", "umap.b" };
	size_t i;

	emb_meta_set(out, "reducer", "UMAP");
	for (i = 0; i < sizeof keys / sizeof *keys; i++) {
		const char *v = emb_meta_get(&s->pm->map, keys[i]);
		if (v != NULL)
			emb_meta_set(out, keys[i], "%s", v);
	}
	emb_meta_set(out, "umap.model", "%s", s->model);
	emb_meta_set(out, "umap.place.epochs", "%zu", s->epochs);
	emb_meta_set(out, "umap.place.lr", "%g", s->alpha);
	emb_meta_set(out, "umap.seed", "%llu", (unsigned long long)s->seed);
}

/* A number of the model's metadata, in [lo, hi]. */
static double
meta_number(const struct place_model *pm, const char *key, double lo, double hi)
{
	const char *v = emb_meta_get(&pm->map, key);
	char *end;
	double x = v != NULL ? strtod(v, &end) : NAN;

	if (v == NULL || end == v || *end != '\0' || !(x >= lo && x <= hi))
		emb_err(pm->name, "the model has no valid %s", key);
	return x;
}

void
umap_apply(const struct opts *o)
{
	struct place_model pm;
	struct placer s;
	struct place_job job;
	const char *metric;
	float *U = NULL;

	place_load(&pm, o->apply, "umap");
	memset(&s, 0, sizeof s);
	s.pm = &pm;
	s.model = o->apply;
	s.n = pm.ref.rows;
	s.d = pm.ref.cols;
	s.dim = pm.map.cols;
	if (s.dim > MAX_DIM)
		emb_err(pm.name, "the model's map has %zu dimensions: at most %d", s.dim,
		    MAX_DIM);
	s.k = (size_t)meta_number(&pm, "umap.k", 2, EMB_MAX_K + 1);
	if (s.k > s.n)
		emb_err(pm.name, "umap.k %zu: more than the model's %zu points", s.k, s.n);
	s.a = (float)meta_number(&pm, "umap.a", 1e-6, 1e6);
	s.b = (float)meta_number(&pm, "umap.b", 1e-3, 10);
	s.gamma = (float)meta_number(&pm, "umap.gamma", 0, 1e3);
	s.neg = (unsigned)meta_number(&pm, "umap.neg", 0, 1000);
	s.alpha = (float)(meta_number(&pm, "umap.lr", 1e-6, 1e3) / 4);
	if ((metric = emb_meta_get(&pm.map, "umap.metric")) == NULL ||
	    (strcmp(metric, "euclidean") != 0 && strcmp(metric, "cosine") != 0))
		emb_err(pm.name, "the model has no valid umap.metric");
	s.cosine = strcmp(metric, "cosine") == 0;
	s.epochs = o->epochs ? o->epochs : PLACE_EPOCHS;
	s.seed = o->seed;
	if (s.cosine)
		U = knn_unit_rows(pm.ref.data, s.n, s.d);
	s.R = U != NULL ? U : pm.ref.data;
	job.path = o->input != NULL ? o->input : "-";
	job.d = s.d;
	job.dims = s.dim;
	job.place = place_rows;
	job.describe = describe_placed;
	job.ctx = &s;
	place_stream(&job);
	free(U);
	place_model_free(&pm);
}
