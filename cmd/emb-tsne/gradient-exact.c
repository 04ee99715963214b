/* Exact repulsion, every pair: O(n^2), for small inputs and for checking. */
#include <stdlib.h>

#include "tsne.h"
#include "kernel.h"

double
repulsion_exact(const float *Y, size_t n, size_t dims, double dof, float *R)
{
	double *z = emb_alloc(n ? n : 1, sizeof *z), Z = 0;
	size_t i;

#pragma omp parallel for schedule(dynamic, 16)
	for (i = 0; i < n; i++) {
		double acc[3] = { 0, 0, 0 }, s = 0, w, f, d2, x[3];
		size_t j, c;

		for (j = 0; j < n; j++) {
			if (j == i)
				continue;
			d2 = 0;
			for (c = 0; c < dims; c++) {
				x[c] = (double)Y[i * dims + c] - Y[j * dims + c];
				d2 += x[c] * x[c];
			}
			kernel(d2, dof, &w, &f);
			s += w;
			for (c = 0; c < dims; c++)
				acc[c] += f * x[c];
		}
		z[i] = s;
		for (c = 0; c < dims; c++)
			R[i * dims + c] = (float)acc[c];
	}
	for (i = 0; i < n; i++)
		Z += z[i];
	free(z);
	return Z;
}
