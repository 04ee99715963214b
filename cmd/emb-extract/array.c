/*
 * The data of an array (npy, an npz entry, a safetensors tensor) once its
 * header is read: rows go out as they are read, in big blocks converted in
 * place, unless they must be reordered, centred or are in Fortran order;
 * then the selected rows are gathered in memory first.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"

#define BLOCK	(128u << 10)	/* bytes of floats per read: they stay in the cache */

/* Rows and columns of a shape: (N, D), or (N, a, b, ...) flattened. */
void
array_shape(const char *name, uint64_t where, struct array *a)
{
	char s[256];
	uint64_t cols = 1, total;
	int i;

	array_shape_string(a, s, sizeof s);
	if (a->ndim < 2)
		emb_err(name, "byte %llu: shape %s: need (rows, cols) or (rows, ...)",
		    (unsigned long long)where, s);
	for (i = 1; i < a->ndim; i++)
		if (__builtin_mul_overflow(cols, a->shape[i], &cols))
			emb_err(name, "byte %llu: shape %s is too large",
			    (unsigned long long)where, s);
	if (cols == 0)
		emb_err(name, "byte %llu: shape %s has no columns",
		    (unsigned long long)where, s);
	if (cols > EMB_MAX_COLS || a->shape[0] > EMB_MAX_ROWS)
		emb_err(name, "byte %llu: shape %s is more than a stream can hold "
		    "(%llu rows, %llu columns)", (unsigned long long)where, s,
		    EMB_MAX_ROWS, EMB_MAX_COLS);
	if (__builtin_mul_overflow(cols, a->shape[0], &total) ||
	    __builtin_mul_overflow(total, (uint64_t)a->dt.size, &a->nbytes))
		emb_err(name, "byte %llu: shape %s is too large",
		    (unsigned long long)where, s);
	a->rows = a->shape[0];
	a->cols = cols;
}

void
array_shape_string(const struct array *a, char *s, size_t size)
{
	size_t n = 0;
	int i;

	n += snprintf(s + n, size - n, "(");
	for (i = 0; i < a->ndim && n < size; i++)
		n += snprintf(s + n, size - n, "%s%llu", i ? ", " : "",
		    (unsigned long long)a->shape[i]);
	if (n < size)
		snprintf(s + n, size - n, a->ndim == 1 ? ",)" : ")");
}

static void __attribute__((noreturn))
truncated(struct input *in, const struct array *a, uint64_t base)
{
	char s[256];

	array_shape_string(a, s, sizeof s);
	emb_err(in->name, "byte %llu: truncated: shape %s of %s needs %llu bytes of "
	    "data from byte %llu", (unsigned long long)in_tell(in), s, emb_quote(a->dt.name),
	    (unsigned long long)a->nbytes, (unsigned long long)base);
}

static void
check_finite(struct job *j, const char *name, const float *v, size_t n, uint64_t at,
    int size)
{
	size_t bad;

	if (j->o->allow_nonfinite || (bad = first_nonfinite(v, n)) == n)
		return;
	emb_err(name, "byte %llu: non-finite value (allowed with "
	    "--allow-nonfinite)", (unsigned long long)(at + bad * size));
}

/* C order: runs of consecutive selected rows, read in blocks, skipping the others. */
static void
by_rows(struct job *j, struct input *in, const struct array *a, uint64_t base)
{
	size_t cols = a->cols, isz = a->dt.size, k, r, c, b, next = 0;
	size_t rowbytes = cols * isz, width = isz > 4 ? isz : 4;
	float *dst;

	b = BLOCK / (cols * width);
	if (b > j->nsel)
		b = j->nsel;
	if (b == 0)
		b = 1;
	j->block = emb_alloc(emb_mul(b, cols), width);
	for (k = 0; k < j->nsel; k += c) {
		r = sel_row(j, k);
		if (r > next) {
			uint64_t skip = (uint64_t)(r - next) * rowbytes;
			if (in_skip(in, skip) != skip)
				truncated(in, a, base);
		}
		for (c = 1; c < b && k + c < j->nsel && sel_row(j, k + c) == r + c; c++)
			;
		if (in_read(in, j->block, c * rowbytes) != c * rowbytes)
			truncated(in, a, base);
		convert(&a->dt, j->block, c * cols);
		if (a->dt.kind == 'f' || a->dt.kind == 'b')	/* integers are finite */
			check_finite(j, in->name, j->block, c * cols,
			    base + (uint64_t)r * rowbytes, isz);
		if (j->streaming) {
			if (j->o->normalize)
				normalize_rows(j->block, c, cols);
			job_write_rows(j, j->block, c);
		} else {
			dst = table_rows(j, c);
			memcpy(dst, j->block, c * cols * sizeof *dst);
		}
		next = r + c;
		if (in->regular)
			emb_progress("reading", in_tell(in) - base, a->nbytes);
	}
	j->complete = next == a->rows;
}

/*
 * Fortran order: element (i, m) of the flattened trailing dimensions is at
 * i + rows * m, with m counting the trailing dimensions first-fastest;
 * perm[m] is that element's column in C order.
 */
static void
by_columns(struct job *j, struct input *in, const struct array *a, uint64_t base)
{
	size_t cols = a->cols, isz = a->dt.size, k, m, i, d;
	unsigned char *raw;
	uint64_t idx[MAX_DIMS] = { 0 };
	float *row;

	j->perm = emb_alloc(cols, sizeof *j->perm);
	for (m = 0; m < cols; m++) {
		size_t c = 0;
		for (d = 1; d < (size_t)a->ndim; d++)
			c = c * a->shape[d] + idx[d];
		j->perm[m] = c;
		for (d = 1; d < (size_t)a->ndim && ++idx[d] == a->shape[d]; d++)
			idx[d] = 0;
	}
	j->raw = raw = in_read_alloc(in, a->nbytes, "array data");
	table_reserve(j, j->nsel);
	for (k = 0; k < j->nsel; k++) {
		i = sel_row(j, k);
		row = j->f.data + k * cols;
		for (m = 0; m < cols; m++)
			row[j->perm[m]] = convert_one(&a->dt,
			    raw + (i + a->rows * m) * isz);
		if (!j->o->allow_nonfinite && first_nonfinite(row, cols) < cols)
			for (m = 0; m < cols; m++)
				check_finite(j, in->name, &row[j->perm[m]], 1,
				    base + (i + a->rows * m) * isz, isz);
	}
	j->f.rows = j->nsel;
	j->complete = 1;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Rows in an order of their own (--words): read them sorted, then reorder. */
static void
by_rows_reordered(struct job *j, struct input *in, const struct array *a,
    uint64_t base)
{
	size_t n = j->nsel, cols = a->cols, k, lo, hi, mid, *want = j->sel, *sorted;
	float *data;

	sorted = emb_alloc(n ? n : 1, sizeof *sorted);
	memcpy(sorted, want, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_size);
	j->rowmap = want;
	j->sel = sorted;
	by_rows(j, in, a, base);
	data = emb_alloc(emb_mul(n ? n : 1, cols), sizeof *data);
	for (k = 0; k < n; k++) {
		for (lo = 0, hi = n; hi - lo > 1;) {
			mid = lo + (hi - lo) / 2;
			if (sorted[mid] <= want[k])
				lo = mid;
			else
				hi = mid;
		}
		memcpy(data + k * cols, j->f.data + lo * cols, cols * sizeof *data);
	}
	free(j->f.data);
	j->f.data = data;
	j->cap = n;
	j->sel = want;
	j->rowmap = NULL;
	free(sorted);
}

void
array_extract(struct job *j, struct input *in, const struct array *a)
{
	uint64_t base = in_tell(in);
	const struct opts *o = j->o;

	j->f.cols = a->cols;
	j->dtype = emb_strdup(a->dt.name);
	if ((!in->regular || in_compressed(in)) &&
	    (o->match != NULL || o->words != NULL || o->have_sample)) {
		/*
		 * From a pipe the header's row count is no proof: choosing among
		 * them waits until the rows have arrived.
		 */
		if (a->rows > EMB_MAX_ROWS)
			emb_err(j->name, "%zu rows, more than the %llu a stream can "
			    "hold", a->rows, EMB_MAX_ROWS);
		j->sel = NULL;
		j->sel_from = 0;
		j->nsel = a->rows < o->limit ? a->rows : o->limit;
		j->sel_ascending = 1;
		if (a->fortran)
			by_columns(j, in, a, base);
		else
			by_rows(j, in, a, base);
		job_collected(j);
		return;
	}
	job_known_rows(j, a->rows, NULL);
	if (a->fortran) {
		by_columns(j, in, a, base);
		return;
	}
	j->streaming = j->sel_ascending && !o->center;
	if (!j->streaming && in->regular && !in_compressed(in))
		table_reserve(j, j->nsel);
	if (j->sel_ascending)
		by_rows(j, in, a, base);
	else
		by_rows_reordered(j, in, a, base);
}
