/*
 * emb-knn: neighbour graphs of a stream's points (the pipeline stage),
 * nearest words and analogies (text), and how well a map keeps the
 * neighbourhoods of the data it was made from (--against).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "emb-knn.h"

#define SYNOPSIS \
	"emb-knn [-hv] [-j threads] [-k k] [-m metric] [--approx | --exact]\n" \
	"               [--candidates n] [--delta x] [--iters n] [--leaf-size n]\n" \
	"               [--quiet] [--recall rows] [--search n] [--seed n]\n" \
	"               [--trees n] [file]\n" \
	"       emb-knn [-q word ...] [-a 'a b c' ...] [--cosmul] [-f field]\n" \
	"               [-j threads] [-k k] [-m metric] [-n rows] [file]\n" \
	"       emb-knn --analogies questions [--cosmul] [-f field] [-j threads]\n" \
	"               [-n rows] [file]\n" \
	"       emb-knn --against ref [--class field] [-j threads] [-k k]\n" \
	"               [-m metric] [--sample rows] [--seed n] [file]"

enum {
	OPT_AGAINST = 256, OPT_ANALOGIES, OPT_APPROX, OPT_CANDIDATES, OPT_CLASS,
	OPT_COSMUL, OPT_DELTA, OPT_EXACT, OPT_ITERS, OPT_LEAF, OPT_QUIET,
	OPT_RECALL, OPT_SAMPLE, OPT_SEARCH, OPT_SEED, OPT_TREES
};

static const struct option longopts[] = {
	{ "against",	required_argument, NULL, OPT_AGAINST },
	{ "analogies",	required_argument, NULL, OPT_ANALOGIES },
	{ "approx",	no_argument,	   NULL, OPT_APPROX },
	{ "candidates",	required_argument, NULL, OPT_CANDIDATES },
	{ "class",	required_argument, NULL, OPT_CLASS },
	{ "cosmul",	no_argument,	   NULL, OPT_COSMUL },
	{ "delta",	required_argument, NULL, OPT_DELTA },
	{ "exact",	no_argument,	   NULL, OPT_EXACT },
	{ "field",	required_argument, NULL, 'f' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "iters",	required_argument, NULL, OPT_ITERS },
	{ "leaf-size",	required_argument, NULL, OPT_LEAF },
	{ "quiet",	no_argument,	   NULL, OPT_QUIET },
	{ "recall",	required_argument, NULL, OPT_RECALL },
	{ "sample",	required_argument, NULL, OPT_SAMPLE },
	{ "search",	required_argument, NULL, OPT_SEARCH },
	{ "seed",	required_argument, NULL, OPT_SEED },
	{ "trees",	required_argument, NULL, OPT_TREES },
	{ NULL, 0, NULL, 0 }
};

static void
push(char ***list, size_t *n, char *s)
{
	*list = emb_realloc(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = s;
}

/* An option that belongs to another mode: a usage error that says so. */
static void
misplaced(const char *what, const char *where)
{
	emb_warn(NULL, "%s applies to %s only", what, where);
	exit(2);
}

static void
check_modes(const struct opts *o, const char *graphopt, const char *textopt,
    const char *againstopt)
{
	int text = o->nqueries > 0 || o->nanalogies > 0;
	int modes = text + (o->questions != NULL) + (o->against != NULL);

	if (modes > 1)
		emb_usage(SYNOPSIS);
	if (graphopt != NULL && modes > 0)
		misplaced(graphopt, "the graph stage");
	if (textopt != NULL && (modes == 0 || o->against))
		misplaced(textopt, "-q, -a and --analogies");
	if (againstopt != NULL && o->against == NULL)
		misplaced(againstopt, "--against");
	if (o->questions != NULL && (o->k || o->metric_set))
		misplaced(o->k ? "-k" : "-m", "the graph stage, -q, -a and --against");
	if (o->cosmul && o->nanalogies == 0 && o->questions == NULL)
		misplaced("--cosmul", "-a and --analogies");
}

/* The command line into o; a usage error exits 2. */
static void
parse_options(int argc, char *argv[], struct opts *o)
{
	const char *graphopt = NULL, *textopt = NULL, *againstopt = NULL;
	int c;

	memset(o, 0, sizeof *o);
	knn_opts_init(&o->knn);
	o->knn.progress = 1;
	while ((c = getopt_long(argc, argv, "a:f:hj:k:m:n:q:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			push(&o->analogies, &o->nanalogies, optarg);
			break;
		case 'f':
			o->field = optarg;
			textopt = "-f";
			break;
		case 'h':
			emb_help(SYNOPSIS);
		case 'j':
			o->knn.threads = (int)emb_parse_int(optarg, 1, 1024, "-j");
			break;
		case 'k':
			o->k = (size_t)emb_parse_int(optarg, 1, EMB_MAX_K, "-k");
			break;
		case 'm':
			if (knn_metric_parse(optarg, &o->metric) != 0)
				emb_err(NULL, "-m: unknown metric '%s' (euclidean, cosine, dot)",
				    emb_quote(optarg));
			o->metric_set = 1;
			break;
		case 'n':
			o->vocab = (size_t)emb_parse_int(optarg, 1, EMB_MAX_ROWS, "-n");
			textopt = "-n";
			break;
		case 'q':
			push(&o->queries, &o->nqueries, optarg);
			break;
		case 'v':
			emb_verbose = 1;
			break;
		case OPT_AGAINST:
			o->against = optarg;
			break;
		case OPT_ANALOGIES:
			o->questions = optarg;
			break;
		case OPT_APPROX:
			o->knn.method = KNN_NNDESCENT;
			graphopt = "--approx";
			break;
		case OPT_CANDIDATES:
			o->knn.candidates = (size_t)emb_parse_int(optarg, 1, 64, "--candidates");
			graphopt = "--candidates";
			break;
		case OPT_CLASS:
			o->classfield = optarg;
			againstopt = "--class";
			break;
		case OPT_COSMUL:
			o->cosmul = 1;
			break;
		case OPT_DELTA:
			o->knn.delta = emb_parse_double(optarg, 0, 1, "--delta");
			graphopt = "--delta";
			break;
		case OPT_EXACT:
			o->knn.method = KNN_EXACT;
			graphopt = "--exact";
			break;
		case OPT_ITERS:
			o->knn.iters = (size_t)emb_parse_int(optarg, 1, 1000, "--iters");
			graphopt = "--iters";
			break;
		case OPT_LEAF:
			o->knn.leaf_size = (size_t)emb_parse_int(optarg, 2, 4096, "--leaf-size");
			graphopt = "--leaf-size";
			break;
		case OPT_QUIET:
			emb_verbose = -1;
			break;
		case OPT_RECALL:
			o->recall = (size_t)emb_parse_int(optarg, 1, EMB_MAX_ROWS, "--recall");
			graphopt = "--recall";
			break;
		case OPT_SAMPLE:
			o->sample = (size_t)emb_parse_int(optarg, 1, EMB_MAX_ROWS, "--sample");
			againstopt = "--sample";
			break;
		case OPT_SEARCH:
			o->knn.search = (size_t)emb_parse_int(optarg, 1, EMB_MAX_K, "--search");
			graphopt = "--search";
			break;
		case OPT_SEED:
			o->knn.seed = (uint64_t)emb_parse_int(optarg, 0, INT64_MAX, "--seed");
			break;
		case OPT_TREES:
			o->knn.trees = (size_t)emb_parse_int(optarg, 1, 1024, "--trees");
			graphopt = "--trees";
			break;
		default:
			emb_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1)
		emb_usage(SYNOPSIS);
	o->input = optind < argc ? argv[optind] : NULL;
	check_modes(o, graphopt, textopt, againstopt);
}

int
main(int argc, char *argv[])
{
	struct opts o;

	emb_init(argv[0]);
	parse_options(argc, argv, &o);
	if (o.against != NULL)
		score_against(&o);
	else if (o.questions != NULL)
		evaluate_analogies(&o);
	else if (o.nqueries > 0 || o.nanalogies > 0)
		query_words(&o);
	else
		graph_stage(&o);
	free(o.queries);
	free(o.analogies);
	emb_close_stdout();
	return 0;
}
