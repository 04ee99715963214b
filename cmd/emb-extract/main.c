/* emb-extract: embeddings out of the files people have, as an emb stream. */
#include <getopt.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

#define SYNOPSIS "emb-extract [-hqv] [-f format] [-l labels] [-n rows] [-t tensor] " \
	"[--allow-nonfinite] [--center] [--list] [--match regex] [--normalize] " \
	"[--rows from:to] [--sample n] [--seed seed] [--shard i/n] " \
	"[--words list | @file] [file ...]"

enum {
	OPT_ALLOW = 256, OPT_CENTER, OPT_LIST, OPT_MATCH, OPT_NORMALIZE, OPT_ROWS,
	OPT_SAMPLE, OPT_SEED, OPT_SHARD, OPT_WORDS
};

static const struct option longopts[] = {
	{ "allow-nonfinite", no_argument, NULL, OPT_ALLOW },
	{ "center", no_argument, NULL, OPT_CENTER },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "match", required_argument, NULL, OPT_MATCH },
	{ "normalize", no_argument, NULL, OPT_NORMALIZE },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "sample", required_argument, NULL, OPT_SAMPLE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "words", required_argument, NULL, OPT_WORDS },
	{ NULL, 0, NULL, 0 }
};

/* --rows from:to, either end may be left out, as in a Python slice. */
static void
parse_rows(struct opts *o, const char *s)
{
	const char *colon = strchr(s, ':');
	char *from;

	if (colon == NULL)
		emb_err(NULL, "--rows: '%s' is not from:to", emb_quote(s));
	from = emb_strndup(s, colon - s);
	o->row_from = *from ? (size_t)emb_parse_int(from, 0, EMB_MAX_ROWS, "--rows") : 0;
	o->row_to = colon[1] ? (size_t)emb_parse_int(colon + 1, 0, EMB_MAX_ROWS,
	    "--rows") : SIZE_MAX;
	if (o->row_to < o->row_from)
		emb_err(NULL, "--rows: %s ends before it starts", emb_quote(s));
	o->have_rows = 1;
	free(from);
}

/* --shard I/N: the I-th, from 0, of N near-equal ranges of rows. */
static void
parse_shard(struct opts *o, const char *s)
{
	const char *slash = strchr(s, '/');
	char *i;

	if (slash == NULL)
		emb_err(NULL, "--shard: '%s' is not i/n", emb_quote(s));
	i = emb_strndup(s, slash - s);
	o->nshards = (size_t)emb_parse_int(slash + 1, 1, EMB_MAX_ROWS, "--shard");
	o->shard = (size_t)emb_parse_int(i, 0, EMB_MAX_ROWS, "--shard");
	if (o->shard >= o->nshards)
		emb_err(NULL, "--shard %s: shards are numbered from 0 to %zu",
		    emb_quote(s), o->nshards - 1);
	o->have_shard = 1;
	free(i);
}

static void
compile_match(struct opts *o)
{
	char msg[256];
	int rc;

	if ((rc = regcomp(&o->re, o->match, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, &o->re, msg, sizeof msg);
		emb_err(NULL, "--match: %s", msg);
	}
}

/* The options into o; compiles --match.  optind is left at the first file. */
static void
parse_options(int argc, char *argv[], struct opts *o)
{
	int c;

	memset(o, 0, sizeof *o);
	o->limit = SIZE_MAX;
	while ((c = getopt_long(argc, argv, "f:hl:n:qt:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if ((o->format = format_by_name(optarg)) == FMT_AUTO)
				emb_err(NULL, "-f: unknown format '%s' (csv, emb, fasttext, "
				    "glove, npy, npz, safetensors, tsv, word2vec, "
				    "word2vec-binary)", emb_quote(optarg));
			break;
		case 'h':
			emb_help(SYNOPSIS);
		case 'l':
			o->labelfile = optarg;
			break;
		case 'n':
			o->limit = emb_parse_int(optarg, 0, EMB_MAX_ROWS, "-n");
			break;
		case 'q':
			emb_verbose = -1;
			break;
		case 't':
			o->tensor = optarg;
			break;
		case 'v':
			emb_verbose = 1;
			break;
		case OPT_ALLOW:
			o->allow_nonfinite = 1;
			break;
		case OPT_CENTER:
			o->center = 1;
			break;
		case OPT_LIST:
			o->list = 1;
			break;
		case OPT_MATCH:
			o->match = optarg;
			break;
		case OPT_NORMALIZE:
			o->normalize = 1;
			break;
		case OPT_ROWS:
			parse_rows(o, optarg);
			break;
		case OPT_SAMPLE:
			o->sample = emb_parse_int(optarg, 0, EMB_MAX_ROWS, "--sample");
			o->have_sample = 1;
			break;
		case OPT_SEED:
			o->seed = (uint64_t)emb_parse_int(optarg, 0, INT64_MAX, "--seed");
			break;
		case OPT_SHARD:
			parse_shard(o, optarg);
			break;
		case OPT_WORDS:
			o->words = optarg;
			break;
		default:
			emb_usage(SYNOPSIS);
		}
	}
	if (o->match != NULL)
		compile_match(o);
}

int
main(int argc, char *argv[])
{
	static char outbuf[1 << 16];
	struct opts o;
	struct input *in;
	struct job j;
	int i;

	emb_init(argv[0]);
	setlocale(LC_CTYPE, "");	/* --match character classes follow the locale */
	parse_options(argc, argv, &o);
	argc -= optind;
	argv += optind;
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

	job_init(&j, &o, stdout);
	if (o.labelfile != NULL)
		labelfile_read(&j, o.labelfile);
	if (o.words != NULL)
		wordlist_read(&j, o.words);
	for (i = 0; i == 0 || i < argc; i++) {
		in = in_open(argc > 0 ? argv[i] : "-");
		if (o.list)
			extract_list(&j, in);
		else
			extract(&j, in);
		job_reset(&j);
		in_close(in);
	}
	emb_close_stdout();
	return 0;
}
