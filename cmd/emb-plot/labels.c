/*
 * Which points get a text label.  Highlighted points and the ends of
 * arrows always do; then the rows asked for with -L and --label-match, in
 * row order, each only if its text would not overlap a label already placed.
 * As in TensorBoard's projector, placed labels are kept in a grid of cells so
 * that each test looks at a few neighbours only.
 */
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

struct box {
	double x0, y0, x1, y1;
};

struct grid {
	double		 cw, ch;	/* cell size */
	int		 nx, ny;
	size_t		**cell;		/* box indices in each cell */
	size_t		*len, *cap;
	struct box	*box;
	size_t		 nbox, boxcap;
};

/* Where gnuplot should draw a row, in the layout's device units. */
void
project(const struct view *v, const struct opts *o, const struct layout *l,
    size_t row, double *px, double *py)
{
	const float *p = v->p + row * v->dim;
	double u[3], c, s, ct, st, sx, sy;
	int k;

	for (k = 0; k < v->dim; k++)
		u[k] = (p[k] - v->lo[k]) / (v->hi[k] - v->lo[k]);
	if (v->dim == 2) {
		*px = l->x0 + u[0] * (l->x1 - l->x0);
		*py = l->y0 + u[1] * (l->y1 - l->y0);
		return;
	}
	/* gnuplot's view: rotate about z by ROT, then about x by TILT, scale 4/7 */
	for (k = 0; k < 3; k++)
		u[k] = 2 * u[k] - 1;
	c = cos(o->rot * M_PI / 180);
	s = sin(o->rot * M_PI / 180);
	ct = cos(o->tilt * M_PI / 180);
	st = sin(o->tilt * M_PI / 180);
	sx = u[0] * c + u[1] * s;
	sy = -u[0] * s * ct + u[1] * c * ct + u[2] * st;
	*px = (l->x0 + l->x1) / 2 + 0.5 * sx * (l->x1 - l->x0) * 4 / 7;
	*py = (l->y0 + l->y1) / 2 + 0.5 * sy * (l->y1 - l->y0) * 4 / 7;
}

static int
finite_row(const struct view *v, size_t row)
{
	int k;

	for (k = 0; k < v->dim; k++)
		if (!isfinite(v->p[row * v->dim + k]))
			return 0;
	return 1;
}

static void
grid_init(struct grid *g, const struct layout *l)
{
	memset(g, 0, sizeof *g);
	g->cw = 8 * l->cw;
	g->ch = 2 * l->ch;
	g->nx = (int)ceil(l->w / g->cw) + 1;
	g->ny = (int)ceil(l->h / g->ch) + 1;
	g->cell = emb_zalloc(emb_mul(g->nx, g->ny), sizeof *g->cell);
	g->len = emb_zalloc(emb_mul(g->nx, g->ny), sizeof *g->len);
	g->cap = emb_zalloc(emb_mul(g->nx, g->ny), sizeof *g->cap);
}

static void
grid_free(struct grid *g)
{
	size_t i;

	for (i = 0; i < (size_t)g->nx * g->ny; i++)
		free(g->cell[i]);
	free(g->cell);
	free(g->len);
	free(g->cap);
	free(g->box);
}

static int
cellno(double v, double size, int n)
{
	int i = (int)floor(v / size);

	return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* Add b unless (check) it overlaps a box already there; 1: added. */
static int
grid_place(struct grid *g, const struct box *b, int check)
{
	int cx0 = cellno(b->x0, g->cw, g->nx), cx1 = cellno(b->x1, g->cw, g->nx);
	int cy0 = cellno(b->y0, g->ch, g->ny), cy1 = cellno(b->y1, g->ch, g->ny);
	int x, y;
	size_t i, c;

	if (check)
		for (y = cy0; y <= cy1; y++)
			for (x = cx0; x <= cx1; x++) {
				c = (size_t)y * g->nx + x;
				for (i = 0; i < g->len[c]; i++) {
					const struct box *o = &g->box[g->cell[c][i]];
					if (b->x0 < o->x1 && o->x0 < b->x1 &&
					    b->y0 < o->y1 && o->y0 < b->y1)
						return 0;
				}
			}
	if (g->nbox == g->boxcap) {
		g->boxcap = g->boxcap ? 2 * g->boxcap : 256;
		g->box = emb_realloc(g->box, g->boxcap, sizeof *g->box);
	}
	g->box[g->nbox] = *b;
	for (y = cy0; y <= cy1; y++)
		for (x = cx0; x <= cx1; x++) {
			c = (size_t)y * g->nx + x;
			if (g->len[c] == g->cap[c]) {
				g->cap[c] = g->cap[c] ? 2 * g->cap[c] : 4;
				g->cell[c] = emb_realloc(g->cell[c], g->cap[c], sizeof **g->cell);
			}
			g->cell[c][g->len[c]++] = g->nbox;
		}
	g->nbox++;
	return 1;
}

/* The box a row's label covers: beside the point, right (side > 0) or left. */
static void
label_box(const struct view *v, const struct opts *o, const struct layout *l,
    size_t row, double scale, int side, struct box *b)
{
	char buf[4 * MAX_TEXT + 8];
	double px, py, cw = l->cw * scale, ch = l->ch * scale, w;

	text_clean(buf, sizeof buf, emb_label(v->f, row, v->textfield), MAX_TEXT, 0);
	project(v, o, l, row, &px, &py);
	w = (text_width(buf) + 0.6) * cw;
	b->x0 = side > 0 ? px : px - w;
	b->x1 = side > 0 ? px + w : px;
	b->y0 = py - ch / 2;
	b->y1 = py + ch / 2;
}

static void
push(size_t **rows, size_t *n, size_t *cap, size_t row)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*rows = emb_realloc(*rows, *cap, sizeof **rows);
	}
	(*rows)[(*n)++] = row;
}

static void
compile(regex_t *re, const char *pat, const char *opt)
{
	char msg[256];
	int e;

	if ((e = regcomp(re, pat, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(e, re, msg, sizeof msg);
		emb_err(NULL, "%s: bad regular expression: %s", opt, msg);
	}
}

/* The first row whose text is name. */
static size_t
find_row(const struct view *v, const char *name, size_t len)
{
	size_t i;
	const char *s;

	for (i = 0; i < v->n; i++) {
		s = emb_label(v->f, i, v->textfield);
		if (strncmp(s, name, len) == 0 && s[len] == '\0')
			return i;
	}
	name = emb_strndup(name, len);
	safe_err("--arrows: no point is labelled '%s'", name);
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* "man>king,woman>queen" */
static void
parse_arrows(struct labelset *ls, const struct view *v, const char *spec)
{
	const char *p = spec, *end, *gt, *a, *b;
	size_t cap = 0, alen, blen;

	for (;;) {
		end = p + strcspn(p, ",");
		gt = memchr(p, '>', end - p);
		if (gt == NULL)
			emb_err(NULL, "--arrows: '%s' is not FROM>TO",
			    emb_quote_n(p, end - p > 60 ? 60 : (size_t)(end - p)));
		a = p;
		alen = gt - p;
		b = gt + 1;
		blen = end - b;
		trim(&a, &alen);
		trim(&b, &blen);
		if (alen == 0 || blen == 0 || memchr(b, '>', blen) != NULL)
			emb_err(NULL, "--arrows: '%s' is not FROM>TO",
			    emb_quote_n(p, end - p > 60 ? 60 : (size_t)(end - p)));
		if (ls->narrows == cap) {
			cap = cap ? 2 * cap : 8;
			ls->arrow = emb_realloc(ls->arrow, cap, sizeof *ls->arrow);
		}
		ls->arrow[ls->narrows][0] = find_row(v, a, alen);
		ls->arrow[ls->narrows][1] = find_row(v, b, blen);
		ls->narrows++;
		if (*end == '\0')
			break;
		p = end + 1;
	}
}

void
labels_select(struct labelset *ls, const struct opts *o, const struct view *v,
    const struct layout *l)
{
	regex_t hl, match;
	struct grid g;
	struct box b;
	size_t i, cap = 0, hcap = 0, limit, scan;
	unsigned char *forced;
	signed char *side;

	memset(ls, 0, sizeof *ls);
	if (v->textfield < 0)
		return;
	forced = emb_zalloc(v->n ? v->n : 1, 1);
	if (o->highlight != NULL) {
		compile(&hl, o->highlight, "--highlight");
		for (i = 0; i < v->n; i++)
			if (regexec(&hl, emb_label(v->f, i, v->textfield), 0, NULL, 0) == 0)
				forced[i] = 1;
		regfree(&hl);
	}
	if (o->arrows != NULL) {
		parse_arrows(ls, v, o->arrows);
		for (i = 0; i < ls->narrows; i++)
			forced[ls->arrow[i][0]] = forced[ls->arrow[i][1]] = 2;
	}
	/*
	 * Arrow ends are always labelled, on the side away from the arrow;
	 * highlighted points unless labels would overlap, on the left when
	 * the right would run off the picture.
	 */
	side = emb_zalloc(v->n ? v->n : 1, 1);
	for (i = 0; i < ls->narrows; i++) {
		size_t a = ls->arrow[i][0], z = ls->arrow[i][1];
		double ax, ay, zx, zy;
		if (!finite_row(v, a) || !finite_row(v, z))
			continue;
		project(v, o, l, a, &ax, &ay);
		project(v, o, l, z, &zx, &zy);
		if (side[a] == 0)
			side[a] = zx > ax ? -1 : 1;
		if (side[z] == 0)
			side[z] = ax > zx ? -1 : 1;
	}
	grid_init(&g, l);
	for (i = 0; i < v->n; i++)
		if (forced[i] == 2 && finite_row(v, i)) {
			if (side[i] == 0)
				side[i] = 1;	/* its arrow has a non-finite end */
			label_box(v, o, l, i, 1.25, side[i], &b);
			if (b.x1 > l->xmax || b.x0 < 0) {
				side[i] = -side[i];
				label_box(v, o, l, i, 1.25, side[i], &b);
			}
			grid_place(&g, &b, 0);
		}
	for (i = 0; i < v->n; i++) {
		if (!forced[i] || !finite_row(v, i))
			continue;
		if (ls->nhl == hcap) {
			hcap = hcap ? 2 * hcap : 64;
			ls->hl = emb_realloc(ls->hl, hcap, sizeof *ls->hl);
			ls->hlshow = emb_realloc(ls->hlshow, hcap, 1);
			ls->hlside = emb_realloc(ls->hlside, hcap, 1);
		}
		ls->hlshow[ls->nhl] = 1;
		if (forced[i] == 1) {
			label_box(v, o, l, i, 1.25, 1, &b);
			side[i] = 1;
			if (b.x1 > l->xmax) {
				label_box(v, o, l, i, 1.25, -1, &b);
				side[i] = -1;
			}
			ls->hlshow[ls->nhl] = grid_place(&g, &b, !o->all_labels);
		}
		ls->hlside[ls->nhl] = side[i];
		ls->hl[ls->nhl++] = i;
	}
	if (o->label_match != NULL)
		compile(&match, o->label_match, "--label-match");
	limit = o->nlabels < 0 ? 0 : (unsigned long long)o->nlabels > v->n ? v->n :
	    (size_t)o->nlabels;
	scan = o->label_match != NULL ? v->n : limit;
	for (i = 0; i < scan; i++) {
		if (i >= limit && (o->label_match == NULL ||
		    regexec(&match, emb_label(v->f, i, v->textfield), 0, NULL, 0) != 0))
			continue;
		if (forced[i] || !finite_row(v, i))
			continue;
		if (!o->all_labels) {
			label_box(v, o, l, i, 1, 1, &b);
			if (b.x1 > l->xmax || !grid_place(&g, &b, 1))
				continue;	/* it would be cut off, or overlap */
		}
		push(&ls->rows, &ls->n, &cap, i);
	}
	if (o->label_match != NULL)
		regfree(&match);
	grid_free(&g);
	free(forced);
	free(side);
}

void
labels_free(struct labelset *ls)
{
	free(ls->rows);
	free(ls->hl);
	free(ls->hlshow);
	free(ls->hlside);
	free(ls->arrow);
	memset(ls, 0, sizeof *ls);
}
