/* The pipeline stage: every points frame, then its neighbour graph. */
#include <stdlib.h>

#include "emb-knn.h"

/* The share of the graph's neighbours that exact search also finds, on some rows. */
static void
report_recall(const struct opts *o, const struct emb_frame *f,
    const struct emb_frame *g)
{
	size_t k = g->cols, m = o->recall < f->rows ? o->recall : f->rows;
	size_t *rows = sample_rows(f->rows, m, o->knn.seed), q, s, t, hits = 0;
	int32_t *idx = emb_alloc(emb_mul(m, k), sizeof *idx);
	float *dist = emb_alloc(emb_mul(m, k), sizeof *dist);

	knn_search_rows(f->data, f->rows, f->cols, rows, m, k, o->metric,
	    o->knn.threads, idx, dist);
	for (q = 0; q < m; q++)
		for (s = 0; s < k; s++)
			for (t = 0; t < k; t++)
				hits += idx[q * k + s] == g->index[rows[q] * k + t];
	emb_warn(NULL, "recall %.4f at k = %zu on %zu rows", (double)hits / (m * k),
	    k, m);
	free(rows);
	free(idx);
	free(dist);
}

static void
describe(struct emb_frame *g, const struct opts *o, enum knn_method used,
    size_t rows, size_t cols)
{
	struct knn_opts r;

	knn_resolve(&r, &o->knn, rows, cols, g->cols);
	emb_meta_set(g, "knn.k", "%zu", g->cols);
	emb_meta_set(g, "knn.metric", "%s", knn_metric_name(o->metric));
	emb_meta_set(g, "knn.distance", "%s", knn_distance_name(o->metric));
	emb_meta_set(g, "knn.method", "%s", knn_method_name(used));
	if (used != KNN_NNDESCENT)
		return;
	emb_meta_set(g, "knn.seed", "%llu", (unsigned long long)r.seed);
	emb_meta_set(g, "knn.search", "%zu", r.search);
	emb_meta_set(g, "knn.trees", "%zu", r.trees);
	emb_meta_set(g, "knn.leaf_size", "%zu", r.leaf_size);
	emb_meta_set(g, "knn.iters", "%zu", r.iters);
	emb_meta_set(g, "knn.candidates", "%zu", r.candidates);
	emb_meta_set(g, "knn.delta", "%g", r.delta);
}

/*
 * A graph frame in the input belongs to the points frame before it, which
 * gets a new graph here: the old one is dropped.
 */
void
graph_stage(const struct opts *o)
{
	struct emb_reader *r = emb_open(o->input);
	const char *name = emb_reader_name(r);
	size_t k = o->k ? o->k : DEFAULT_K_GRAPH;
	struct emb_frame f, g;
	enum knn_method used;

	while (emb_read(r, &f)) {
		if (f.kind == EMB_GRAPH) {
			emb_frame_free(&f);
			continue;
		}
		if (k >= f.rows)
			emb_err(name, "k = %zu with %zu rows (1 <= k < rows)", k, f.rows);
		check_finite(name, &f);
		emb_frame_init(&g, EMB_GRAPH, f.rows, k);
		used = knn_graph_build(f.data, f.rows, f.cols, k, o->metric, &o->knn,
		    g.index, g.data);
		describe(&g, o, used, f.rows, f.cols);
		emb_write(stdout, &f);
		emb_write(stdout, &g);
		if (o->recall)
			report_recall(o, &f, &g);
		emb_frame_free(&f);
		emb_frame_free(&g);
	}
	emb_close(r);
}
