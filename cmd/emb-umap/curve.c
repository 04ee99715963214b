/*
 * The curve 1 / (1 + a d^2b) that the layout fits to the target membership
 * of points d apart: 1 up to min_dist, then exp(-(d - min_dist) / spread).
 * As umap-learn's find_ab_params: least squares on 300 points of
 * [0, 3 spread], from a = b = 1, here by Levenberg-Marquardt.
 */
#include <math.h>

#include "umap.h"

#define GRID	300

static double
sse(const double *x, const double *y, double a, double b)
{
	double s = 0, r;
	int i;

	for (i = 0; i < GRID; i++) {
		r = 1 / (1 + a * pow(x[i], 2 * b)) - y[i];
		s += r * r;
	}
	return s;
}

void
fit_ab(double spread, double min_dist, double *pa, double *pb)
{
	double x[GRID], y[GRID], a = 1, b = 1, lambda = 1e-3, cur;
	int i, it;

	for (i = 0; i < GRID; i++) {
		x[i] = 3 * spread * i / (GRID - 1);
		y[i] = x[i] < min_dist ? 1 : exp(-(x[i] - min_dist) / spread);
	}
	cur = sse(x, y, a, b);
	for (it = 0; it < 10000; it++) {
		double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0, da, db, det, na, nb, s;

		for (i = 1; i < GRID; i++) {	/* x = 0 adds nothing to either */
			double p = pow(x[i], 2 * b), q = 1 + a * p, f = 1 / q;
			double fa = -p / (q * q), fb = -a * p * 2 * log(x[i]) / (q * q);
			double r = f - y[i];

			jaa += fa * fa;
			jab += fa * fb;
			jbb += fb * fb;
			ga += fa * r;
			gb += fb * r;
		}
		for (;;) {
			double A = jaa * (1 + lambda), B = jbb * (1 + lambda);

			det = A * B - jab * jab;
			da = -(B * ga - jab * gb) / det;
			db = -(A * gb - jab * ga) / det;
			na = a + da;
			nb = b + db;
			s = sse(x, y, na, nb);
			if (s <= cur || lambda > 1e10)
				break;
			lambda *= 10;
		}
		if (s > cur)
			break;
		a = na;
		b = nb;
		lambda = fmax(lambda / 10, 1e-12);
		if (cur - s <= 1e-15 * cur && fabs(da) < 1e-12 * fabs(a) &&
		    fabs(db) < 1e-12 * fabs(b))
			break;
		cur = s;
	}
	*pa = a;
	*pb = b;
}
