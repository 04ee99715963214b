/*
 * --similarity and --matrix: heat maps of a points frame in row order, drawn
 * by gnuplot "with image" from a datablock of at most HEAT_BINS x HEAT_BINS
 * cells.  Above that many rows (or columns) a cell is the average over a
 * range of consecutive ones, computed here: for cosine similarity the
 * average over a block of pairs is the dot product of the two blocks' sums
 * of unit rows, so nothing of size N x N is ever made.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "plot.h"

#define TICK_TEXT	24	/* characters of a tick label */
#define TICK_ROWS	40	/* row labels as tick labels up to this many rows */

/* Blue, white, red (ColorBrewer RdBu, reversed): 0 is white. */
static const char *const diverging[] = {
	"#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7",
	"#fddbc7", "#f4a582", "#d6604d", "#b2182b",
};

struct heat {
	size_t		 nr, nc;	/* cells */
	size_t		 rows, cols;	/* what they cover */
	float		*v;		/* nr x nc, NaN: no finite value */
	double		 range;		/* the colour range is [-range, range] */
};

static size_t cap = HEAT_BINS;

static size_t
bins(size_t n)
{
	return n < cap ? n : cap;
}

/*
 * First item of bin b of nb over n: cells are drawn of equal width, item i
 * at i, so that a bin holds the items in its cell, [b n / nb - 1/2, ...).
 */
static size_t
bin_start(size_t b, size_t nb, size_t n)
{
	return (size_t)ceil((double)b * n / nb - 0.5);
}

static void
similarity(struct heat *h, const struct emb_frame *f)
{
	size_t n = f->rows, d = f->cols, nb = bins(n), b, i, j, k;
	double *sum = emb_zalloc(emb_mul(nb, d), sizeof *sum), s;
	float *u = emb_alloc(emb_mul(nb, d), sizeof *u), *g;
	size_t *count = emb_zalloc(nb, sizeof *count);
	const float *x;

	for (b = 0; b < nb; b++)
		for (i = bin_start(b, nb, n); i < bin_start(b + 1, nb, n); i++) {
			x = f->data + i * d;
			for (s = 0, j = 0; j < d; j++)
				s += (double)x[j] * x[j];
			if (!isfinite(s) || s == 0)
				continue;	/* no direction: left out of the averages */
			s = 1 / sqrt(s);
			for (j = 0; j < d; j++)
				sum[b * d + j] += x[j] * s;
			count[b]++;
		}
	for (i = 0; i < nb * d; i++)
		u[i] = (float)(sum[i] / (count[i / d] ? count[i / d] : 1));
	g = emb_alloc(emb_mul(nb, nb), sizeof *g);
	cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, nb, d, 1.0f, u, d, 0.0f, g, nb);
	for (i = 0; i < nb; i++)
		for (k = i; k < nb; k++) {
			float v = count[i] && count[k] ? g[i * nb + k] : NAN;
			/* rounding may take a row's cosine with itself past 1 */
			v = v > 1 ? 1 : v < -1 ? -1 : v;
			g[i * nb + k] = g[k * nb + i] = v;
		}
	h->nr = h->nc = nb;
	h->rows = h->cols = n;
	h->v = g;
	h->range = 1;
	free(count);
	free(u);
	free(sum);
}

static void
values(struct heat *h, const struct emb_frame *f)
{
	size_t n = f->rows, d = f->cols, nr = bins(n), nc = bins(d), a, b, i, j, cnt;
	float *v = emb_alloc(emb_mul(nr, nc), sizeof *v);
	double s, top = 0, x;

	for (a = 0; a < nr; a++)
		for (b = 0; b < nc; b++) {
			s = 0;
			cnt = 0;
			for (i = bin_start(a, nr, n); i < bin_start(a + 1, nr, n); i++)
				for (j = bin_start(b, nc, d); j < bin_start(b + 1, nc, d); j++)
					if (isfinite(x = f->data[i * d + j])) {
						s += x;
						cnt++;
					}
			v[a * nc + b] = cnt ? (float)(s / cnt) : NAN;
			if (cnt && fabs(s / cnt) > top)
				top = fabs(s / cnt);
		}
	h->nr = nr;
	h->nc = nc;
	h->rows = n;
	h->cols = d;
	h->v = v;
	h->range = top > 0 && isfinite(top) ? top : 1;
}

/* The centre of bin b, in item units: item b itself when not binned. */
static double
centre(size_t b, size_t nb, size_t n)
{
	return ((double)b + 0.5) * n / nb - 0.5;
}

static void
ticks(FILE *fp, const struct opts *o, const struct emb_frame *f, int field, char axis)
{
	char buf[4 * TICK_TEXT + 8];
	size_t i;

	emb_printf(fp, "set %ctics (", axis);
	for (i = 0; i < f->rows; i++) {
		text_clean(buf, sizeof buf, emb_label(f, i, field), TICK_TEXT,
		    o->term->textflags);
		emb_printf(fp, "%s", i ? ", " : "");
		gp_string(fp, buf);
		emb_printf(fp, " %zu", i);
	}
	emb_printf(fp, ")%s\n", axis == 'x' ? " rotate by 60 right" : "");
}

static void
settings(FILE *fp, const struct opts *o, const struct heat *h, const struct emb_frame *f,
    const char *title, int field)
{
	char buf[4 * MAX_TITLE + 8];
	size_t k, nk = sizeof diverging / sizeof diverging[0];
	int sim = o->heatmap == HEAT_SIMILARITY;

	if (title != NULL && *title != '\0') {
		text_clean(buf, sizeof buf, title, MAX_TITLE, o->term->textflags);
		text_wrap(buf, (size_t)(o->width / 7.0));
		emb_printf(fp, "set title ");
		gp_string(fp, buf);
		emb_printf(fp, " noenhanced\n");
	}
	emb_printf(fp, "unset key\nset tics out\n");
	emb_printf(fp, "set xrange [%.10g:%.10g]\n", -0.5, h->cols - 0.5);
	/* row 0 at the top, as a matrix is written */
	emb_printf(fp, "set yrange [%.10g:%.10g]\n", h->rows - 0.5, -0.5);
	emb_printf(fp, "set xlabel \"%s\"\nset ylabel \"row\"\n", sim ? "row" : "dimension");
	if (sim)
		emb_printf(fp, "set size ratio -1\n");
	if (field >= 0 && h->rows <= TICK_ROWS && h->nr == h->rows) {
		ticks(fp, o, f, field, 'y');
		if (sim)
			ticks(fp, o, f, field, 'x');
	}
	emb_printf(fp, "set palette defined (");
	for (k = 0; k < nk; k++)
		emb_printf(fp, "%s%.4g \"%s\"", k ? ", " : "",
		    -h->range + 2 * h->range * k / (nk - 1), diverging[k]);
	emb_printf(fp, ")\nset cbrange [%.10g:%.10g]\nset colorbox\n", -h->range, h->range);
	emb_printf(fp, "set cblabel \"%s\"\n", sim ? "cosine similarity" : "value");
}

static void
datablock(FILE *fp, const struct heat *h)
{
	char line[128], *p;
	size_t a, b;

	emb_printf(fp, "$heat << EOD\n");
	for (a = 0; a < h->nr; a++) {
		if (a > 0)
			emb_fwrite("\n", 1, fp);
		for (b = 0; b < h->nc; b++) {
			p = line + snprintf(line, 64, "%.10g %.10g ", centre(b, h->nc, h->cols),
			    centre(a, h->nr, h->rows));
			p = fmt_float(p, h->v[a * h->nc + b]);
			*p++ = '\n';
			emb_fwrite(line, p - line, fp);
		}
	}
	emb_printf(fp, "EOD\n");
}

static void __attribute__((noreturn))
usage_error(const char *msg)
{
	emb_warn(NULL, "%s", msg);
	exit(2);
}

/* --similarity and --matrix: the options that apply, and a terminal that draws images. */
void
heatmap_opts(const struct opts *o)
{
	if (o->colour || o->nlabels >= 0 || o->col[0] >= 0 || o->col[1] >= 0 ||
	    o->col[2] >= 0 || o->all_labels || o->animate || o->arrows || o->density ||
	    o->highlight || o->label_match || o->path || o->view)
		usage_error("--similarity and --matrix take only -o, -s, -T, --jsdir, "
		    "--label-field and --title");
	if (o->term->id == T_DUMB)
		usage_error("--similarity and --matrix draw images, which the dumb terminal "
		    "cannot: use -T png, svg, pdf, html, gif, sixel, qt, wxt or x11");
}

/* Everything is checked before a byte is written. */
static void
heatmap_check(const struct opts *o, const struct emb_frame *f)
{
	size_t i, j;
	double s;

	if (f->rows == 0 || f->cols == 0)
		emb_err(NULL, "the points frame is empty (%zu x %zu)", f->rows, f->cols);
	for (i = 0; i < f->rows * f->cols; i++)
		if (isfinite(f->data[i]))
			break;
	if (i == f->rows * f->cols)
		emb_err(NULL, "no value of the points is finite");
	for (i = 0; o->heatmap == HEAT_SIMILARITY && i < f->rows; i++) {
		for (s = 0, j = 0; j < f->cols; j++)
			s += (double)f->data[i * f->cols + j] * f->data[i * f->cols + j];
		if (isfinite(s) && s > 0)
			break;
	}
	if (i == f->rows)
		emb_err(NULL, "no row has a direction (each is zero or not finite): "
		    "no cosine similarity");
	if (o->label_field != NULL && emb_field_index(f, o->label_field) < 0)
		no_field("--label-field", f, o->label_field);
}

static void
heatmap_write(FILE *fp, const struct opts *o, const struct emb_frame *f, const char *title)
{
	struct heat h;
	int field = o->label_field ? emb_field_index(f, o->label_field) :
	    f->nfields > 0 ? 0 : -1;

	memset(&h, 0, sizeof h);
	/* canvas has no images: gnuplot draws every cell as a rectangle */
	cap = o->term->id == T_HTML ? HEAT_BINS_HTML : HEAT_BINS;
	if (o->heatmap == HEAT_SIMILARITY)
		similarity(&h, f);
	else
		values(&h, f);
	settings(fp, o, &h, f, title, field);
	datablock(fp, &h);
	emb_printf(fp, "plot $heat using 1:2:3 with image%s notitle\n",
	    o->term->id == T_HTML ? " pixels" : "");
	free(h.v);
}

/* The picture of the last points frame f, from options heatmap_opts accepted. */
void
heatmap_main(const struct opts *o, struct emb_frame *f)
{
	static char outbuf[1 << 20];
	char *meta = title_from_meta(f), *title;
	const char *what = o->heatmap == HEAT_SIMILARITY ? "cosine similarity of the rows" :
	    "values of the rows";

	heatmap_check(o, f);
	title = emb_alloc(strlen(meta) + strlen(what) + 3, 1);
	sprintf(title, "%s, %s", what, meta);
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	script_begin(stdout, o);
	heatmap_write(stdout, o, f, o->title != NULL ? o->title : title);
	script_end(stdout, o);
	emb_close_stdout();
	free(title);
	free(meta);
	emb_frame_free(f);
}
