/*
 * The pipeline for one input: every points frame, with the graph frame
 * that follows it if there is one, becomes a map.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tsne.h"

struct job {
	const struct options	*o;
	const char		*name;
	struct emb_frame	*f;		/* the input frame, written as the map */
	float			*X;		/* its points */
	size_t			 d;
	enum method		 m;
	struct options		 eff;		/* the options after --perplexity-fit */
	size_t			 k;
	const char		*graph;		/* "input" or how it was built */
};

static void
check_input(const struct job *j)
{
	const struct emb_frame *f = j->f;
	size_t n = f->rows, bad, s;

	if (n < 4)
		emb_err(j->name, "%zu rows: t-SNE needs at least 4", n);
	if (f->cols == 0)
		emb_err(j->name, "the points have no columns");
	if ((bad = knn_bad_row(f->data, n, f->cols)) < n) {
		const char *l = emb_label(f, bad, 0);
		if (l != NULL)
			emb_err(j->name, "row %zu ('%s') has a NaN, infinite or too "
			    "large value", bad, emb_quote(l));
		emb_err(j->name, "row %zu has a NaN, infinite or too large value", bad);
	}
	if (j->o->affinity == A_UNIFORM) {
		if (j->o->k >= n)
			emb_err(j->name, "-k %zu with %zu rows: at most %zu", j->o->k,
			    n, n - 1);
		return;
	}
	for (s = 0; s < j->o->nscales; s++)
		if (3 * j->o->perplexity[s] > (double)(n - 1))
			emb_err(j->name, "perplexity %g is too large for %zu rows: "
			    "at most (rows - 1) / 3 = %g", j->o->perplexity[s], n,
			    floor((double)(n - 1) / 3 * 1000) / 1000);
}

/* A graph frame from the input: its first k columns, or --perplexity-fit. */
static void
use_graph(struct job *j, struct emb_frame *g, int32_t **idx, float **dist,
    size_t *gk, int *square)
{
	const char *metric = emb_meta_get(g, "knn.metric");
	size_t need = needed_k(&j->eff, j->f->rows), s;

	if (g->rows != j->f->rows)
		emb_err(j->name, "a graph frame of %zu rows follows a points frame of "
		    "%zu", g->rows, j->f->rows);
	if (metric != NULL && strcmp(metric, "dot") == 0)
		emb_err(j->name, "the graph's distances are inner products "
		    "(knn.metric dot); t-SNE needs euclidean or cosine");
	*square = metric == NULL || strcmp(metric, "euclidean") == 0;
	if (g->cols < need) {
		if (j->o->affinity == A_UNIFORM)
			emb_err(j->name, "the graph has %zu neighbours a row; -k %zu "
			    "needs %zu", g->cols, j->o->k, need);
		if (!j->o->perplexity_fit)
			emb_err(j->name, "the graph has %zu neighbours a row; "
			    "perplexity %g needs 3 x perplexity = %zu (or use "
			    "--perplexity-fit)", g->cols, need / 3.0, need);
		for (s = 0; s < j->eff.nscales; s++)
			if (3 * j->eff.perplexity[s] > (double)g->cols)
				j->eff.perplexity[s] = (double)g->cols / 3;
		emb_warn(j->name, "the graph has %zu neighbours a row: perplexity "
		    "lowered to %g", g->cols, (double)g->cols / 3);
		need = needed_k(&j->eff, j->f->rows);
	}
	*idx = g->index;
	*dist = g->data;
	*gk = g->cols;
	g->index = NULL;
	g->data = NULL;
	j->k = need;
	j->graph = "input";
}

static void
build_graph(struct job *j, int32_t **idx, float **dist, size_t *gk,
    struct timing *t)
{
	size_t n = j->f->rows, k = needed_k(&j->eff, n);
	struct knn_opts ko;
	enum knn_method used;
	double t0 = now();

	knn_opts_init(&ko);
	/*
	 * Fewer trees, candidates and rounds than emb-knn's defaults: at k = 90
	 * a recall of 0.997 on Fashion-MNIST (0.999 with delta 0.001, in twice
	 * the time), 0.97 on GloVe; the far neighbours of 90 weigh little at
	 * perplexity 30, and the maps scored the same.
	 */
	ko.trees = 6;
	ko.candidates = 20;
	ko.delta = 0.05;
	ko.seed = j->o->seed;
	ko.threads = j->o->threads;
	ko.progress = 1;
	*idx = emb_alloc(emb_mul(n, k), sizeof **idx);
	*dist = emb_alloc(emb_mul(n, k), sizeof **dist);
	used = knn_graph_build(j->X, n, j->d, k, KNN_EUCLIDEAN, &ko, *idx, *dist);
	*gk = k;
	j->k = k;
	j->graph = knn_method_name(used);
	t->knn = now() - t0;
}

static void
describe(struct emb_frame *f, const struct job *j, const struct result *r)
{
	const struct options *o = &j->eff;
	char buf[256];
	size_t s, len = 0;

	emb_meta_set(f, "reducer", "tsne");
	emb_meta_set(f, "tsne.affinity", "%s", o->affinity == A_UNIFORM ?
	    "uniform" : "gauss");
	if (o->affinity == A_GAUSS) {
		for (s = 0; s < o->nscales; s++)
			len += snprintf(buf + len, sizeof buf - len, "%s%g",
			    s ? "," : "", o->perplexity[s]);
		emb_meta_set(f, "tsne.perplexity", "%s", buf);
	}
	emb_meta_set(f, "tsne.k", "%zu", j->k);
	emb_meta_set(f, "tsne.graph", "%s", j->graph);
	emb_meta_set(f, "tsne.method", "%s", method_name(j->m));
	if (j->m == M_BH)
		emb_meta_set(f, "tsne.theta", "%g", o->theta);
	emb_meta_set(f, "tsne.dof", "%g", o->dof);
	emb_meta_set(f, "tsne.early_exaggeration", "%g", o->early_exaggeration);
	emb_meta_set(f, "tsne.early_iter", "%zu", o->early_iter);
	emb_meta_set(f, "tsne.exaggeration", "%g", o->exaggeration);
	emb_meta_set(f, "tsne.iter", "%zu", o->iter);
	emb_meta_set(f, "tsne.learning_rate", "%.9g", o->learning_rate > 0 ?
	    o->learning_rate : fmax(50, f->rows / 12.0));
	emb_meta_set(f, "tsne.init", "%s", o->init == I_PCA ? "pca" :
	    o->init == I_RANDOM ? "random" : o->init_file);
	emb_meta_set(f, "tsne.seed", "%llu", (unsigned long long)o->seed);
	if (r != NULL)
		emb_meta_set(f, "tsne.kl", "%.6f", r->kl);
}

struct sink_ctx {
	struct job	*j;
};

/* A snapshot: the frame as it stands, with its iteration. */
static void
write_snapshot(void *ctx, const float *Y, size_t iteration, double kl)
{
	struct job *j = ((struct sink_ctx *)ctx)->j;
	float *keep = j->f->data;

	(void)kl;
	j->f->data = (float *)Y;
	describe(j->f, j, NULL);
	emb_meta_set(j->f, "tsne.iteration", "%zu", iteration);
	emb_write(stdout, j->f);
	j->f->data = keep;
}

static void
map_frame(const struct options *o, const char *name, struct emb_frame *f,
    struct emb_frame *g)
{
	struct job j;
	struct timing t;
	struct csr P;
	struct result res;
	struct snapshot_sink sink;
	struct sink_ctx ctx;
	int32_t *idx;
	float *dist, *Y;
	size_t n = f->rows, gk, nnz;
	int square = 1;
	double t0 = now(), ta;

	memset(&j, 0, sizeof j);
	memset(&t, 0, sizeof t);
	j.o = o;
	j.eff = *o;
	j.name = name;
	j.f = f;
	j.X = f->data;
	j.d = f->cols;
	check_input(&j);
	j.m = o->method;
	if (j.m == M_AUTO)
		j.m = n <= EXACT_ROWS ? M_EXACT : o->dims == 2 ? M_FFT : M_BH;
	Y = NULL;
	if (o->init == I_FILE)
		Y = init_read(o->init_file, n, o->dims);

	if (g != NULL)
		use_graph(&j, g, &idx, &dist, &gk, &square);
	else
		build_graph(&j, &idx, &dist, &gk, &t);
	/* the start before the affinities, so that the points can go first */
	if (Y == NULL) {
		Y = emb_alloc(emb_mul(n, o->dims), sizeof *Y);
		if (o->init == I_PCA)
			init_pca(Y, j.X, n, j.d, o->dims);
		else
			init_random(Y, n, o->dims, o->seed);
	}
	save_keep(o, j.X, n, j.d);
	free(f->data);
	f->data = NULL;
	f->cols = o->dims;
	ta = now();
	affinities(&P, idx, dist, n, gk, j.k, square, &j.eff);
	free(idx);
	free(dist);
	t.affinities = now() - ta;
	if (o->affinities_out != NULL)
		write_affinities(o->affinities_out, &P);

	if (o->gradient) {
		float *G = emb_alloc(emb_mul(n, o->dims), sizeof *G);
		double kl;
		gradient_at(G, Y, n, &P, &j.eff, j.m, &kl);
		f->data = G;
		describe(f, &j, NULL);
		emb_meta_set(f, "tsne.gradient", "dKL/dy");
		emb_meta_set(f, "tsne.kl", "%.9g", kl);
		emb_write(stdout, f);
		free(Y);
		csr_free(&P);
		return;
	}
	ctx.j = &j;
	sink.write = write_snapshot;
	sink.ctx = &ctx;
	optimise(Y, n, &P, &j.eff, j.m, &t, o->snapshots ? &sink : NULL, &res);
	f->data = Y;
	describe(f, &j, &res);
	emb_meta_set(f, "tsne.iteration", "%zu", res.iterations);
	save_model(o, f);
	emb_write(stdout, f);
	nnz = P.ptr[n];
	csr_free(&P);
	if (emb_verbose > 0)
		emb_warn(name, "%zu rows, %zu nonzero affinities, %s gradients; "
		    "seconds: knn %.2f, affinities %.2f, attraction %.2f, "
		    "repulsion %.2f, other %.2f, total %.2f; KL %.4f", n,
		    nnz, method_name(j.m), t.knn,
		    t.affinities, t.attraction, t.repulsion, t.other, now() - t0,
		    res.kl);
}

void
run(const struct options *o, const char *path)
{
	struct emb_reader *r = emb_open(path);
	const char *name = emb_reader_name(r);
	struct emb_frame f, next;
	int have = emb_read(r, &f), more;

	while (have) {
		if (f.kind != EMB_POINTS) {
			emb_frame_free(&f);
			have = emb_read(r, &f);
			continue;
		}
		more = emb_read(r, &next);
		if (more && next.kind == EMB_GRAPH) {
			map_frame(o, name, &f, &next);
			emb_frame_free(&next);
			emb_frame_free(&f);
			have = emb_read(r, &f);
		} else {
			map_frame(o, name, &f, NULL);
			emb_frame_free(&f);
			f = next;
			have = more;
		}
	}
	emb_close(r);
}
