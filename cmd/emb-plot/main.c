/* emb-plot: a gnuplot script that draws the last points frame of a stream. */
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

#define SYNOPSIS "emb-plot [-h] [-c field] [-L n | all] [-o file] [-s WxH] [-T terminal] " \
	"[-x col] [-y col] [-z col] [--all-labels] [--animate] [--arrows from>to,...] " \
	"[--density] [--highlight regex] [--jsdir dir] [--label-field field] " \
	"[--label-match regex] [--matrix] [--path] [--similarity] [--title text] " \
	"[--view rot,tilt] [file ...]"

enum {
	OPT_ALL_LABELS = 256, OPT_ANIMATE, OPT_ARROWS, OPT_DENSITY, OPT_HIGHLIGHT,
	OPT_JSDIR, OPT_LABEL_FIELD, OPT_LABEL_MATCH, OPT_MATRIX, OPT_PATH, OPT_SIMILARITY,
	OPT_TITLE, OPT_VIEW,
};

static const struct option longopts[] = {
	{ "all-labels",  no_argument,       NULL, OPT_ALL_LABELS },
	{ "animate",     no_argument,       NULL, OPT_ANIMATE },
	{ "arrows",      required_argument, NULL, OPT_ARROWS },
	{ "density",     no_argument,       NULL, OPT_DENSITY },
	{ "help",        no_argument,       NULL, 'h' },
	{ "highlight",   required_argument, NULL, OPT_HIGHLIGHT },
	{ "jsdir",       required_argument, NULL, OPT_JSDIR },
	{ "label-field", required_argument, NULL, OPT_LABEL_FIELD },
	{ "label-match", required_argument, NULL, OPT_LABEL_MATCH },
	{ "matrix",      no_argument,       NULL, OPT_MATRIX },
	{ "path",        no_argument,       NULL, OPT_PATH },
	{ "similarity",  no_argument,       NULL, OPT_SIMILARITY },
	{ "title",       required_argument, NULL, OPT_TITLE },
	{ "view",        required_argument, NULL, OPT_VIEW },
	{ NULL, 0, NULL, 0 },
};

/* Options that cannot go together: a usage error, in one line. */
static void __attribute__((noreturn))
conflict(const char *msg)
{
	emb_warn(NULL, "%s", msg);
	exit(2);
}

static void
parse_size(struct opts *o, const char *s)
{
	char *x = strpbrk(s, "x,"), w[32];

	if (x == NULL || (size_t)(x - s) >= sizeof w)
		emb_err(NULL, "-s: '%s' is not WIDTHxHEIGHT", s);
	memcpy(w, s, x - s);
	w[x - s] = '\0';
	o->width = (int)emb_parse_int(w, 10, 10000, "-s width");
	o->height = (int)emb_parse_int(x + 1, 5, 10000, "-s height");
}

static void
parse_view(struct opts *o, const char *s)
{
	const char *comma = strchr(s, ',');
	char rot[64];

	if (comma == NULL || (size_t)(comma - s) >= sizeof rot)
		emb_err(NULL, "--view: '%s' is not ROT,TILT", s);
	memcpy(rot, s, comma - s);
	rot[comma - s] = '\0';
	o->rot = emb_parse_double(rot, 0, 360, "--view rotation");
	o->tilt = emb_parse_double(comma + 1, 0, 180, "--view tilt");
	o->view = 1;
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	const char *term = NULL;
	int c;

	memset(o, 0, sizeof *o);
	o->col[0] = o->col[1] = o->col[2] = -1;
	o->nlabels = -1;
	o->rot = 30;
	o->tilt = 60;
	while ((c = getopt_long(argc, argv, "c:hL:o:s:T:x:y:z:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->colour = optarg;
			break;
		case 'h':
			emb_help(SYNOPSIS);
		case 'L':
			o->nlabels = strcmp(optarg, "all") == 0 ? (long long)EMB_MAX_ROWS :
			    emb_parse_int(optarg, 0, EMB_MAX_ROWS, "-L");
			break;
		case 'o':
			o->output = optarg;
			break;
		case 's':
			parse_size(o, optarg);
			break;
		case 'T':
			term = optarg;
			break;
		case 'x':
		case 'y':
		case 'z':
			o->col[c - 'x'] = (int)emb_parse_int(optarg, 1, EMB_MAX_COLS,
			    c == 'x' ? "-x" : c == 'y' ? "-y" : "-z") - 1;
			break;
		case OPT_ALL_LABELS:
			o->all_labels = 1;
			break;
		case OPT_ANIMATE:
			o->animate = 1;
			break;
		case OPT_ARROWS:
			o->arrows = optarg;
			break;
		case OPT_DENSITY:
			o->density = 1;
			break;
		case OPT_HIGHLIGHT:
			o->highlight = optarg;
			break;
		case OPT_JSDIR:
			o->jsdir = optarg;
			break;
		case OPT_LABEL_FIELD:
			o->label_field = optarg;
			break;
		case OPT_LABEL_MATCH:
			o->label_match = optarg;
			break;
		case OPT_MATRIX:
		case OPT_SIMILARITY:
			c = c == OPT_MATRIX ? HEAT_MATRIX : HEAT_SIMILARITY;
			if (o->heatmap && o->heatmap != c)
				conflict("--similarity and --matrix are two pictures: one at a time");
			o->heatmap = c;
			break;
		case OPT_PATH:
			o->path = 1;
			break;
		case OPT_TITLE:
			o->title = optarg;
			break;
		case OPT_VIEW:
			parse_view(o, optarg);
			break;
		default:
			emb_usage(SYNOPSIS);
		}
	}
	if (term != NULL && (o->term = term_find(term)) == NULL)
		emb_err(NULL, "-T %s: unknown terminal (dumb, gif, html, pdf, png, qt, "
		    "sixel, svg, wxt, x11)", term);
	if (o->term == NULL && o->output != NULL &&
	    (o->term = term_for_file(o->output)) == NULL)
		emb_err(NULL, "-o %s: cannot tell the terminal from the name; use -T", o->output);
	if (o->term == NULL)
		o->term = term_find("dumb");
	if (o->output != NULL && !o->term->tofile)
		conflict("-o: the qt, wxt and x11 terminals draw in a window, not a file");
	if (o->animate && o->term->id != T_GIF)
		conflict("--animate needs -T gif");
	if (o->density && o->colour != NULL)
		conflict("--density colours by point count; it cannot go with -c");
	if (o->jsdir != NULL && o->term->id != T_HTML)
		conflict("--jsdir is for -T html");
	if (o->heatmap)
		heatmap_opts(o);
	if (o->term->cells && o->width > 1000)
		emb_err(NULL, "-s: dumb output is at most 1000 characters wide");
	term_size(o);
}

/* The points frames to draw: the last one, or all of them for --animate. */
static struct emb_frame *
read_input(int argc, char *argv[], const struct opts *o, size_t *nframes)
{
	struct emb_frame f, *frames = NULL;
	struct emb_reader *r;
	size_t n = 0, cap = 0;
	int i;

	for (i = 0; i == 0 || i < argc; i++) {
		r = emb_open(argc > 0 ? argv[i] : "-");
		while (emb_read(r, &f)) {
			if (f.kind != EMB_POINTS) {
				emb_frame_free(&f);
				continue;
			}
			if (!o->animate && n > 0)
				emb_frame_free(&frames[--n]);
			if (n == cap) {
				cap = cap ? 2 * cap : 4;
				frames = emb_realloc(frames, cap, sizeof *frames);
			}
			frames[n++] = f;
		}
		emb_close(r);
	}
	if (n == 0)
		emb_err(NULL, "no points frame in the input");
	*nframes = n;
	return frames;
}

/* -x -y -z, or the frame's own 2 or 3 columns. */
static void
pick_columns(struct opts *o, const struct emb_frame *f)
{
	int k;

	if (o->col[0] < 0 && o->col[1] < 0 && o->col[2] < 0) {
		if (f->cols != 2 && f->cols != 3)
			emb_err(NULL, "the points have %zu columns: reduce them to 2 or 3 "
			    "first, or pick columns with -x, -y (and -z)", f->cols);
		o->dim = (int)f->cols;
		for (k = 0; k < o->dim; k++)
			o->col[k] = k;
	} else {
		o->dim = o->col[2] >= 0 ? 3 : 2;
		if (o->col[0] < 0)
			o->col[0] = 0;
		if (o->col[1] < 0)
			o->col[1] = 1;
	}
	for (k = 0; k < o->dim; k++)
		if ((size_t)o->col[k] >= f->cols)
			emb_err(NULL, "-%c %d: the points have %zu columns", "xyz"[k],
			    o->col[k] + 1, f->cols);
	if (o->view && o->dim != 3)
		conflict("--view is for 3-D pictures (3 columns, or -z)");
	if (o->density && o->dim != 2)
		conflict("--density draws 2-D pictures only");
}

static int
text_field(const struct opts *o, const struct emb_frame *f)
{
	int want = o->nlabels >= 0 || o->label_match || o->highlight || o->arrows;
	int i;

	if (o->label_field != NULL) {
		if ((i = emb_field_index(f, o->label_field)) < 0)
			no_field("--label-field", f, o->label_field);
		return i;
	}
	if (f->nfields == 0) {
		if (want)
			emb_err(NULL, "the points have no labels to show");
		return -1;
	}
	return 0;
}

static void
view_init(struct view *v, const struct opts *o, const struct emb_frame *f)
{
	size_t i;
	int k;
	double lo, hi, x, pad;

	memset(v, 0, sizeof *v);
	if (f->rows == 0)
		emb_err(NULL, "a points frame has no rows");
	v->f = f;
	v->n = f->rows;
	v->dim = o->dim;
	if ((size_t)o->col[v->dim - 1] >= f->cols || (size_t)o->col[0] >= f->cols ||
	    (size_t)o->col[1] >= f->cols)
		emb_err(NULL, "a points frame has only %zu columns", f->cols);
	v->p = emb_alloc(emb_mul(v->n ? v->n : 1, v->dim), sizeof *v->p);
	for (i = 0; i < v->n; i++)
		for (k = 0; k < v->dim; k++)
			v->p[i * v->dim + k] = f->data[i * f->cols + o->col[k]];
	for (k = 0; k < v->dim; k++) {
		lo = INFINITY;
		hi = -INFINITY;
		for (i = 0; i < v->n; i++) {
			x = v->p[i * v->dim + k];
			if (isfinite(x)) {
				lo = x < lo ? x : lo;
				hi = x > hi ? x : hi;
			}
		}
		if (lo > hi)
			emb_err(NULL, "no point has finite coordinates");
		pad = hi > lo ? (hi - lo) * 0.04 : fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
		range_tidy(lo - pad, hi + pad, &v->lo[k], &v->hi[k]);
	}
	v->textfield = text_field(o, f);
	v->cfield = o->colour != NULL ? emb_field_index(f, o->colour) : -1;
}

/* The title of one picture of an animation. */
static char *
frame_title(const char *base, const struct emb_frame *f, size_t i, size_t n)
{
	const char *reducer = emb_meta_get(f, "reducer"), *it = NULL;
	char key[128], *t;
	size_t len = strlen(base) + 64, k;

	if (reducer != NULL) {
		snprintf(key, sizeof key, "%.60s.iteration", reducer);
		it = emb_meta_get(f, key);
		for (k = 0; it == NULL && key[k] != '\0'; k++)
			key[k] = tolower((unsigned char)key[k]);
		if (it == NULL)
			it = emb_meta_get(f, key);
	}
	if (it == NULL)
		it = emb_meta_get(f, "iteration");
	t = emb_alloc(len + (it ? strlen(it) : 0), 1);
	if (it != NULL)
		snprintf(t, len + strlen(it), "%s%siteration %s", base, *base ? ", " : "", it);
	else
		snprintf(t, len, "%s%sframe %zu of %zu", base, *base ? ", " : "", i + 1, n);
	return t;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct emb_frame *frames;
	struct colouring c;
	struct view v;
	size_t nframes, i;
	char *title, *ft;
	char *script;
	size_t scriptlen;
	FILE *fp;

	emb_init(argv[0]);
	parse_opts(&o, argc, argv);
	frames = read_input(argc - optind, argv + optind, &o, &nframes);
	if (o.heatmap) {
		heatmap_main(&o, &frames[nframes - 1]);
		free(frames);
		return 0;
	}
	pick_columns(&o, &frames[nframes - 1]);
	colour_setup(&c, &o, &frames[nframes - 1]);
	title = o.title != NULL ? emb_strdup(o.title) : title_from_meta(&frames[nframes - 1]);

	/*
	 * The script is made in memory and written only when it is whole: an
	 * error found on the way leaves stdout empty, so that "| gnuplot" does
	 * not open (and empty) the output file.
	 */
	if ((fp = open_memstream(&script, &scriptlen)) == NULL)
		emb_err(NULL, "out of memory");
	script_begin(fp, &o);
	for (i = 0; i < nframes; i++) {
		view_init(&v, &o, &frames[i]);
		ft = o.animate ? frame_title(title, &frames[i], i, nframes) : NULL;
		script_frame(fp, &o, &v, &c, ft ? ft : title, o.animate ? (int)i + 1 : 0);
		free(ft);
		free(v.p);
	}
	script_end(fp, &o);
	if (fclose(fp) != 0)
		emb_err(NULL, "out of memory");
	emb_fwrite(script, scriptlen, stdout);
	free(script);
	emb_close_stdout();

	for (i = 0; i < nframes; i++)
		emb_frame_free(&frames[i]);
	free(frames);
	colour_free(&c);
	free(title);
	return 0;
}
