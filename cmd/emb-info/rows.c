/*
 * The whole frame's rows: counts of non-finite, all-zero and duplicate rows,
 * row norms; then the sample the other statistics are computed on.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

struct keyed {
	uint64_t	 hash;
	size_t		 row;
};

static int
by_hash(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

static int
finite_row(const float *x, size_t d)
{
	size_t j;

	for (j = 0; j < d; j++)
		if (!isfinite(x[j]))
			return 0;
	return 1;
}

/* The hash of a row in which -0 and +0 are the same value. */
static uint64_t
row_hash(const float *x, size_t d, float *tmp)
{
	size_t j;

	for (j = 0; j < d; j++)
		tmp[j] = x[j] == 0 ? 0.0f : x[j];
	return emb_hash(tmp, d * sizeof *tmp);
}

static int
same_row(const float *a, const float *b, size_t d)
{
	size_t j;

	for (j = 0; j < d; j++)
		if (a[j] != b[j])
			return 0;
	return 1;
}

/* Rows equal to an earlier finite row, by value. */
static void
duplicates(struct check *c, const struct emb_frame *f, const unsigned char *fin)
{
	size_t n = f->rows, d = f->cols, i, j, r, nk = 0, first;
	struct keyed *k = emb_alloc(n, sizeof *k);
	float *tmp = emb_alloc(d, sizeof *tmp);
	size_t *copy_of = emb_alloc(n, sizeof *copy_of);	/* n: not a duplicate */
	unsigned char *firsts = emb_zalloc(n, 1);

	for (i = 0; i < n; i++) {
		copy_of[i] = n;
		if (fin[i]) {
			k[nk].hash = row_hash(f->data + i * d, d, tmp);
			k[nk++].row = i;
		}
	}
	qsort(k, nk, sizeof *k, by_hash);
	for (i = 0; i < nk; i = r) {
		for (r = i + 1; r < nk && k[r].hash == k[i].hash; r++)
			;
		/* a run longer than one is nearly always one row many times */
		for (j = i + 1; j < r; j++)
			for (first = i; first < j; first++)
				if (copy_of[k[first].row] == n && same_row(f->data +
				    k[first].row * d, f->data + k[j].row * d, d)) {
					copy_of[k[j].row] = k[first].row;
					c->dup++;
					c->dupgroups += !firsts[k[first].row];
					firsts[k[first].row] = 1;
					break;
				}
	}
	for (i = 0; i < n && c->nex_dup < CHECK_EXAMPLES; i++)
		if (copy_of[i] < n) {
			c->ex_dup[c->nex_dup][0] = i;
			c->ex_dup[c->nex_dup++][1] = copy_of[i];
		}
	free(firsts);
	free(copy_of);
	free(tmp);
	free(k);
}

void
rows_scan(struct check *c, const struct emb_frame *f)
{
	size_t n = f->rows, d = f->cols, i, j, nfin = 0;
	unsigned char *fin = emb_alloc(n, 1);
	double s, sum = 0, sum2 = 0;
	const float *x;

	c->f = f;
	for (i = 0; i < n; i++) {
		x = f->data + i * d;
		if (!(fin[i] = finite_row(x, d))) {
			if (c->nex_nonfinite < CHECK_EXAMPLES)
				c->ex_nonfinite[c->nex_nonfinite++] = i;
			c->nonfinite++;
			continue;
		}
		for (s = 0, j = 0; j < d; j++)
			s += (double)x[j] * x[j];
		if (s == 0) {
			if (c->nex_zero < CHECK_EXAMPLES)
				c->ex_zero[c->nex_zero++] = i;
			c->zero++;
		}
		s = sqrt(s);
		sum += s;
		sum2 += s * s;
		nfin++;
	}
	if (nfin > 0) {
		c->norm_mean = sum / nfin;
		s = sum2 / nfin - c->norm_mean * c->norm_mean;
		c->norm_cv = c->norm_mean > 0 ? sqrt(s > 0 ? s : 0) / c->norm_mean : 0;
	}
	duplicates(c, f, fin);
	free(fin);
}

/*
 * At most o->n finite rows, ascending: all of them, or a uniform random
 * subset (Knuth's selection sampling), or for --positions the first rows.
 */
void
rows_sample(struct check *c, const struct check_opts *o)
{
	const struct emb_frame *f = c->f;
	size_t n = f->rows, d = f->cols, nfin = n - c->nonfinite, i, j, t, want;
	struct emb_rng rng;

	emb_rng_seed(&rng, o->seed);
	want = nfin < o->n ? nfin : o->n;
	c->rows = emb_alloc(want ? want : 1, sizeof *c->rows);
	c->m = 0;
	for (i = t = 0; i < n && c->m < want; i++) {
		if (o->positions && i >= o->n)
			break;
		if (!finite_row(f->data + i * d, d))
			continue;
		/* the next of nfin - t rows, want - m of them still to take */
		if (o->positions || nfin <= o->n ||
		    emb_rng_uniform(&rng) * (double)(nfin - t) < (double)(want - c->m))
			c->rows[c->m++] = i;
		t++;
	}
	c->x = emb_alloc(emb_mul(c->m ? c->m : 1, d), sizeof *c->x);
	for (i = 0; i < c->m; i++)
		for (j = 0; j < d; j++)
			c->x[i * d + j] = f->data[c->rows[i] * d + j];
}
