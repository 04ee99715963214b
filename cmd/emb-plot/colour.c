/*
 * Colour by a label field: classes with a legend, or a numeric field (or
 * the row index) through a continuous palette with a colour box.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

#define BASE_RGB	0x1f77b4u
#define OTHER_RGB	0xc8c8c8u
#define MISSING_RGB	0xb0b0b0u

/* matplotlib's tab10, then the light halves of tab20 */
static const uint32_t classrgb[MAX_CLASSES] = {
	0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
	0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
	0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5,
	0xc49c94, 0xf7b6d2, 0xc7c7c7, 0xdbdb8d, 0x9edae5,
};

/* viridis at 0, 1/16, ..., 1; the script's palette uses the same stops */
const char *const viridis[17] = {
	"#440154", "#48186a", "#472d7b", "#424086", "#3b528b", "#33638d",
	"#2c728e", "#26828e", "#21918c", "#1fa088", "#28ae80", "#3fbc73",
	"#5ec962", "#84d44b", "#addc30", "#d8e219", "#fde725",
};

struct classtab {
	size_t		 cap, n;
	size_t		*slot;		/* entry + 1; 0: empty */
	char		**key;
	size_t		*count;
	size_t		*first;		/* row of first appearance */
	size_t		*legend;	/* entry -> legend index */
};

static uint64_t
hash(const char *s)
{
	return emb_hash(s, strlen(s));
}

static size_t
tab_find(const struct classtab *t, const char *s, uint64_t h)
{
	size_t i = h & (t->cap - 1);

	while (t->slot[i] != 0 && strcmp(t->key[t->slot[i] - 1], s) != 0)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static void
tab_grow(struct classtab *t)
{
	size_t *old = t->slot, oldcap = t->cap, i;

	t->cap = oldcap ? oldcap * 2 : 256;
	t->slot = emb_zalloc(t->cap, sizeof *t->slot);
	for (i = 0; i < oldcap; i++)
		if (old[i] != 0)
			t->slot[tab_find(t, t->key[old[i] - 1], hash(t->key[old[i] - 1]))] = old[i];
	free(old);
	t->key = emb_realloc(t->key, t->cap, sizeof *t->key);
	t->count = emb_realloc(t->count, t->cap, sizeof *t->count);
	t->first = emb_realloc(t->first, t->cap, sizeof *t->first);
}

static void
tab_add(struct classtab *t, const char *s, size_t row)
{
	size_t i;
	uint64_t h = hash(s);

	if (2 * (t->n + 1) > t->cap)
		tab_grow(t);
	i = tab_find(t, s, h);
	if (t->slot[i] == 0) {
		t->key[t->n] = emb_strdup(s);
		t->count[t->n] = 0;
		t->first[t->n] = row;
		t->slot[i] = ++t->n;
	}
	t->count[t->slot[i] - 1]++;
}

/* The entry of s, or -1. */
static long
tab_get(const struct classtab *t, const char *s)
{
	size_t i = tab_find(t, s, hash(s));

	return t->slot[i] ? (long)t->slot[i] - 1 : -1;
}

/* A whole finite number, as a numeric field holds; "" is a missing value. */
static int
number(const char *s, double *v)
{
	char *end;

	if (*s == '\0')
		return 0;
	*v = strtod(s, &end);
	while (*end == ' ')
		end++;
	return end != s && *end == '\0' && isfinite(*v);
}

static const struct classtab *sort_tab;
static int sort_numeric;

static int
by_count(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (sort_tab->count[i] != sort_tab->count[j])
		return sort_tab->count[i] > sort_tab->count[j] ? -1 : 1;
	return sort_tab->first[i] < sort_tab->first[j] ? -1 : 1;
}

static int
by_name(const void *a, const void *b)
{
	const char *s = sort_tab->key[*(const size_t *)a];
	const char *t = sort_tab->key[*(const size_t *)b];
	double x, y;

	if (sort_numeric && number(s, &x) && number(t, &y) && x != y)
		return x < y ? -1 : 1;
	return strcmp(s, t);
}

/* An error naming the label fields there are. */
void
no_field(const char *opt, const struct emb_frame *f, const char *name)
{
	char msg[1024];
	size_t i, n;

	if (f->nfields == 0)
		safe_err("%s", "the points have no labels");
	n = snprintf(msg, sizeof msg, "%s %s: no such label field (the fields are", opt, name);
	for (i = 0; i < f->nfields && n + 2 < sizeof msg; i++)
		n += snprintf(msg + n, sizeof msg - n, "%s %s", i ? "," : ":",
		    f->fieldnames[i]);
	if (n + 2 < sizeof msg)
		snprintf(msg + n, sizeof msg - n, ")");
	safe_err("%s", msg);
}

static void
setup_classes(struct colouring *c, struct classtab *t, int numeric)
{
	size_t *order = emb_alloc(t->n, sizeof *order), i, shown;

	for (i = 0; i < t->n; i++)
		order[i] = i;
	sort_tab = t;
	sort_numeric = numeric;
	shown = t->n;
	if (t->n > MAX_CLASSES) {
		qsort(order, t->n, sizeof *order, by_count);
		shown = MAX_CLASSES - 1;
	}
	qsort(order, shown, sizeof *order, by_name);
	t->legend = emb_alloc(t->n, sizeof *t->legend);
	for (i = 0; i < t->n; i++)
		t->legend[order[i]] = i < shown ? i : shown;
	c->nclass = shown + (shown < t->n);
	c->folded = t->n - shown;
	c->name = emb_alloc(c->nclass, sizeof *c->name);
	c->rgb = emb_alloc(c->nclass, sizeof *c->rgb);
	for (i = 0; i < shown; i++) {
		c->name[i] = emb_strdup(*t->key[order[i]] ? t->key[order[i]] : "(empty)");
		c->rgb[i] = classrgb[i];
	}
	if (c->folded > 0) {
		char buf[64];
		snprintf(buf, sizeof buf, "other (%zu classes)", c->folded);
		c->name[shown] = emb_strdup(buf);
		c->rgb[shown] = OTHER_RGB;
	}
	free(order);
}

void
colour_setup(struct colouring *c, const struct opts *o, const struct emb_frame *f)
{
	struct classtab *t;
	size_t i, nnum = 0;
	int numeric = 1;
	double v;

	memset(c, 0, sizeof *c);
	c->mode = CM_NONE;
	if (o->colour == NULL)
		return;
	c->field = o->colour;
	c->fieldno = emb_field_index(f, o->colour);
	if (c->fieldno < 0 && strcmp(o->colour, "row") == 0) {
		c->mode = CM_VALUE;
		c->lo = 0;
		c->hi = f->rows > 1 ? (double)(f->rows - 1) : 1;
		return;
	}
	if (c->fieldno < 0)
		no_field("-c", f, o->colour);
	c->tab = t = emb_zalloc(1, sizeof *t);
	for (i = 0; i < f->rows; i++)
		tab_add(t, emb_label(f, i, c->fieldno), i);
	c->lo = INFINITY;
	c->hi = -INFINITY;
	for (i = 0; i < t->n && numeric; i++) {
		if (*t->key[i] == '\0')
			continue;
		if (!number(t->key[i], &v)) {
			numeric = 0;
			break;
		}
		nnum++;
		c->lo = v < c->lo ? v : c->lo;
		c->hi = v > c->hi ? v : c->hi;
	}
	if (numeric && nnum > MAX_CLASSES) {
		c->mode = CM_VALUE;
		if (c->hi == c->lo)
			c->hi = c->lo + 1;
		return;
	}
	c->mode = CM_CLASS;
	setup_classes(c, t, numeric && nnum > 0);
}

static uint32_t
palette(double t)
{
	static uint32_t stop[17];
	double x = (t < 0 ? 0 : t > 1 ? 1 : t) * 16, f;
	int i = (int)x, k;
	uint32_t rgb = 0, a, b;

	if (stop[0] == 0)
		for (k = 0; k < 17; k++)
			stop[k] = strtoul(viridis[k] + 1, NULL, 16);
	if (i >= 16)
		i = 15;
	f = x - i;
	a = stop[i];
	b = stop[i + 1];
	for (k = 16; k >= 0; k -= 8) {
		double ca = a >> k & 0xFF, cb = b >> k & 0xFF;
		rgb |= (uint32_t)lround(ca + (cb - ca) * f) << k;
	}
	return rgb;
}

/* The colour of a row (0xRRGGBB). */
uint32_t
colour_row(const struct colouring *c, const struct view *v, size_t row)
{
	const char *s;
	double x;
	long e;

	switch (c->mode) {
	case CM_NONE:
		return BASE_RGB;
	case CM_CLASS:
		if (v->cfield < 0)
			return OTHER_RGB;
		e = tab_get(c->tab, emb_label(v->f, row, v->cfield));
		return e < 0 ? OTHER_RGB : c->rgb[c->tab->legend[e]];
	case CM_VALUE:
		if (c->fieldno < 0) {
			x = (double)row;
		} else {
			if (v->cfield < 0)
				return MISSING_RGB;
			s = emb_label(v->f, row, v->cfield);
			if (!number(s, &x))
				return MISSING_RGB;
		}
		return palette((x - c->lo) / (c->hi - c->lo));
	}
	return BASE_RGB;
}

void
colour_free(struct colouring *c)
{
	size_t i;

	for (i = 0; i < c->nclass; i++)
		free(c->name[i]);
	free(c->name);
	free(c->rgb);
	if (c->tab != NULL) {
		for (i = 0; i < c->tab->n; i++)
			free(c->tab->key[i]);
		free(c->tab->key);
		free(c->tab->slot);
		free(c->tab->count);
		free(c->tab->first);
		free(c->tab->legend);
		free(c->tab);
	}
	memset(c, 0, sizeof *c);
}
