/*
 * The gnuplot script: settings, then the data in datablocks, then one plot
 * (or splot) command per picture.  Text from the input appears only through
 * gp_string(), data lines start with a number so none can end a datablock
 * early, and the commands themselves are fixed text and numbers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

#define TEXTBUF		(4 * MAX_TEXT + 8)
#define QUOTED		(5 * TEXTBUF + 3)
#define GREY_RGB	0xb0b0b0u
#define HIGHLIGHT_RGB	0xd62728u

struct picture {
	const struct opts	*o;
	const struct view	*v;
	const struct colouring	*c;
	struct layout		 l;
	struct labelset		 ls;
	const char		*suffix;	/* of datablock names, for animations */
	int			 colourcol;	/* $points columns; 0: none */
	int			 hovercol;
	unsigned		 alpha;		/* gnuplot's transparency byte */
	int			 nelem;		/* plot elements written so far */
};

static int
dumb_colour(const struct opts *o)
{
	return o->term->id == T_DUMB && o->output == NULL &&
	    (o->colour != NULL || o->highlight != NULL || o->arrows != NULL);
}

void
script_begin(FILE *fp, const struct opts *o)
{
	const struct term *t = o->term;
	const char *font = " font \"sans,10\"";

	emb_printf(fp, "# Written by emb-plot; run it with gnuplot.  The data are in the\n"
	    "# datablocks below, text from the input octal-escaped.\n");
	/*
	 * gnuplot reads its standard input a byte per read(2), some seconds
	 * for a big script through a pipe; a file it loads is buffered.
	 * ARG0 is "" only for commands from standard input.
	 */
	emb_printf(fp, "if (ARG0 eq \"\" && strstrt(GPVAL_SYSNAME, \"Windows\") == 0) "
	    "{ load \"/dev/stdin\"; exit }\n");
	emb_printf(fp, "set encoding utf8\n");
	/* "exit error" would not stop a gnuplot reading a pipe */
	emb_printf(fp, "if (strstrt(\" \".GPVAL_TERMINALS.\" \", \" %s \") == 0) {\n"
	    "    print \"this gnuplot has no %s terminal\"\n    exit status 1\n}\n",
	    t->gpname, t->gpname);
	emb_printf(fp, "set terminal %s", t->gpname);
	switch (t->id) {
	case T_PDF:
		emb_printf(fp, " size %.4gin,%.4gin", o->width / 72.0, o->height / 72.0);
		break;
	default:
		emb_printf(fp, " size %d,%d", o->width, o->height);
		break;
	}
	emb_printf(fp, " noenhanced");
	switch (t->id) {
	case T_DUMB:
		emb_printf(fp, " feed%s", dumb_colour(o) ? " ansi256" : "");
		break;
	case T_GIF:
		emb_printf(fp, "%s truecolor%s", font, o->animate ? " animate delay 25 loop 0" : "");
		break;
	case T_HTML:
		emb_printf(fp, "%s standalone mousing", font);
		if (o->jsdir != NULL) {
			emb_printf(fp, " jsdir ");
			gp_string(fp, o->jsdir);
		}
		break;
	case T_SIXEL:
		emb_printf(fp, "%s truecolor", font);
		break;
	case T_SVG:
		emb_printf(fp, "%s mouse standalone", font);
		break;
	case T_X11:
		break;
	default:
		emb_printf(fp, "%s", font);
		break;
	}
	emb_printf(fp, "\n");
	if (o->output != NULL) {
		emb_printf(fp, "set output ");
		gp_string(fp, o->output);
		emb_printf(fp, "\n");
	}
	emb_printf(fp, "set border lc rgb \"#808080\"\nset tics nomirror\n");
	emb_printf(fp, "set key noenhanced\n");
	/* labels on a light ground, readable over dense points */
	if (!t->cells)
		emb_printf(fp, "set style textbox opaque fc rgb \"#40ffffff\" noborder margins 0.5,0.3\n");
	if (o->dim == 3)
		emb_printf(fp, "set view %g,%g\nset xyplane relative 0\n", o->tilt, o->rot);
}

void
script_end(FILE *fp, const struct opts *o)
{
	if (!o->term->tofile)
		emb_printf(fp, "pause mouse close\n");
	else
		emb_printf(fp, "unset output\n");
}

/* A step of 1, 2 or 5 times a power of ten giving at most n tics over w. */
static double
tic_step(double w, double n)
{
	double raw = w / (n < 2 ? 2 : n), p = pow(10, floor(log10(raw))), m = raw / p;

	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void
settings(FILE *fp, struct picture *pic, const char *title)
{
	const struct opts *o = pic->o;
	const struct view *v = pic->v;
	const struct colouring *c = pic->c;
	const struct layout *l = &pic->l;
	char buf[4 * MAX_TITLE + 8];
	static const char axis[] = "xyz";
	int k;

	if (title != NULL && *title != '\0') {
		text_clean(buf, sizeof buf, title, MAX_TITLE, o->term->textflags);
		/* two lines rather than one cut off at the edges */
		text_wrap(buf, (size_t)(o->term->cells ? l->w :
		    l->w / (l->cw * l->fontsize / l->labelsize)) - 4);
		emb_printf(fp, "set title ");
		gp_string(fp, buf);
		emb_printf(fp, " noenhanced\n");
	} else {
		emb_printf(fp, "unset title\n");
	}
	for (k = 0; k < v->dim; k++)
		emb_printf(fp, "set %crange [%.10g:%.10g]\n", axis[k], v->lo[k], v->hi[k]);
	if (v->dim == 2) {
		/* tic labels about 8 characters wide, lines 2.5 high: no crowding */
		emb_printf(fp, "set xtics %.6g\nset ytics %.6g\n",
		    tic_step(v->hi[0] - v->lo[0], (l->x1 - l->x0) / (l->cw * 10 / 8 * 9)),
		    tic_step(v->hi[1] - v->lo[1], (l->y1 - l->y0) / (l->ch * 10 / 8 * 2.5)));
	}
	if (c->mode == CM_CLASS) {
		emb_printf(fp, "set key outside right top vertical Left reverse samplen 1 title ");
		text_clean(buf, sizeof buf, c->field, MAX_TEXT, o->term->textflags);
		gp_string(fp, buf);
		emb_printf(fp, " noenhanced\n");
	} else {
		emb_printf(fp, "unset key\n");
	}
	if (c->mode == CM_VALUE || o->density) {
		emb_printf(fp, "set palette defined (");
		for (k = 0; k < 17; k++)
			emb_printf(fp, "%s%d \"%s\"", k ? ", " : "", k, viridis[k]);
		emb_printf(fp, ")\nset colorbox\n");
		if (o->density) {
			emb_printf(fp, "set logscale cb\nset cblabel \"points per cell\"\n");
		} else {
			emb_printf(fp, "set cbrange [%.10g:%.10g]\nset cblabel ", c->lo, c->hi);
			text_clean(buf, sizeof buf, c->fieldno < 0 ? "row" : c->field, MAX_TEXT,
			    o->term->textflags);
			gp_string(fp, buf);
			emb_printf(fp, " noenhanced\n");
		}
	}
}

static char *
put_colour(char *p, unsigned alpha, uint32_t rgb)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t argb = (uint32_t)alpha << 24 | (rgb & 0xFFFFFF);
	int k;

	*p++ = '0';
	*p++ = 'x';
	for (k = 28; k >= 0; k -= 4)
		*p++ = hex[argb >> k & 15];
	return p;
}

static char *
put_coords(char *p, const struct view *v, size_t row)
{
	int k;

	for (k = 0; k < v->dim; k++) {
		if (k > 0)
			*p++ = ' ';
		p = fmt_float(p, v->p[row * v->dim + k]);
	}
	return p;
}

static char *
put_text(char *p, const struct picture *pic, size_t row, unsigned flags)
{
	char buf[TEXTBUF];

	text_clean(buf, sizeof buf, emb_label(pic->v->f, row, pic->v->textfield), MAX_TEXT,
	    pic->o->term->textflags | flags);
	return gp_string_buf(p, buf);
}

static void
write_points(FILE *fp, struct picture *pic)
{
	const struct view *v = pic->v;
	char line[64 + 16 + QUOTED], *p;
	size_t i;

	emb_printf(fp, "$points%s << EOD\n", pic->suffix);
	for (i = 0; i < v->n; i++) {
		p = put_coords(line, v, i);
		if (pic->colourcol) {
			*p++ = ' ';
			p = put_colour(p, pic->alpha, colour_row(pic->c, v, i));
		}
		if (pic->hovercol) {
			*p++ = ' ';
			p = put_text(p, pic, i, pic->o->term->id == T_SVG ? TEXT_HOVER : 0);
		}
		*p++ = '\n';
		emb_fwrite(line, p - line, fp);
	}
	emb_printf(fp, "EOD\n");
}

static void
write_labels(FILE *fp, const struct picture *pic, const char *name, const size_t *rows,
    size_t n, const unsigned char *show)
{
	char line[64 + 16 + QUOTED], *p;
	size_t i;

	emb_printf(fp, "%s%s << EOD\n", name, pic->suffix);
	for (i = 0; i < n; i++) {
		p = put_coords(line, pic->v, rows[i]);
		if (show != NULL) {
			uint32_t rgb = pic->c->mode == CM_NONE ? HIGHLIGHT_RGB :
			    colour_row(pic->c, pic->v, rows[i]);
			*p++ = ' ';
			p = put_colour(p, 0, rgb);
		}
		*p++ = ' ';
		if (show != NULL && !show[i])
			p = gp_string_buf(p, "");
		else
			p = put_text(p, pic, rows[i], 0);
		if (show != NULL) {
			*p++ = ' ';
			*p++ = pic->ls.hlside[i] < 0 ? '-' : ' ';
			*p++ = '1';
		}
		*p++ = '\n';
		emb_fwrite(line, p - line, fp);
	}
	emb_printf(fp, "EOD\n");
}

static void
write_arrows(FILE *fp, const struct picture *pic)
{
	const struct view *v = pic->v;
	char line[256], *p;
	double ax, ay, bx, by, len, shrink;
	size_t i;
	int k;

	emb_printf(fp, "$arrows%s << EOD\n", pic->suffix);
	for (i = 0; i < pic->ls.narrows; i++) {
		const float *a = v->p + pic->ls.arrow[i][0] * v->dim;
		const float *b = v->p + pic->ls.arrow[i][1] * v->dim;
		/* stop short of the target's marker, so that the head shows */
		project(v, pic->o, &pic->l, pic->ls.arrow[i][0], &ax, &ay);
		project(v, pic->o, &pic->l, pic->ls.arrow[i][1], &bx, &by);
		len = hypot(bx - ax, by - ay);
		shrink = len > 0 ? 1.2 * pic->l.cw / len : 0;
		shrink = shrink > 0.3 ? 0.3 : shrink;
		p = put_coords(line, v, pic->ls.arrow[i][0]);
		for (k = 0; k < v->dim; k++) {
			*p++ = ' ';
			p += snprintf(p, 32, "%.9g", ((double)b[k] - a[k]) * (1 - shrink));
		}
		*p++ = '\n';
		emb_fwrite(line, p - line, fp);
	}
	emb_printf(fp, "EOD\n");
}

/* Start the next element of the plot command. */
static void
element(FILE *fp, struct picture *pic)
{
	if (pic->nelem++ == 0)
		emb_printf(fp, "%s ", pic->v->dim == 3 ? "splot" : "plot");
	else
		emb_printf(fp, ", \\\n    ");
}

/* "1:2" or "1:2:3", then more columns. */
static void
cols(FILE *fp, const struct picture *pic, int more)
{
	int k, n = pic->v->dim + more;

	emb_printf(fp, "using ");
	for (k = 1; k <= n; k++)
		emb_printf(fp, "%s%d", k > 1 ? ":" : "", k);
}

/* Small squares draw 2.5 times faster than small circles and look the same. */
static const char *
point(const struct picture *pic, int big)
{
	if (pic->o->term->id == T_DUMB)
		return big ? "pt \"O\"" : pic->v->n > 300 ? "pt \".\"" : "pt \"o\"";
	return big || pic->l.ps >= 0.5 ? "pt 7" : "pt 5";
}

static void
plot_command(FILE *fp, struct picture *pic)
{
	const struct opts *o = pic->o;
	const struct colouring *c = pic->c;
	const struct layout *l = &pic->l;
	int dumb = o->term->id == T_DUMB, grey = o->highlight != NULL;
	char buf[TEXTBUF];
	size_t i;
	int side;

	if (o->density) {
		element(fp, pic);
		/*
		 * The canvas terminal would write the image to gp_image_01.png
		 * in the current directory and link it from the page; as
		 * rectangles it is drawn inside the page.
		 */
		emb_printf(fp, "$density%s using 1:2:3 with image%s notitle", pic->suffix,
		    o->term->id == T_HTML ? " pixels" : "");
	}
	if (o->path) {
		element(fp, pic);
		emb_printf(fp, "$points%s ", pic->suffix);
		if (c->mode == CM_VALUE && !grey) {
			cols(fp, pic, 0);
			emb_printf(fp, ":%d with lines lw 0.8 lc rgb variable notitle",
			    pic->colourcol);
		} else {
			cols(fp, pic, 0);
			emb_printf(fp, " with lines lw 0.8 lc rgb \"#%02x808080\" notitle",
			    pic->alpha);
		}
	}
	if (!o->density) {
		element(fp, pic);
		emb_printf(fp, "$points%s ", pic->suffix);
		cols(fp, pic, 0);
		if (pic->colourcol)
			emb_printf(fp, ":%d", pic->colourcol);
		emb_printf(fp, " with points %s ps %.2f lc rgb ", point(pic, 0), l->ps);
		if (pic->colourcol)
			emb_printf(fp, "variable");
		else
			emb_printf(fp, "\"#%02x%06x\"", pic->alpha, grey ? GREY_RGB : 0x1f77b4u);
		emb_printf(fp, " notitle");
	}
	if (c->mode == CM_CLASS)
		for (i = 0; i < c->nclass; i++) {
			element(fp, pic);
			emb_printf(fp, "keyentry with points %s ps 1.5 lc rgb \"#%06x\" title ",
			    point(pic, 1), c->rgb[i]);
			text_clean(buf, sizeof buf, c->name[i], MAX_TEXT, o->term->textflags);
			gp_string(fp, buf);
		}
	if (c->mode == CM_VALUE) {
		element(fp, pic);
		emb_printf(fp, "NaN with points lc palette notitle");
	}
	if (pic->ls.n > 0) {
		element(fp, pic);
		emb_printf(fp, "$labels%s ", pic->suffix);
		cols(fp, pic, 1);
		emb_printf(fp, " with labels left offset char %s noenhanced notitle",
		    dumb ? "1,0" : "0.6,0 font \",8\" tc rgb \"#000000\" boxed");
	}
	if (pic->ls.narrows > 0) {
		element(fp, pic);
		emb_printf(fp, "$arrows%s ", pic->suffix);
		cols(fp, pic, pic->v->dim);
		emb_printf(fp, " with vectors head filled size screen 0.012,20 lw 1.5 lc rgb \"#404040\" notitle");
	}
	if (pic->ls.nhl > 0) {
		element(fp, pic);
		emb_printf(fp, "$highlight%s ", pic->suffix);
		cols(fp, pic, 1);
		emb_printf(fp, " with points %s ps %.2f lc rgb variable notitle", point(pic, 1),
		    dumb ? 1.0 : l->ps < 0.5 ? 1.4 : 1.6);
		for (side = 1; side >= -1; side -= 2) {
			element(fp, pic);
			emb_printf(fp, "$highlight%s using ", pic->suffix);
			for (i = 1; i <= (size_t)pic->v->dim; i++)
				emb_printf(fp, "%zu:", i);
			emb_printf(fp, "($%d %c 0 ? strcol(%d) : \"\") with labels %s offset char %s%s,0%s noenhanced notitle",
			    pic->v->dim + 3, side > 0 ? '>' : '<', pic->v->dim + 2,
			    side > 0 ? "left" : "right", side > 0 ? "" : "-", dumb ? "1" : "0.9",
			    dumb ? "" : " font \",10\" tc rgb \"#000000\" boxed");
		}
	}
	if (pic->hovercol) {
		element(fp, pic);
		emb_printf(fp, "$points%s using ", pic->suffix);
		for (i = 1; i <= (size_t)pic->v->dim; i++)
			emb_printf(fp, "%zu:", i);
		emb_printf(fp, "%d with labels hypertext point %s ps %.2f lc rgb \"#ff000000\" notitle",
		    pic->hovercol, point(pic, 0), l->ps);
	}
	emb_printf(fp, "\n");
}

/*
 * Widen the x range so that the labels of highlighted points and arrow
 * ends fit inside the plot; 1 if it changed.
 */
static int
widen(struct view *v, const struct picture *pic)
{
	const struct layout *l = &pic->l;
	double lo = v->lo[0], hi = v->hi[0], nlo = lo, nhi = hi, x, f;
	char buf[TEXTBUF];
	size_t i;

	for (i = 0; i < pic->ls.nhl; i++) {
		if (!pic->ls.hlshow[i])
			continue;
		text_clean(buf, sizeof buf, emb_label(v->f, pic->ls.hl[i], v->textfield),
		    MAX_TEXT, 0);
		f = (text_width(buf) + 1.5) * l->cw * 1.25 / (l->x1 - l->x0);
		if (f >= 0.4)
			continue;	/* too long to make room for */
		x = v->p[pic->ls.hl[i] * v->dim];
		if (pic->ls.hlside[i] > 0 && lo + (x - lo) / (1 - f) > nhi)
			nhi = lo + (x - lo) / (1 - f);
		if (pic->ls.hlside[i] < 0 && (x - f * hi) / (1 - f) < nlo)
			nlo = (x - f * hi) / (1 - f);
	}
	if (nlo == lo && nhi == hi)
		return 0;
	range_tidy(nlo, nhi, &v->lo[0], &v->hi[0]);
	return 1;
}

void
script_frame(FILE *fp, const struct opts *o, struct view *v,
    const struct colouring *c, const char *title, int frameno)
{
	struct picture pic;
	unsigned long long maxcount = 0;
	char suffix[32] = "", name[48];

	memset(&pic, 0, sizeof pic);
	pic.o = o;
	pic.v = v;
	pic.c = c;
	if (frameno > 0)
		snprintf(suffix, sizeof suffix, "_%d", frameno);
	pic.suffix = suffix;
	layout_init(&pic.l, o, v, c, title != NULL && *title != '\0');
	pic.alpha = o->term->cells ? 0 : (unsigned)lround((1 - pic.l.alpha) * 255);
	labels_select(&pic.ls, o, v, &pic.l);
	if (v->dim == 2 && pic.ls.nhl > 0 && widen(v, &pic)) {
		labels_free(&pic.ls);
		labels_select(&pic.ls, o, v, &pic.l);
	}
	if (!o->density) {
		int col = v->dim + 1;
		if (c->mode != CM_NONE && o->highlight == NULL)
			pic.colourcol = col++;
		if (o->term->hover && v->textfield >= 0)
			pic.hovercol = col++;
	}
	settings(fp, &pic, title);
	if (o->density) {
		snprintf(name, sizeof name, "$density%s", suffix);
		density_write(fp, name, v, &pic.l, o, &maxcount);
		emb_printf(fp, "set cbrange [1:%llu]\n", maxcount > 1 ? maxcount : 2);
	} else {
		write_points(fp, &pic);
	}
	if (pic.ls.n > 0)
		write_labels(fp, &pic, "$labels", pic.ls.rows, pic.ls.n, NULL);
	if (pic.ls.nhl > 0)
		write_labels(fp, &pic, "$highlight", pic.ls.hl, pic.ls.nhl, pic.ls.hlshow);
	if (pic.ls.narrows > 0)
		write_arrows(fp, &pic);
	plot_command(fp, &pic);
	labels_free(&pic.ls);
}
