/* --center and --normalize, summing in double as numpy and sklearn do. */
#include <math.h>
#include <stdlib.h>

#include "extract.h"

void
center_columns(struct emb_frame *f)
{
	double *mean;
	size_t i, k;

	if (f->rows == 0)
		return;
	mean = emb_zalloc(f->cols, sizeof *mean);
	for (i = 0; i < f->rows; i++)
		for (k = 0; k < f->cols; k++)
			mean[k] += f->data[i * f->cols + k];
	for (k = 0; k < f->cols; k++)
		mean[k] /= (double)f->rows;
	for (i = 0; i < f->rows; i++)
		for (k = 0; k < f->cols; k++)
			f->data[i * f->cols + k] =
			    (float)(f->data[i * f->cols + k] - mean[k]);
	free(mean);
}

/* Unit L2 norm; a row of zeros stays zeros, as sklearn's normalize leaves it. */
void
normalize_rows(float *v, size_t rows, size_t cols)
{
	size_t i, k;
	double s;

	for (i = 0; i < rows; i++, v += cols) {
		s = 0;
		for (k = 0; k < cols; k++)
			s += (double)v[k] * v[k];
		if (s == 0 || !isfinite(s))
			continue;
		s = 1 / sqrt(s);
		for (k = 0; k < cols; k++)
			v[k] = (float)(v[k] * s);
	}
}
