#include <stdlib.h>
#include <string.h>

#include "emb.h"

/*
 * Labels live in one buffer of NUL-terminated strings, row by row and field
 * by field, exactly as they travel in the stream; labels[] points into it.
 */

void
emb_labels_begin(struct emb_frame *f, size_t nfields, char *const *names)
{
	size_t i, j;

	if (nfields == 0 || nfields > EMB_MAX_FIELDS)
		emb_err(NULL, "%zu label fields (1 to %d allowed)", nfields,
		    EMB_MAX_FIELDS);
	free(f->labelbuf);
	free(f->labels);
	for (i = 0; i < f->nfields; i++)
		free(f->fieldnames[i]);
	free(f->fieldnames);
	f->nfields = nfields;
	f->fieldnames = emb_alloc(nfields, sizeof *f->fieldnames);
	for (i = 0; i < nfields; i++) {
		size_t n = strlen(names[i]);
		if (n == 0 || n > EMB_MAX_FIELDNAME)
			emb_err(NULL, "label field name of %zu bytes (1 to %d allowed)",
			    n, EMB_MAX_FIELDNAME);
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				emb_err(NULL, "label field '%s' given twice", emb_quote(names[i]));
		f->fieldnames[i] = emb_strdup(names[i]);
	}
	f->labelbuf = NULL;
	f->labelbytes = f->labelcap = 0;
	f->labels = NULL;
}

void
emb_label_add(struct emb_frame *f, const char *s, size_t len)
{
	if (memchr(s, '\0', len) != NULL)
		emb_err(NULL, "label contains a NUL byte");
	if (len > EMB_MAX_LABEL)	/* callers that read labels say where */
		emb_err(NULL, "a label of %zu bytes, more than the %d a stream allows",
		    len, EMB_MAX_LABEL);
	if (f->labelbytes + len + 1 > f->labelcap) {
		f->labelcap = f->labelcap ? f->labelcap : 4096;
		while (f->labelbytes + len + 1 > f->labelcap)
			f->labelcap = emb_mul(f->labelcap, 2);
		f->labelbuf = emb_realloc(f->labelbuf, f->labelcap, 1);
	}
	memcpy(f->labelbuf + f->labelbytes, s, len);
	f->labelbuf[f->labelbytes + len] = '\0';
	f->labelbytes += len + 1;
}

/* Index the label buffer; it must hold exactly rows x nfields strings. */
void
emb_labels_end(struct emb_frame *f)
{
	size_t n = emb_mul(f->rows, f->nfields), i = 0;
	char *p = f->labelbuf, *end = p != NULL ? p + f->labelbytes : p;

	free(f->labels);
	f->labels = emb_alloc(n ? n : 1, sizeof *f->labels);
	while (p < end && i < n) {
		f->labels[i++] = p;
		p += strlen(p) + 1;
	}
	if (i != n || p != end)
		emb_err(NULL, "%zu labels for %zu rows x %zu fields", i, f->rows,
		    f->nfields);
}

const char *
emb_label(const struct emb_frame *f, size_t row, size_t field)
{
	if (f->nfields == 0 || field >= f->nfields || row >= f->rows)
		return NULL;
	return f->labels[row * f->nfields + field];
}

int
emb_field_index(const struct emb_frame *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nfields; i++)
		if (strcmp(f->fieldnames[i], name) == 0)
			return (int)i;
	return -1;
}

/* Give src's labels to dst (which has the same rows); src has none after. */
void
emb_labels_move(struct emb_frame *dst, struct emb_frame *src)
{
	dst->nfields = src->nfields;
	dst->fieldnames = src->fieldnames;
	dst->labelbuf = src->labelbuf;
	dst->labelbytes = src->labelbytes;
	dst->labelcap = src->labelcap;
	dst->labels = src->labels;
	src->nfields = 0;
	src->fieldnames = NULL;
	src->labelbuf = NULL;
	src->labelbytes = src->labelcap = 0;
	src->labels = NULL;
}

/* dst: a new points frame of the given rows of src, with their labels and src's metadata. */
void
emb_frame_select(struct emb_frame *dst, const struct emb_frame *src,
    const size_t *rows, size_t n)
{
	size_t i, j;

	emb_frame_init(dst, EMB_POINTS, n, src->cols);
	for (i = 0; i < n; i++)
		memcpy(dst->data + i * src->cols, src->data + rows[i] * src->cols,
		    src->cols * sizeof(float));
	emb_meta_copy(dst, src);
	if (src->nfields == 0)
		return;
	emb_labels_begin(dst, src->nfields, src->fieldnames);
	for (i = 0; i < n; i++)
		for (j = 0; j < src->nfields; j++) {
			const char *s = emb_label(src, rows[i], j);
			emb_label_add(dst, s, strlen(s));
		}
	emb_labels_end(dst);
}
