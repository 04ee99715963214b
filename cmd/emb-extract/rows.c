/*
 * Rows that a reader makes itself (a quantised GGUF tensor, a strided
 * PyTorch view) rather than reads as an array: the reader's function fills
 * rows, always asked for in ascending order, so it may read its input
 * forward only.  Streamed in blocks when the selection allows it.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"

#define BLOCK	(128u << 10)	/* bytes of floats per call */

void *
job_own(struct job *j, int slot, size_t n, size_t size)
{
	j->own[slot] = emb_realloc(j->own[slot], n ? n : 1, size);
	return j->own[slot];
}

static void
check_finite(struct job *j, const float *v, size_t n, size_t row, size_t cols)
{
	size_t bad;

	if (j->o->allow_nonfinite || (bad = first_nonfinite(v, n)) == n)
		return;
	emb_err(j->name, "row %zu, column %zu: non-finite value (allowed with "
	    "--allow-nonfinite)", row + bad / cols, bad % cols);
}

static size_t *order_sel;

static int
by_row(const void *a, const void *b)
{
	size_t x = order_sel[*(const size_t *)a], y = order_sel[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

void
rows_extract(struct job *j, size_t rows, size_t cols, struct emb_frame *own,
    row_fn *fn, void *ctx)
{
	size_t b, k, c, r, *order;
	float *block;

	j->f.cols = cols;
	job_known_rows(j, rows, own);
	j->streaming = j->sel_ascending && !j->o->center;
	if (j->streaming) {
		b = BLOCK / (cols * sizeof(float));
		if (b == 0)
			b = 1;
		if (b > j->nsel)
			b = j->nsel ? j->nsel : 1;
		j->block = block = emb_alloc(emb_mul(b, cols), sizeof *block);
		for (k = 0; k < j->nsel; k += c) {
			r = sel_row(j, k);
			for (c = 1; c < b && k + c < j->nsel && sel_row(j, k + c) == r + c; c++)
				;
			fn(ctx, r, c, block);
			check_finite(j, block, c * cols, r, cols);
			if (j->o->normalize)
				normalize_rows(block, c, cols);
			job_write_rows(j, block, c);
			emb_progress("reading", k + c, j->nsel);
		}
		j->complete = 1;
		return;
	}
	/* rows in an order of their own, or centred: all of them in memory */
	table_reserve(j, j->nsel);
	order = emb_alloc(j->nsel ? j->nsel : 1, sizeof *order);
	j->rowmap = order;
	for (k = 0; k < j->nsel; k++)
		order[k] = k;
	if (j->sel != NULL && !j->sel_ascending) {
		order_sel = j->sel;
		qsort(order, j->nsel, sizeof *order, by_row);
	}
	for (k = 0; k < j->nsel; k++) {
		float *dst = j->f.data + order[k] * cols;
		r = sel_row(j, order[k]);
		if (k > 0 && sel_row(j, order[k - 1]) == r)
			memcpy(dst, j->f.data + order[k - 1] * cols, cols * sizeof *dst);
		else
			fn(ctx, r, 1, dst);
		check_finite(j, dst, cols, r, cols);
	}
	j->f.rows = j->nsel;
	j->complete = 1;
}
