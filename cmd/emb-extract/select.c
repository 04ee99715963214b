/*
 * Which rows to write, in which order: -n and --rows bound them, --match
 * and --words filter (--words also orders), --sample draws from what is
 * left.  The result is a range (j->sel == NULL) or a list of row numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"

size_t
read_limit(const struct opts *o)
{
	size_t n = o->limit;

	if (o->have_rows && o->row_to < n)
		n = o->row_to;
	return n;
}

int
opts_change_rows(const struct opts *o)
{
	return o->limit != SIZE_MAX || o->have_rows || o->have_shard || o->match != NULL ||
	    o->words != NULL || o->have_sample || o->center || o->normalize ||
	    o->labelfile != NULL;
}

static const char *
label_of(const struct emb_frame *lab, size_t row, char tmp[24])
{
	if (lab != NULL)
		return emb_label(lab, row, 0);
	snprintf(tmp, 24, "%zu", row);
	return tmp;
}

/* The selection as a list, room for it to be filtered in place. */
static void
make_list(struct job *j)
{
	size_t k;

	if (j->sel != NULL)
		return;
	j->sel = emb_alloc(j->nsel ? j->nsel : 1, sizeof *j->sel);
	for (k = 0; k < j->nsel; k++)
		j->sel[k] = j->sel_from + k;
}

static void
filter_match(struct job *j, const struct emb_frame *lab)
{
	size_t k, n = 0;
	char tmp[24];

	make_list(j);
	for (k = 0; k < j->nsel; k++)
		if (regexec(&j->o->re, label_of(lab, j->sel[k], tmp), 0, NULL, 0) == 0)
			j->sel[n++] = j->sel[k];
	j->nsel = n;
}

static uint64_t
hash(const char *s)
{
	return emb_hash(s, strlen(s));
}

/* Rows whose first label is in the word list, in the list's order. */
static void
filter_words(struct job *j, const struct emb_frame *lab)
{
	size_t nw = j->nwordlist, size = 16, i, k, n, *slot, *found, missing = 0;
	char tmp[24], msg[300];
	const char *s;
	uint64_t h;
	int len;

	while (size < 2 * nw)
		size *= 2;
	slot = emb_alloc(size, sizeof *slot);
	found = emb_alloc(nw ? nw : 1, sizeof *found);
	for (i = 0; i < size; i++)
		slot[i] = SIZE_MAX;
	for (i = 0; i < nw; i++) {
		found[i] = SIZE_MAX;
		for (h = hash(j->wordlist[i]) & (size - 1); slot[h] != SIZE_MAX;
		    h = (h + 1) & (size - 1))
			if (strcmp(j->wordlist[slot[h]], j->wordlist[i]) == 0)
				break;
		if (slot[h] == SIZE_MAX)
			slot[h] = i;
	}
	for (k = 0; k < j->nsel; k++) {
		size_t row = sel_row(j, k);
		s = label_of(lab, row, tmp);
		for (h = hash(s) & (size - 1); slot[h] != SIZE_MAX; h = (h + 1) & (size - 1))
			if (strcmp(j->wordlist[slot[h]], s) == 0) {
				if (found[slot[h]] == SIZE_MAX)
					found[slot[h]] = row;
				break;
			}
	}
	free(j->sel);
	j->sel = emb_alloc(nw ? nw : 1, sizeof *j->sel);
	len = 0;
	msg[0] = '\0';
	for (i = n = 0; i < nw; i++) {
		if (found[i] != SIZE_MAX) {
			j->sel[n++] = found[i];
			continue;
		}
		/* duplicates of the list share the first one's slot */
		for (h = hash(j->wordlist[i]) & (size - 1);
		    strcmp(j->wordlist[slot[h]], j->wordlist[i]) != 0;
		    h = (h + 1) & (size - 1))
			;
		if (slot[h] != i)
			continue;
		if (missing++ < 8 && len < 200)
			len += snprintf(msg + len, sizeof msg - len, "%s'%s'",
			    missing > 1 ? ", " : "", emb_quote_n(j->wordlist[i],
			    strlen(j->wordlist[i]) < 40 ? strlen(j->wordlist[i]) : 40));
	}
	j->nsel = n;
	if (missing > 0)
		emb_warn(j->name, "%zu of the words not found: %s%s", missing, msg,
		    missing > 8 ? ", ..." : "");
	for (k = 1; k < n; k++)
		if (j->sel[k] <= j->sel[k - 1])
			j->sel_ascending = 0;
	free(slot);
	free(found);
}

/* Knuth's selection sampling: uniform, in input order, same seed same rows. */
static void
sample(struct job *j)
{
	size_t want = j->o->sample, m = j->nsel, k, n = 0;
	struct emb_rng rng;

	if (want >= m)
		return;
	make_list(j);
	emb_rng_seed(&rng, j->o->seed);
	for (k = 0; k < m && n < want; k++)
		if (emb_rng_below(&rng, m - k) < want - n)
			j->sel[n++] = j->sel[k];
	j->nsel = n;
}

void
select_rows(struct job *j, size_t nrows, const struct emb_frame *lab)
{
	const struct opts *o = j->o;
	size_t from = 0, to;

	if (nrows > o->limit)
		nrows = o->limit;
	to = nrows;
	if (o->have_rows) {
		from = o->row_from < nrows ? o->row_from : nrows;
		to = o->row_to < nrows ? o->row_to : nrows;
		if (to < from)
			to = from;
	}
	if (o->have_shard) {	/* rows [I R / N, (I + 1) R / N) of the R there are */
		uint64_t r = to - from;
		to = from + (size_t)((o->shard + 1) * r / o->nshards);
		from += (size_t)(o->shard * r / o->nshards);
	}
	free(j->sel);
	j->sel = NULL;
	j->sel_from = from;
	j->nsel = to - from;
	j->sel_ascending = 1;
	if (o->match != NULL)
		filter_match(j, lab);
	if (o->words != NULL)
		filter_words(j, lab);
	if (o->have_sample)
		sample(j);
}

static size_t
digits(size_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static size_t
index_labelbytes(const struct job *j)
{
	size_t k, n = 0, lo, hi, p, d;

	if (j->sel != NULL) {
		for (k = 0; k < j->nsel; k++)
			n += digits(j->sel[k]) + 1;
		return n;
	}
	/* a range: count the numbers of each length */
	lo = j->sel_from;
	hi = j->sel_from + j->nsel;
	for (d = 1, p = 1; lo < hi; d++) {
		size_t top = d >= 20 ? SIZE_MAX : p * 10;
		if (lo < top) {
			size_t end = hi < top ? hi : top;
			n += (end - lo) * (d + 1);
			lo = end;
		}
		p = top;
	}
	return n;
}

/* emb_labels_end, but an empty label set needs no index (nor its NULL + 0) */
void
labels_end(struct emb_frame *f)
{
	if (f->labelbuf == NULL) {
		f->labels = NULL;
		return;
	}
	emb_labels_end(f);
}

static void
labels_drop(struct emb_frame *f)
{
	size_t i;

	for (i = 0; i < f->nfields; i++)
		free(f->fieldnames[i]);
	free(f->fieldnames);
	free(f->labelbuf);
	free(f->labels);
	f->nfields = 0;
	f->fieldnames = NULL;
	f->labelbuf = NULL;
	f->labels = NULL;
	f->labelbytes = f->labelcap = 0;
}

/*
 * The labels of the selected rows from lab; without lab, each row's number
 * in the input, which is written on the fly (it can be counted beforehand).
 */
void
select_labels(struct job *j, const struct emb_frame *lab)
{
	struct emb_frame tmp = { 0 };
	size_t k, i;

	if (lab == NULL) {
		labels_drop(&j->f);
		j->f.nfields = 1;
		j->f.fieldnames = emb_alloc(1, sizeof *j->f.fieldnames);
		j->f.fieldnames[0] = emb_strdup("index");
		j->f.labelbytes = index_labelbytes(j);
		j->index_labels = 1;
		return;
	}
	if (lab == &j->f && j->sel == NULL && j->sel_from == 0 && j->nsel == lab->rows) {
		j->index_labels = 0;	/* all of its own rows: the labels are there */
		return;
	}
	tmp.rows = j->nsel;
	emb_labels_begin(&tmp, lab->nfields, lab->fieldnames);
	for (k = 0; k < j->nsel; k++)
		for (i = 0; i < lab->nfields; i++) {
			const char *s = emb_label(lab, sel_row(j, k), i);
			emb_label_add(&tmp, s, strlen(s));
		}
	labels_end(&tmp);
	labels_drop(&j->f);
	emb_labels_move(&j->f, &tmp);
	j->index_labels = 0;
}

void
write_index_labels(struct job *j)
{
	char buf[1 << 16], num[24];
	size_t k, n = 0, v, d;

	for (k = 0; k < j->nsel; k++) {
		if (n > sizeof buf - sizeof num) {
			emb_fwrite(buf, n, j->out);
			n = 0;
		}
		v = sel_row(j, k);
		d = sizeof num;
		do
			num[--d] = '0' + v % 10;
		while ((v /= 10) > 0);
		memcpy(buf + n, num + d, sizeof num - d);
		n += sizeof num - d;
		buf[n++] = '\0';
	}
	emb_fwrite(buf, n, j->out);
}

/* Keep the selected rows of the matrix the reader filled, in their order. */
void
select_apply(struct job *j, const struct emb_frame *lab)
{
	struct emb_frame *f = &j->f;
	size_t k, cols = f->cols, row;
	float *data;

	select_labels(j, lab);
	if (j->sel_ascending) {
		for (k = 0; k < j->nsel; k++) {
			row = sel_row(j, k);
			if (row != k)
				memmove(f->data + k * cols, f->data + row * cols,
				    cols * sizeof *f->data);
		}
	} else {
		data = emb_alloc(emb_mul(j->nsel ? j->nsel : 1, cols), sizeof *data);
		for (k = 0; k < j->nsel; k++)
			memcpy(data + k * cols, f->data + j->sel[k] * cols,
			    cols * sizeof *data);
		free(f->data);
		f->data = data;
		j->cap = j->nsel;
	}
	f->rows = j->nsel;
}
