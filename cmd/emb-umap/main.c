/*
 * emb-umap: UMAP (McInnes, Healy and Melville) of every points frame,
 * from its neighbour graph (the graph frame after it, or one built here),
 * reproducible for a seed whatever the number of threads.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "umap.h"

#define SYNOPSIS \
	"emb-umap [-hqv] [-a a] [-b b] [-d dim] [-j threads] [-k k] [-m metric]\n" \
	"                [--epochs n] [--gamma x] [--graph-out file] [--init how]\n" \
	"                [--lr x] [--min-dist x] [--mix x] [--neg n] [--seed n]\n" \
	"                [--snapshots n] [--spread x] [--supervise field]\n" \
	"                [--save model | --apply model] [file]"

enum {
	OPT_EPOCHS = 256, OPT_GAMMA, OPT_GRAPHOUT, OPT_INIT, OPT_LR, OPT_MINDIST,
	OPT_MIX, OPT_NEG, OPT_SEED, OPT_SNAPSHOTS, OPT_SPREAD, OPT_SUPERVISE,
	OPT_SAVE, OPT_APPLY
};

static const struct option longopts[] = {
	{ "apply",	required_argument, NULL, OPT_APPLY },
	{ "epochs",	required_argument, NULL, OPT_EPOCHS },
	{ "gamma",	required_argument, NULL, OPT_GAMMA },
	{ "graph-out",	required_argument, NULL, OPT_GRAPHOUT },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "init",	required_argument, NULL, OPT_INIT },
	{ "lr",		required_argument, NULL, OPT_LR },
	{ "min-dist",	required_argument, NULL, OPT_MINDIST },
	{ "mix",	required_argument, NULL, OPT_MIX },
	{ "neg",	required_argument, NULL, OPT_NEG },
	{ "quiet",	no_argument,	   NULL, 'q' },
	{ "save",	required_argument, NULL, OPT_SAVE },
	{ "seed",	required_argument, NULL, OPT_SEED },
	{ "snapshots",	required_argument, NULL, OPT_SNAPSHOTS },
	{ "spread",	required_argument, NULL, OPT_SPREAD },
	{ "supervise",	required_argument, NULL, OPT_SUPERVISE },
	{ "verbose",	no_argument,	   NULL, 'v' },
	{ NULL, 0, NULL, 0 }
};

static const char *init_names[] = { "spectral", "pca", "random", "file" };

static void
parse_init(struct opts *o, const char *s)
{
	if (strcmp(s, "spectral") == 0)
		o->init = INIT_SPECTRAL;
	else if (strcmp(s, "pca") == 0)
		o->init = INIT_PCA;
	else if (strcmp(s, "random") == 0)
		o->init = INIT_RANDOM;
	else {
		o->init = INIT_FILE;
		o->initfile = s;
	}
}

static void
parse_options(int argc, char *argv[], struct opts *o)
{
	int c;

	memset(o, 0, sizeof *o);
	o->k = 15;
	o->dim = 2;
	o->min_dist = 0.1;
	o->spread = 1;
	o->mix = 1;
	o->gamma = 1;
	o->alpha = 1;
	o->neg = 5;
	while ((c = getopt_long(argc, argv, "a:b:d:hj:k:m:qv", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o->a = emb_parse_double(optarg, 1e-6, 1e6, "-a");
			o->a_set = 1;
			break;
		case 'b':
			o->b = emb_parse_double(optarg, 1e-3, 10, "-b");
			o->b_set = 1;
			break;
		case 'd':
			o->dim = (size_t)emb_parse_int(optarg, 1, 256, "-d");
			break;
		case 'h':
			emb_help(SYNOPSIS);
		case 'j':
			o->threads = (int)emb_parse_int(optarg, 1, 1024, "-j");
			break;
		case 'k':
			o->k = (size_t)emb_parse_int(optarg, 2, EMB_MAX_K + 1, "-k");
			break;
		case 'm':
			if (knn_metric_parse(optarg, &o->metric) != 0 || o->metric == KNN_DOT)
				emb_err(NULL, "-m: unknown metric '%s' (euclidean, cosine)",
				    emb_quote(optarg));
			o->metric_set = 1;
			break;
		case 'q':
			emb_verbose = -1;
			break;
		case 'v':
			emb_verbose = 1;
			break;
		case OPT_EPOCHS:
			o->epochs = (size_t)emb_parse_int(optarg, 1, 100000, "--epochs");
			break;
		case OPT_GAMMA:
			o->gamma = emb_parse_double(optarg, 0, 1e3, "--gamma");
			break;
		case OPT_GRAPHOUT:
			o->graphout = optarg;
			break;
		case OPT_INIT:
			parse_init(o, optarg);
			break;
		case OPT_LR:
			o->alpha = emb_parse_double(optarg, 1e-6, 1e3, "--lr");
			break;
		case OPT_MINDIST:
			o->min_dist = emb_parse_double(optarg, 0, 100, "--min-dist");
			break;
		case OPT_MIX:
			o->mix = emb_parse_double(optarg, 0, 1, "--mix");
			break;
		case OPT_NEG:
			o->neg = (unsigned)emb_parse_int(optarg, 0, 1000, "--neg");
			break;
		case OPT_SEED:
			o->seed = (uint64_t)emb_parse_int(optarg, 0, INT64_MAX, "--seed");
			break;
		case OPT_SNAPSHOTS:
			o->snapshots = (size_t)emb_parse_int(optarg, 1, 10000, "--snapshots");
			break;
		case OPT_SPREAD:
			o->spread = emb_parse_double(optarg, 1e-3, 100, "--spread");
			break;
		case OPT_SAVE:
			o->save = optarg;
			break;
		case OPT_APPLY:
			o->apply = optarg;
			break;
		case OPT_SUPERVISE:
			o->supervise = optarg;
			break;
		default:
			emb_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1 || (o->save != NULL && o->apply != NULL))
		emb_usage(SYNOPSIS);
	o->input = optind < argc ? argv[optind] : NULL;
	if (o->min_dist > o->spread)
		emb_err(NULL, "--min-dist %g is more than --spread %g", o->min_dist,
		    o->spread);
	if (o->epochs && o->snapshots > o->epochs)
		emb_err(NULL, "--snapshots %zu is more than --epochs %zu", o->snapshots,
		    o->epochs);
}

static void
check_points(const char *name, const struct emb_frame *f, size_t k)
{
	size_t bad;
	const char *label;

	if (f->rows <= k)
		emb_err(name, "%zu rows: -k %zu needs more than %zu", f->rows, k, k);
	if ((bad = knn_bad_row(f->data, f->rows, f->cols)) == f->rows)
		return;
	label = emb_label(f, bad, 0);
	if (label != NULL)
		emb_err(name, "row %zu ('%s') has a NaN, infinite or too large value", bad,
		    emb_quote(label));
	emb_err(name, "row %zu has a NaN, infinite or too large value", bad);
}

/* The first kk neighbours of each row, from the graph frame g. */
static void
take_graph(const char *name, struct emb_frame *g, size_t k, int32_t *idx,
    float *dist)
{
	const char *metric = emb_meta_get(g, "knn.metric");
	size_t n = g->rows, kk = k - 1, i, j;

	if (g->cols < kk)
		emb_err(name, "the graph has %zu neighbours per row, fewer than the %zu "
		    "that -k %zu needs", g->cols, kk, k);
	if (metric != NULL && strcmp(metric, "dot") == 0)
		emb_err(name, "the graph's distances are negative inner products (-m dot): "
		    "UMAP needs euclidean or cosine");
	for (i = 0; i < n; i++)
		for (j = 0; j < kk; j++) {
			int32_t t = g->index[i * g->cols + j];
			float d = g->data[i * g->cols + j];

			if (t < 0 || (size_t)t >= n)
				emb_err(name, "graph row %zu: neighbour %d out of range", i, t);
			if (!(d >= 0) || isinf(d))
				emb_err(name, "graph row %zu: distance %g is not a finite "
				    "distance >= 0", i, d);
			idx[i * kk + j] = t;
			dist[i * kk + j] = d;
		}
	free(g->index);	/* what is left of the frame: its metadata */
	free(g->data);
	g->index = NULL;
	g->data = NULL;
}

struct writer {
	const struct opts	*o;
	const struct emb_frame	*in;
	double			 a, b;
	size_t			 epochs;
};

static void
write_layout(const float *Y, size_t epoch, void *ctx)
{
	const struct writer *w = ctx;
	const struct opts *o = w->o;
	struct emb_frame out;

	memset(&out, 0, sizeof out);
	out.kind = EMB_POINTS;
	out.rows = w->in->rows;
	out.cols = o->dim;
	out.data = (float *)Y;
	out.nfields = w->in->nfields;
	out.fieldnames = w->in->fieldnames;
	out.labelbuf = w->in->labelbuf;
	out.labelbytes = w->in->labelbytes;
	out.labels = w->in->labels;
	emb_meta_copy(&out, w->in);
	emb_meta_set(&out, "reducer", "UMAP");
	emb_meta_set(&out, "umap.k", "%zu", o->k);
	emb_meta_set(&out, "umap.min_dist", "%g", o->min_dist);
	emb_meta_set(&out, "umap.spread", "%g", o->spread);
	emb_meta_set(&out, "umap.a", "%.6g", w->a);
	emb_meta_set(&out, "umap.b", "%.6g", w->b);
	emb_meta_set(&out, "umap.epochs", "%zu", w->epochs);
	emb_meta_set(&out, "umap.neg", "%u", o->neg);
	emb_meta_set(&out, "umap.gamma", "%g", o->gamma);
	emb_meta_set(&out, "umap.mix", "%g", o->mix);
	emb_meta_set(&out, "umap.init", "%s", o->init == INIT_FILE ? o->initfile :
	    init_names[o->init]);
	emb_meta_set(&out, "umap.seed", "%llu", (unsigned long long)o->seed);
	if (o->supervise != NULL)
		emb_meta_set(&out, "umap.supervise", "%s", o->supervise);
	if (o->snapshots)
		emb_meta_set(&out, "umap.epoch", "%zu", epoch);
	emb_write(stdout, &out);
	out.data = NULL;
	out.nfields = 0;
	out.fieldnames = NULL;
	out.labelbuf = NULL;
	out.labels = NULL;
	emb_frame_free(&out);
}

/* The peak resident memory so far, from Linux's /proc; 0 elsewhere. */
static long
peak_kb(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long kb = 0;

	while (fp != NULL && fgets(line, sizeof line, fp) != NULL)
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	if (fp != NULL)
		fclose(fp);
	return kb;
}

static void
phase(const char *what, double *t)
{
	double now = now_seconds();

	if (emb_verbose > 0)
		emb_warn(NULL, "%s %.3f s (peak memory so far %ld MB)", what, now - *t,
		    peak_kb() / 1024);
	*t = now;
}

static void
umap(const struct opts *o, const char *name, struct emb_frame *f,
    struct emb_frame *gf)
{
	size_t n = f->rows, kk = o->k - 1, defepochs = n <= 10000 ? 500 : 200;
	int32_t *idx;
	float *dist, *Y;
	struct graph g;
	struct writer w = { o, f, o->a, o->b, o->epochs ? o->epochs : defepochs };
	double t = now_seconds();
	const char *metric = gf != NULL ? emb_meta_get(gf, "knn.metric") : NULL;

	if (metric == NULL)
		metric = gf != NULL ? "euclidean" : knn_metric_name(o->metric);
	check_points(name, f, o->k);
	umap_save_keep(o, f->data, n, f->cols);
	if (o->supervise != NULL && emb_field_index(f, o->supervise) < 0)
		emb_err(name, "--supervise: no label field '%s'", emb_quote(o->supervise));
	if (w.epochs < o->snapshots)
		emb_err(name, "--snapshots %zu is more than the %zu epochs", o->snapshots,
		    w.epochs);
	idx = emb_alloc(emb_mul(n, kk), sizeof *idx);
	dist = emb_alloc(emb_mul(n, kk), sizeof *dist);
	if (gf != NULL)
		take_graph(name, gf, o->k, idx, dist);
	else {
		struct knn_opts ko;

		knn_opts_init(&ko);
		ko.seed = o->seed;
		ko.threads = o->threads;
		ko.progress = 1;
		knn_graph_build(f->data, n, f->cols, kk, o->metric, &ko, idx, dist);
	}
	phase("knn", &t);
	if (o->init != INIT_PCA) {	/* no more use for the input: its memory */
		free(f->data);
		f->data = NULL;
	}
	fuzzy_set(&g, idx, dist, n, kk, (double)o->k, o->mix);
	if (o->supervise != NULL)
		supervise(&g, f, o->supervise, name);
	if (o->graphout != NULL)
		write_graph_tsv(o->graphout, &g);
	prune_edges(&g, w.epochs > 10 ? w.epochs : defepochs);
	if (!o->a_set || !o->b_set) {
		double a, b;

		fit_ab(o->spread, o->min_dist, &a, &b);
		w.a = o->a_set ? o->a : a;
		w.b = o->b_set ? o->b : b;
	}
	phase("fuzzy set", &t);
	Y = emb_alloc(emb_mul(n, o->dim), sizeof *Y);
	init_layout(o, &g, f->data, f->cols, Y);
	free(f->data);
	f->data = NULL;
	phase("init", &t);
	if (o->snapshots)
		write_layout(Y, 0, &w);
	optimize_layout(o, &g, w.a, w.b, w.epochs, Y, o->snapshots ? write_layout : NULL,
	    &w);
	phase("optimisation", &t);
	umap_save_model(o, Y, n, w.a, w.b, metric);
	write_layout(Y, w.epochs, &w);
	free(Y);
	graph_free(&g);
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct emb_reader *r;
	struct emb_frame f, pending;
	int have = 0;

	emb_init(argv[0]);
	parse_options(argc, argv, &o);
	if (o.threads > 0)
		omp_set_num_threads(o.threads);
	if (o.apply != NULL) {
		umap_apply(&o);
		emb_close_stdout();
		return 0;
	}
	r = emb_open(o.input);
	while (emb_read(r, &f)) {
		if (f.kind == EMB_POINTS) {
			if (have) {
				umap(&o, emb_reader_name(r), &pending, NULL);
				emb_frame_free(&pending);
			}
			pending = f;
			have = 1;
			continue;
		}
		if (have) {
			umap(&o, emb_reader_name(r), &pending, &f);
			emb_frame_free(&pending);
			have = 0;
		}
		emb_frame_free(&f);
	}
	if (have) {
		umap(&o, emb_reader_name(r), &pending, NULL);
		emb_frame_free(&pending);
	}
	emb_close(r);
	emb_close_stdout();
	return 0;
}
