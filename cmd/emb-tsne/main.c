/* emb-tsne: a t-SNE map of every points frame. */
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsne.h"

enum { OPT_AFFINITY = 256, OPT_AFFOUT, OPT_DOF, OPT_EARLY_EXAG, OPT_EARLY_ITER,
	OPT_EXAG, OPT_GRADIENT, OPT_INIT, OPT_ITER, OPT_LR, OPT_PFIT, OPT_SEED,
	OPT_SNAPSHOTS, OPT_THETA, OPT_SAVE, OPT_APPLY };

static const struct option longopts[] = {
	{ "apply",		required_argument,	NULL,	OPT_APPLY },
	{ "affinity",		required_argument,	NULL,	OPT_AFFINITY },
	{ "affinities-out",	required_argument,	NULL,	OPT_AFFOUT },
	{ "dof",		required_argument,	NULL,	OPT_DOF },
	{ "early-exaggeration",	required_argument,	NULL,	OPT_EARLY_EXAG },
	{ "early-iter",		required_argument,	NULL,	OPT_EARLY_ITER },
	{ "exaggeration",	required_argument,	NULL,	OPT_EXAG },
	{ "gradient",		no_argument,		NULL,	OPT_GRADIENT },
	{ "init",		required_argument,	NULL,	OPT_INIT },
	{ "iter",		required_argument,	NULL,	OPT_ITER },
	{ "learning-rate",	required_argument,	NULL,	OPT_LR },
	{ "method",		required_argument,	NULL,	'm' },
	{ "perplexity",		required_argument,	NULL,	'p' },
	{ "perplexity-fit",	no_argument,		NULL,	OPT_PFIT },
	{ "save",		required_argument,	NULL,	OPT_SAVE },
	{ "seed",		required_argument,	NULL,	OPT_SEED },
	{ "snapshots",		required_argument,	NULL,	OPT_SNAPSHOTS },
	{ "theta",		required_argument,	NULL,	OPT_THETA },
	{ NULL,			0,			NULL,	0 }
};

static void
parse_perplexities(const char *arg, struct options *o)
{
	char *copy = emb_strdup(arg), *s, *save = NULL;

	o->nscales = 0;
	for (s = strtok_r(copy, ",", &save); s != NULL; s = strtok_r(NULL, ",", &save)) {
		if (o->nscales == MAX_SCALES)
			emb_err(NULL, "-p: at most %d perplexities", MAX_SCALES);
		o->perplexity[o->nscales++] = emb_parse_double(s, 1, 1e6, "-p");
	}
	if (o->nscales == 0)
		emb_err(NULL, "-p: no perplexity in '%s'", emb_quote(arg));
	free(copy);
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
	int c, have_k = 0, have_p = 0;

	memset(o, 0, sizeof *o);
	o->dims = 2;
	o->perplexity[0] = 30;
	o->nscales = 1;
	o->dof = 1;
	o->early_exaggeration = 12;
	o->early_iter = 250;
	o->exaggeration = 1;
	o->iter = DEFAULT_ITER;
	o->seed = 1;
	o->theta = 0.5;
	while ((c = getopt_long(argc, argv, "d:hj:k:m:p:qv", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dims = emb_parse_int(optarg, 2, 3, "-d");
			break;
		case 'h':
			emb_help(SYNOPSIS);
		case 'j':
			o->threads = emb_parse_int(optarg, 1, 1024, "-j");
			break;
		case 'k':
			o->k = emb_parse_int(optarg, 1, EMB_MAX_K, "-k");
			have_k = 1;
			break;
		case 'm':
			if (strcmp(optarg, "auto") == 0)
				o->method = M_AUTO;
			else if (strcmp(optarg, "exact") == 0)
				o->method = M_EXACT;
			else if (strcmp(optarg, "bh") == 0)
				o->method = M_BH;
			else if (strcmp(optarg, "fft") == 0)
				o->method = M_FFT;
			else
				emb_err(NULL, "-m: unknown method '%s' (auto, exact, "
				    "bh or fft)", emb_quote(optarg));
			break;
		case 'p':
			parse_perplexities(optarg, o);
			have_p = 1;
			o->given |= GIVEN_P;
			break;
		case 'q':
			emb_verbose = -1;
			break;
		case 'v':
			emb_verbose = 1;
			break;
		case OPT_AFFINITY:
			if (strcmp(optarg, "gauss") == 0)
				o->affinity = A_GAUSS;
			else if (strcmp(optarg, "uniform") == 0)
				o->affinity = A_UNIFORM;
			else
				emb_err(NULL, "--affinity: unknown kind '%s' (gauss or "
				    "uniform)", emb_quote(optarg));
			break;
		case OPT_AFFOUT:
			o->affinities_out = optarg;
			break;
		case OPT_DOF:
			o->dof = emb_parse_double(optarg, 0.01, 1e6, "--dof");
			break;
		case OPT_EARLY_EXAG:
			o->early_exaggeration = emb_parse_double(optarg, 1, 1e6,
			    "--early-exaggeration");
			break;
		case OPT_EARLY_ITER:
			o->early_iter = emb_parse_int(optarg, 0, 1000000, "--early-iter");
			break;
		case OPT_EXAG:
			o->exaggeration = emb_parse_double(optarg, 1, 1e6,
			    "--exaggeration");
			o->given |= GIVEN_EXAG;
			break;
		case OPT_GRADIENT:
			o->gradient = 1;
			break;
		case OPT_INIT:
			if (strcmp(optarg, "pca") == 0)
				o->init = I_PCA;
			else if (strcmp(optarg, "random") == 0)
				o->init = I_RANDOM;
			else {
				o->init = I_FILE;
				o->init_file = optarg;
			}
			break;
		case OPT_ITER:
			o->iter = emb_parse_int(optarg, 0, 1000000, "--iter");
			o->given |= GIVEN_ITER;
			break;
		case OPT_LR:
			o->learning_rate = strcmp(optarg, "auto") == 0 ? 0 :
			    emb_parse_double(optarg, 1e-6, 1e12, "--learning-rate");
			o->given |= GIVEN_LR;
			break;
		case OPT_PFIT:
			o->perplexity_fit = 1;
			break;
		case OPT_SEED:
			o->seed = emb_parse_int(optarg, 0, INT64_MAX, "--seed");
			break;
		case OPT_SNAPSHOTS:
			o->snapshots = emb_parse_int(optarg, 0, 100000, "--snapshots");
			break;
		case OPT_SAVE:
			o->save = optarg;
			break;
		case OPT_APPLY:
			o->apply = optarg;
			break;
		case OPT_THETA:
			o->theta = emb_parse_double(optarg, 0, 10, "--theta");
			break;
		default:
			emb_usage(SYNOPSIS);
		}
	}
	if (o->affinity == A_UNIFORM && !have_k)
		o->k = 15;
	if (o->affinity == A_UNIFORM && have_p) {
		emb_warn(NULL, "--affinity uniform takes -k, not -p");
		emb_usage(SYNOPSIS);
	}
	if (o->affinity == A_GAUSS && have_k) {
		emb_warn(NULL, "-k is for --affinity uniform; -p sets the neighbours "
		    "of the Gaussian affinities (3 x perplexity)");
		emb_usage(SYNOPSIS);
	}
	if (o->method == M_FFT && o->dims != 2) {
		emb_warn(NULL, "-m fft is 2-D only: use -m bh for -d 3");
		emb_usage(SYNOPSIS);
	}
	if (o->save != NULL && o->apply != NULL) {
		emb_warn(NULL, "--save and --apply: one or the other");
		emb_usage(SYNOPSIS);
	}
	if (argc - optind > 1)
		emb_usage(SYNOPSIS);
	if (o->threads > 0)
		omp_set_num_threads(o->threads);
}

/*
 * Threads that spin in a barrier while the other is descheduled cost a busy
 * machine twenty times the work: unless told otherwise, ask libgomp, which
 * reads its settings before main(), to sleep instead, by starting again.
 */
static void
passive_threads(char *argv[])
{
	if (getenv("OMP_WAIT_POLICY") != NULL)
		return;
	if (setenv("OMP_WAIT_POLICY", "passive", 0) == 0)
		execv("/proc/self/exe", argv);
}

int
main(int argc, char *argv[])
{
	struct options o;

	passive_threads(argv);
	emb_init(argv[0]);
	parse_options(argc, argv, &o);
	if (o.apply != NULL)
		apply_model(&o, optind < argc ? argv[optind] : "-");
	else
		run(&o, optind < argc ? argv[optind] : "-");
	emb_close_stdout();
	return 0;
}
