/* Terminals: their names, sizes, and the layout emb-plot expects of them. */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "plot.h"

static const struct term terms[] = {
	{ "dumb",  "dumb",     T_DUMB,  1, 0, 1,  80,  24, 0 },
	{ "gif",   "gif",      T_GIF,   1, 0, 0, 800, 600, 0 },
	{ "html",  "canvas",   T_HTML,  1, 1, 0, 800, 600, TEXT_HTML },
	{ "pdf",   "pdfcairo", T_PDF,   1, 0, 0, 576, 432, 0 },
	{ "png",   "pngcairo", T_PNG,   1, 0, 0, 800, 600, 0 },
	{ "qt",    "qt",       T_QT,    0, 0, 0, 800, 600, 0 },
	{ "sixel", "sixelgd",  T_SIXEL, 1, 0, 0, 800, 600, 0 },
	{ "svg",   "svg",      T_SVG,   1, 1, 0, 800, 600, TEXT_SVG },
	{ "wxt",   "wxt",      T_WXT,   0, 0, 0, 800, 600, 0 },
	{ "x11",   "x11",      T_X11,   0, 0, 0, 800, 600, 0 },
};

const struct term *
term_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof terms / sizeof terms[0]; i++)
		if (strcmp(terms[i].name, name) == 0)
			return &terms[i];
	return NULL;
}

/* The terminal that makes files like path, or NULL. */
const struct term *
term_for_file(const char *path)
{
	static const struct { const char *ext, *term; } ext[] = {
		{ ".png", "png" }, { ".svg", "svg" }, { ".pdf", "pdf" },
		{ ".html", "html" }, { ".htm", "html" }, { ".gif", "gif" },
		{ ".txt", "dumb" }, { ".six", "sixel" }, { ".sixel", "sixel" },
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return NULL;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (strcasecmp(dot, ext[i].ext) == 0)
			return term_find(ext[i].term);
	return NULL;
}

static int
env_size(const char *name)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return 0;
	v = strtol(s, &end, 10);
	return *end == '\0' && v > 0 && v < 100000 ? (int)v : 0;
}

static int
tty_size(int *cols, int *lines)
{
	struct winsize ws;
	int fds[] = { 2, 1 }, fd;
	size_t i;

	for (i = 0; i < 2; i++)
		if (ioctl(fds[i], TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
			goto found;
	if ((fd = open("/dev/tty", O_RDONLY | O_NOCTTY)) < 0)
		return 0;
	i = ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0;
	close(fd);
	if (!i)
		return 0;
found:
	*cols = ws.ws_col;
	*lines = ws.ws_row;
	return 1;
}

/*
 * Without -s: the terminal's default, and for dumb the size of the user's
 * terminal (COLUMNS and LINES, else the terminal on stderr), one line short
 * so that the shell prompt does not push the top line away.
 */
void
term_size(struct opts *o)
{
	int cols = env_size("COLUMNS"), lines = env_size("LINES");

	if (o->width > 0)
		return;
	o->width = o->term->defw;
	o->height = o->term->defh;
	if (!o->term->cells)
		return;
	if (cols == 0 || lines == 0) {
		int c, l;
		if (tty_size(&c, &l)) {
			cols = cols ? cols : c;
			lines = lines ? lines : l;
		}
	}
	if (cols > 0)
		o->width = cols < 20 ? 20 : cols > 1000 ? 1000 : cols;
	if (lines > 0)
		o->height = lines - 1 < 10 ? 10 : lines - 1 > 1000 ? 1000 : lines - 1;
}

static double
clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static size_t
legend_chars(const struct colouring *c)
{
	char buf[4 * MAX_TEXT + 8];
	size_t i, w, most = 0;

	for (i = 0; i < c->nclass; i++) {
		text_clean(buf, sizeof buf, c->name[i], MAX_TEXT, 0);
		w = text_width(buf);
		most = w > most ? w : most;
	}
	return most;
}

/*
 * Where gnuplot will put the plot area, near enough for label overlap
 * removal: margins for tic labels, title, and a legend or colour box.
 */
void
layout_init(struct layout *l, const struct opts *o, const struct view *v,
    const struct colouring *c, int has_title)
{
	double em, cw, lh, right;
	double n = v->n > 0 ? (double)v->n : 1;

	l->w = o->width;
	l->h = o->height;
	l->fontsize = 10;
	l->labelsize = 8;
	switch (o->term->id) {
	case T_DUMB:
		em = 1;
		break;
	case T_PDF:
	case T_SVG:
	case T_HTML:
		em = 1;		/* points are device units */
		break;
	default:
		em = 4.0 / 3;	/* cairo and gd render at 96 dpi */
		break;
	}
	if (o->term->cells) {
		cw = 1;
		lh = 1;
		l->cw = 1;
		l->ch = 1;
	} else {
		cw = 0.6 * l->fontsize * em;
		lh = 1.25 * l->fontsize * em;
		l->cw = 0.6 * l->labelsize * em;
		l->ch = 1.25 * l->labelsize * em;
	}
	right = 2 * cw;
	if (c->mode == CM_CLASS)
		right += (legend_chars(c) + 6) * cw;
	else if (c->mode == CM_VALUE || o->density)
		right += 10 * cw;
	l->x0 = 9 * cw;
	l->x1 = l->w - right;
	l->y0 = 2.5 * lh;
	l->y1 = l->h - (has_title ? 2.5 : 1) * lh;
	if (l->x1 < l->x0 + 10)
		l->x1 = l->x0 + 10;
	if (l->y1 < l->y0 + 5)
		l->y1 = l->y0 + 5;
	/* not into a legend or colour box */
	l->xmax = c->mode != CM_NONE || o->density ? l->x1 + 2 * cw : l->w;
	/* Many points: smaller and see-through, so that dense regions still show structure. */
	l->ps = clamp(2.5 / pow(n, 0.2), 0.25, 1.0);
	l->alpha = clamp(sqrt(3000 / n), 0.3, 1.0);
}
