/*
 * --density: a 2-D histogram of the points, counted here so that gnuplot
 * draws one image of a few ten thousand cells however many rows there are.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

static int
bins(double extent, int cells)
{
	int n = cells ? (int)extent : (int)(extent / 3);	/* a cell every 3 pixels */

	return n < 10 ? 10 : n > 1000 ? 1000 : n;
}

void
density_write(FILE *fp, const char *name, const struct view *v, const struct layout *l,
    const struct opts *o, unsigned long long *maxcount)
{
	int nx = bins(l->x1 - l->x0, o->term->cells), ny = bins(l->y1 - l->y0, o->term->cells);
	unsigned long long *count = emb_zalloc(emb_mul(nx, ny), sizeof *count), c;
	double wx = v->hi[0] - v->lo[0], wy = v->hi[1] - v->lo[1], x, y;
	size_t i;
	int ix, iy;
	char line[128], *p;

	*maxcount = 0;
	for (i = 0; i < v->n; i++) {
		x = v->p[2 * i];
		y = v->p[2 * i + 1];
		if (!isfinite(x) || !isfinite(y))
			continue;
		ix = (int)floor((x - v->lo[0]) / wx * nx);
		iy = (int)floor((y - v->lo[1]) / wy * ny);
		ix = ix < 0 ? 0 : ix >= nx ? nx - 1 : ix;
		iy = iy < 0 ? 0 : iy >= ny ? ny - 1 : iy;
		c = ++count[(size_t)iy * nx + ix];
		*maxcount = c > *maxcount ? c : *maxcount;
	}
	emb_printf(fp, "%s << EOD\n", name);
	for (iy = 0; iy < ny; iy++) {
		if (iy > 0)
			emb_fwrite("\n", 1, fp);
		for (ix = 0; ix < nx; ix++) {
			p = line + snprintf(line, 64, "%.10g %.10g ",
			    v->lo[0] + (ix + 0.5) * wx / nx, v->lo[1] + (iy + 0.5) * wy / ny);
			c = count[(size_t)iy * nx + ix];
			/* empty cells stay white: NaN is no colour, and log(0) has none */
			p = c ? fmt_uint(p, c) : (char *)memcpy(p, "NaN", 3) + 3;
			*p++ = '\n';
			emb_fwrite(line, p - line, fp);
		}
	}
	emb_printf(fp, "EOD\n");
	free(count);
}
