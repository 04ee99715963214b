/* The heavy-tailed kernel w = (1 + d^2/dof)^-dof and its force term w^((dof+1)/dof). */
#include <math.h>

static inline void
kernel(double d2, double dof, double *w, double *f)
{
	double base = 1 + d2 / dof;

	if (dof == 1) {
		*w = 1 / base;
		*f = *w * *w;
	} else {
		*w = pow(base, -dof);
		*f = *w / base;
	}
}
