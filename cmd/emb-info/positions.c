/*
 * --positions: the rows are positions in order.  How alike adjacent rows
 * are, the periods along the rows (a Hann-windowed periodogram of every
 * column, powers summed over the columns), and how much the first principal
 * component follows the row index.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "check.h"

static int
by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
adjacent(struct check *c)
{
	size_t m = c->m, d = c->f->cols, i, j, pairs = 0;
	double s = 0, ab, aa, bb;
	const float *a, *b;

	for (i = 0; i + 1 < m; i++) {
		if (c->rows[i + 1] != c->rows[i] + 1)
			continue;	/* a non-finite row between them */
		a = c->x + i * d;
		b = a + d;
		for (ab = aa = bb = 0, j = 0; j < d; j++) {
			ab += (double)a[j] * b[j];
			aa += (double)a[j] * a[j];
			bb += (double)b[j] * b[j];
		}
		if (aa > 0 && bb > 0) {
			s += ab / sqrt(aa * bb);
			pairs++;
		}
	}
	c->adjacent_cos = pairs ? s / pairs : NAN;
}

/*
 * Peaks: local maxima over bins 2 .. n/2 - 1 holding at least 1% of the
 * power and 8 times the median bin, strongest first.
 */
static void
periods(struct check *c)
{
	size_t d = c->f->cols, n = c->rows[c->m - 1] + 1, nb = n / 2 + 1, i, j, k, np;
	float *in = fftwf_alloc_real(emb_mul(n, d));
	fftwf_complex *out = fftwf_alloc_complex(emb_mul(nb, d));
	double *power = emb_zalloc(nb, sizeof *power), *sorted, total = 0, median, w;
	double *mean = emb_zalloc(d, sizeof *mean);
	size_t cand[CHECK_MAXPEAKS + 1];
	fftwf_plan plan;
	int nn = (int)n;

	if (in == NULL || out == NULL)
		emb_err(NULL, "out of memory");
	/* FFTW_ESTIMATE: the plan, and so the numbers, do not depend on timing */
	plan = fftwf_plan_many_dft_r2c(1, &nn, (int)d, in, NULL, (int)d, 1,
	    out, NULL, (int)d, 1, FFTW_ESTIMATE);
	for (i = 0; i < c->m; i++)
		for (j = 0; j < d; j++)
			mean[j] += c->x[i * d + j];
	for (j = 0; j < d; j++)
		mean[j] /= c->m;
	/* rows not in the sample (not finite) count as the mean */
	for (i = 0; i < n * d; i++)
		in[i] = 0;
	for (i = 0; i < c->m; i++) {
		k = c->rows[i];
		w = n > 1 ? 0.5 - 0.5 * cos(2 * M_PI * k / (n - 1)) : 1;
		for (j = 0; j < d; j++)
			in[k * d + j] = (float)((c->x[i * d + j] - mean[j]) * w);
	}
	fftwf_execute(plan);
	fftwf_destroy_plan(plan);
	for (k = 1; k < nb; k++) {
		for (j = 0; j < d; j++) {
			double re = out[k * d + j][0], im = out[k * d + j][1];
			power[k] += re * re + im * im;
		}
		total += power[k];
	}
	sorted = emb_alloc(nb, sizeof *sorted);
	memcpy(sorted, power + 1, (nb - 1) * sizeof *sorted);
	qsort(sorted, nb - 1, sizeof *sorted, by_double);
	median = sorted[(nb - 1) / 2];
	np = 0;
	for (k = 2; k + 1 < nb && total > 0; k++) {
		if (!(power[k] > power[k - 1] && power[k] >= power[k + 1] &&
		    power[k] >= 0.01 * total && power[k] >= 8 * median))
			continue;
		/* insert by power, keeping the strongest CHECK_MAXPEAKS */
		for (i = np; i > 0 && power[cand[i - 1]] < power[k]; i--)
			cand[i] = cand[i - 1];
		cand[i] = k;
		np += np < CHECK_MAXPEAKS;
	}
	c->npeaks = np;
	c->fft_n = n;
	for (i = 0; i < np; i++) {
		c->peak_bin[i] = cand[i];
		c->peak_share[i] = power[cand[i]] / total;
	}
	free(sorted);
	free(mean);
	free(power);
	fftwf_free(out);
	fftwf_free(in);
}

/* |Pearson correlation| of the row index and the score on the first component. */
static void
pc1_index(struct check *c)
{
	size_t m = c->m, i;
	double mi = 0, ms = 0, sii = 0, sss = 0, sis = 0, a, b;

	if (c->pc1 == NULL || m < 3) {
		c->pc1_index = NAN;
		return;
	}
	for (i = 0; i < m; i++) {
		mi += c->rows[i];
		ms += c->pc1[i];
	}
	mi /= m;
	ms /= m;
	for (i = 0; i < m; i++) {
		a = c->rows[i] - mi;
		b = c->pc1[i] - ms;
		sii += a * a;
		sss += b * b;
		sis += a * b;
	}
	c->pc1_index = sii > 0 && sss > 0 ? fabs(sis) / sqrt(sii * sss) : NAN;
}

void
positions(struct check *c, const struct check_opts *o)
{
	(void)o;
	adjacent(c);
	pc1_index(c);
	if (c->m >= 2 && c->rows[c->m - 1] + 1 >= 6)
		periods(c);
}
