/*
 * Supervised UMAP on a categorical label, as umap-learn's
 * discrete_metric_simplicial_set_intersection with target_weight 0.5:
 * an edge between different labels is weakened by exp(-far) with far =
 * 2.5 / (1 - 0.5) = 5, one with an unlabelled end (an empty label) by
 * exp(-1); then reset_local_connectivity: each row divided by its largest
 * weight and the fuzzy union taken again.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "umap.h"

#define FAR_DIST	5.0
#define UNKNOWN_DIST	1.0

static const struct emb_frame *sort_frame;
static int sort_field;

static int
by_label(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return strcmp(emb_label(sort_frame, x, sort_field),
	    emb_label(sort_frame, y, sort_field));
}

/* Each row's class number, -1 for an empty label. */
static int32_t *
classes(const struct emb_frame *f, int field)
{
	size_t n = f->rows, *rows = emb_alloc(n ? n : 1, sizeof *rows), i;
	int32_t *cls = emb_alloc(n ? n : 1, sizeof *cls), id = -1;

	for (i = 0; i < n; i++)
		rows[i] = i;
	sort_frame = f;
	sort_field = field;
	qsort(rows, n, sizeof *rows, by_label);
	for (i = 0; i < n; i++) {
		const char *s = emb_label(f, rows[i], field);

		if (i == 0 || strcmp(s, emb_label(f, rows[i - 1], field)) != 0)
			id++;
		cls[rows[i]] = *s == '\0' ? -1 : id;
	}
	free(rows);
	return cls;
}

void
supervise(struct graph *g, const struct emb_frame *f, const char *field,
    const char *name)
{
	int fi = emb_field_index(f, field);
	int32_t *cls;
	size_t i;

	if (fi < 0)
		emb_err(name, "--supervise: no label field '%s'", emb_quote(field));
	cls = classes(f, fi);
#pragma omp parallel for schedule(dynamic, 1024)
	for (i = 0; i < g->n; i++) {
		size_t e;
		float mx = 0;

		for (e = g->start[i]; e < g->start[i + 1]; e++) {
			int32_t ci = cls[i], cj = cls[g->col[e]];

			if (ci < 0 || cj < 0)
				g->w[e] *= (float)exp(-UNKNOWN_DIST);
			else if (ci != cj)
				g->w[e] *= (float)exp(-FAR_DIST);
			mx = fmaxf(mx, g->w[e]);
		}
		for (e = g->start[i]; e < g->start[i + 1]; e++)
			g->w[e] /= mx;
	}
	free(cls);
	fuzzy_union(g, 1.0);
}
