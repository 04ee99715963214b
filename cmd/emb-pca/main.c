/* emb-pca: principal components of every points frame, exact or randomized. */
#include <cblas.h>
#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pca.h"

enum { OPT_APPLY = 256, OPT_NO_CENTER, OPT_OVERSAMPLES, OPT_POWER, OPT_SAVE,
	OPT_SEED, OPT_VARIANCE, OPT_WHITEN };

static const struct option longopts[] = {
	{ "apply",		required_argument,	NULL,	OPT_APPLY },
	{ "method",		required_argument,	NULL,	'm' },
	{ "no-center",		no_argument,		NULL,	OPT_NO_CENTER },
	{ "oversamples",	required_argument,	NULL,	OPT_OVERSAMPLES },
	{ "power-iterations",	required_argument,	NULL,	OPT_POWER },
	{ "save",		required_argument,	NULL,	OPT_SAVE },
	{ "seed",		required_argument,	NULL,	OPT_SEED },
	{ "variance",		required_argument,	NULL,	OPT_VARIANCE },
	{ "whiten",		no_argument,		NULL,	OPT_WHITEN },
	{ NULL,			0,			NULL,	0 }
};

int pca_threads;

/* --save writes here, beside the model's name, and renames it at the end. */
static char *save_tmp;

static void
remove_save_tmp(void)
{
	if (save_tmp != NULL)
		unlink(save_tmp);
}

static void
remove_save_tmp_and_die(int sig)
{
	if (save_tmp != NULL)
		unlink(save_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* What carries over from one operand to the next. */
struct run {
	struct options	 opt;
	struct model	*applied;	/* --apply: the saved models */
	size_t		 napplied;
	size_t		 npoints;	/* points frames seen so far */
	FILE		*save;
};

static void __attribute__((noreturn))
conflict(const char *msg)
{
	emb_warn(NULL, "%s", msg);
	emb_usage(SYNOPSIS);
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
	const char *fitting = NULL;
	int c;

	memset(o, 0, sizeof *o);
	o->method = AUTO;
	o->center = 1;
	o->oversamples = 10;
	o->power_iterations = -1;
	o->seed = 1;
	while ((c = getopt_long(argc, argv, "hj:k:m:qv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			emb_help(SYNOPSIS);
		case 'j':
			pca_threads = (int)emb_parse_int(optarg, 1, 1024, "-j");
			break;
		case 'k':
			o->k = emb_parse_int(optarg, 1, EMB_MAX_COLS, "-k");
			fitting = "-k";
			break;
		case 'm':
			if (strcmp(optarg, "auto") == 0)
				o->method = AUTO;
			else if (strcmp(optarg, "exact") == 0)
				o->method = EXACT;
			else if (strcmp(optarg, "randomized") == 0)
				o->method = RANDOMIZED;
			else
				emb_err(NULL, "-m: unknown method '%s' (auto, exact or "
				    "randomized)", emb_quote(optarg));
			fitting = "-m";
			break;
		case 'q':
			emb_verbose = -1;
			break;
		case 'v':
			emb_verbose = 1;
			break;
		case OPT_APPLY:
			o->apply = optarg;
			break;
		case OPT_NO_CENTER:
			o->center = 0;
			fitting = "--no-center";
			break;
		case OPT_OVERSAMPLES:
			o->oversamples = emb_parse_int(optarg, 0, 100000,
			    "--oversamples");
			fitting = "--oversamples";
			break;
		case OPT_POWER:
			o->power_iterations = emb_parse_int(optarg, 0, 1000,
			    "--power-iterations");
			fitting = "--power-iterations";
			break;
		case OPT_SAVE:
			o->save = optarg;
			break;
		case OPT_SEED:
			o->seed = emb_parse_int(optarg, 0, INT64_MAX, "--seed");
			fitting = "--seed";
			break;
		case OPT_VARIANCE:
			o->variance = emb_parse_double(optarg, 0, 1, "--variance");
			if (!(o->variance > 0 && o->variance < 1))
				emb_err(NULL, "--variance: %s is out of range "
				    "(0 < F < 1)", optarg);
			fitting = "--variance";
			break;
		case OPT_WHITEN:
			o->whiten = 1;
			fitting = "--whiten";
			break;
		default:
			emb_usage(SYNOPSIS);
		}
	}
	if (o->k && o->variance > 0)
		conflict("-k and --variance cannot be used together");
	if (o->apply && o->save)
		conflict("--apply and --save cannot be used together");
	if (o->apply && fitting) {
		static char msg[128];
		snprintf(msg, sizeof msg, "--apply takes its settings from the model; "
		    "%s cannot be given", fitting);
		conflict(msg);
	}
	if (o->variance > 0 && o->method == RANDOMIZED)
		conflict("--variance needs the exact method");
	if (!o->k && !(o->variance > 0))
		o->k = 2;
	if (pca_threads == 0)
		pca_threads = omp_get_max_threads();
	/* the products are split into threads by fit.c, in a fixed way */
	openblas_set_num_threads(1);
}

/* Refuse to overwrite an input with the model before reading it. */
static void
open_save(struct run *run, char **operands, int n)
{
	struct stat sv, st;
	mode_t mask;
	int i, fd;

	if (stat(run->opt.save, &sv) == 0)
		for (i = 0; i <= n; i++) {
			const char *p = i < n ? operands[i] : "-";
			int got = strcmp(p, "-") == 0 ? fstat(0, &st) : stat(p, &st);
			if (got == 0 && S_ISREG(st.st_mode) && st.st_dev == sv.st_dev &&
			    st.st_ino == sv.st_ino)
				emb_err(run->opt.save, "is an input; --save would "
				    "overwrite it");
		}
	save_tmp = emb_alloc(strlen(run->opt.save) + 8, 1);
	sprintf(save_tmp, "%s.XXXXXX", run->opt.save);
	if ((fd = mkstemp(save_tmp)) < 0) {
		free(save_tmp);
		save_tmp = NULL;
		emb_err(run->opt.save, "%s", strerror(errno));
	}
	atexit(remove_save_tmp);
	signal(SIGHUP, remove_save_tmp_and_die);
	signal(SIGINT, remove_save_tmp_and_die);
	signal(SIGPIPE, remove_save_tmp_and_die);
	signal(SIGTERM, remove_save_tmp_and_die);
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || (run->save = fdopen(fd, "w")) == NULL)
		emb_err(run->opt.save, "%s", strerror(errno));
}

/* The model is complete: give it its name. */
static void
close_save(struct run *run)
{
	if (fclose(run->save) != 0)
		emb_err(run->opt.save, "%s", strerror(errno));
	if (rename(save_tmp, run->opt.save) != 0)
		emb_err(run->opt.save, "%s", strerror(errno));
	free(save_tmp);
	save_tmp = NULL;
}

static void
fitted(struct run *run, const struct model *m, const struct input *in, int frame)
{
	model_report(m, input_label(in), frame);
	if (run->save != NULL)
		model_write(run->save, run->opt.save, m);
}

static void
finish_frame(struct emb_reader *r, struct emb_frame *f)
{
	emb_read_rest(r, f);
	if (f->kind == EMB_GRAPH)
		emb_write(stdout, f);
	else
		emb_write_labels(stdout, f);
	emb_frame_free(f);
}

/* --apply: one pass, a chunk of rows at a time, whatever the input is. */
static void
apply_input(struct run *run, struct input *in)
{
	struct emb_reader *r = emb_open(in->name);
	struct emb_frame h;
	struct source s;
	const struct model *m;
	int frame;

	for (frame = 1; emb_read_header(r, &h); frame++) {
		if (h.kind == EMB_POINTS) {
			if (run->napplied > 1 && run->npoints >= run->napplied)
				emb_err(run->opt.apply, "has %zu models, the input more "
				    "points frames", run->napplied);
			m = &run->applied[run->napplied > 1 ? run->npoints : 0];
			run->npoints++;
			if (h.cols != m->cols)
				emb_err(input_label(in), "frame %d has %zu columns, "
				    "the model %zu", frame, h.cols, m->cols);
			source_init(&s, in, frame, h.rows, h.cols);
			s.first = r;
			project(m, &s, &h, run->opt.apply, stdout);
			source_free(&s);
		}
		finish_frame(r, &h);
	}
	emb_close(r);
}

/* A file: fit every points frame a chunk at a time, then read it again to project. */
static void
fit_twice(struct run *run, struct input *in)
{
	struct emb_reader *r = input_open(in);
	struct emb_frame h;
	struct source s;
	struct model *models = NULL;
	size_t n = 0, i = 0;
	int frame;

	for (frame = 1; emb_read_header(r, &h); frame++) {
		if (h.kind == EMB_POINTS) {
			models = emb_realloc(models, n + 1, sizeof *models);
			source_init(&s, in, frame, h.rows, h.cols);
			s.first = r;
			fit(&models[n], &s, &run->opt);
			source_free(&s);
			fitted(run, &models[n++], in, frame);
		}
		emb_read_rest(r, &h);
		emb_frame_free(&h);
	}
	emb_close(r);

	r = input_open(in);
	for (frame = 1; emb_read_header(r, &h); frame++) {
		if (h.kind == EMB_POINTS) {
			if (i == n || h.rows != models[i].rows ||
			    h.cols != models[i].cols)
				emb_err(input_label(in), "the file changed while it "
				    "was being read");
			source_init(&s, in, frame, h.rows, h.cols);
			s.first = r;
			project(&models[i++], &s, &h, NULL, stdout);
			source_free(&s);
		}
		finish_frame(r, &h);
	}
	emb_close(r);
	for (i = 0; i < n; i++)
		model_free(&models[i]);
	free(models);
}

/* A pipe: each frame is held in memory while it is fitted and projected. */
static void
fit_buffered(struct run *run, struct input *in)
{
	struct emb_reader *r = emb_open(in->name);
	struct emb_frame f;
	struct source s;
	struct model m;
	int frame;

	for (frame = 1; emb_read(r, &f); frame++) {
		if (f.kind == EMB_POINTS) {
			source_init(&s, in, frame, f.rows, f.cols);
			s.data = f.data;
			fit(&m, &s, &run->opt);
			fitted(run, &m, in, frame);
			project(&m, &s, &f, NULL, stdout);
			emb_write_labels(stdout, &f);
			source_free(&s);
			model_free(&m);
		} else {
			emb_write(stdout, &f);
		}
		emb_frame_free(&f);
	}
	emb_close(r);
}

int
main(int argc, char *argv[])
{
	struct run run;
	struct input in;
	size_t i;
	int j;

	emb_init(argv[0]);
	memset(&run, 0, sizeof run);
	parse_options(argc, argv, &run.opt);
	argc -= optind;
	argv += optind;

	if (run.opt.apply != NULL)
		run.napplied = model_read(run.opt.apply, &run.applied);
	if (run.opt.save != NULL)
		open_save(&run, argv, argc);
	for (j = 0; j == 0 || j < argc; j++) {
		input_init(&in, argc > 0 ? argv[j] : "-");
		if (run.opt.apply != NULL)
			apply_input(&run, &in);
		else if (in.again)
			fit_twice(&run, &in);
		else
			fit_buffered(&run, &in);
	}
	emb_close_stdout();
	if (run.save != NULL)
		close_save(&run);
	for (i = 0; i < run.napplied; i++)
		model_free(&run.applied[i]);
	free(run.applied);
	return 0;
}
