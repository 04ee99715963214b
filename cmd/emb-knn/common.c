#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emb-knn.h"

void
read_points(const char *path, struct emb_frame *out)
{
	struct emb_reader *r = emb_open(path);
	struct emb_frame f;
	int have = 0;

	while (emb_read(r, &f)) {
		if (f.kind != EMB_POINTS) {
			emb_frame_free(&f);
			continue;
		}
		if (have)
			emb_frame_free(out);
		*out = f;
		have = 1;
	}
	if (!have)
		emb_err(emb_reader_name(r), "no points frame");
	emb_close(r);
}

void
check_finite(const char *name, const struct emb_frame *f)
{
	size_t bad = knn_bad_row(f->data, f->rows, f->cols);
	const char *label;

	if (bad == f->rows)
		return;
	label = emb_label(f, bad, 0);
	if (label != NULL)
		emb_err(name, "row %zu ('%s') has a NaN, infinite or too large value",
		    bad, emb_quote_n(label, strnlen(label, 40)));
	emb_err(name, "row %zu has a NaN, infinite or too large value", bad);
}

static int
by_value(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

size_t *
sample_rows(size_t n, size_t m, uint64_t seed)
{
	size_t *all = emb_alloc(n, sizeof *all), i, j, t;
	struct emb_rng rng;

	emb_rng_seed(&rng, seed);
	for (i = 0; i < n; i++)
		all[i] = i;
	if (m < n)
		for (i = 0; i < m; i++) {
			j = i + emb_rng_below(&rng, n - i);
			t = all[i];
			all[i] = all[j];
			all[j] = t;
		}
	qsort(all, m < n ? m : n, sizeof *all, by_value);
	return all;
}

/* (a, i) ranks before (b, j): larger first, then smaller index. */
static int
higher(float a, int32_t i, float b, int32_t j)
{
	return a > b || (a == b && i < j);
}

void
top_scores(const float *s, size_t n, size_t m, int32_t *idx)
{
	size_t have = 0, j, u;

	if (m > n)
		m = n;
	for (j = 0; j < n; j++) {
		if (have == m && !higher(s[j], (int32_t)j, s[idx[m - 1]], idx[m - 1]))
			continue;
		u = have < m ? have++ : m - 1;
		for (; u > 0 && higher(s[j], (int32_t)j, s[idx[u - 1]], idx[u - 1]); u--)
			idx[u] = idx[u - 1];
		idx[u] = (int32_t)j;
	}
}
