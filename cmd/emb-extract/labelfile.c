/*
 * -l FILE: one label per line, or, as TensorBoard's metadata.tsv, a header
 * line of field names and then one row of tab-separated fields per line.
 * --words @FILE: one word per line.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"

static void
check_label(const char *file, size_t line, size_t len)
{
	if (len > EMB_MAX_LABEL)
		emb_err(file, "line %zu: a label longer than %d bytes", line,
		    EMB_MAX_LABEL);
}

/* The next line, NUL-terminated; NULL at the end. */
static char *
next_line(struct emb_input *in, char **buf, size_t *cap, size_t *len, size_t max)
{
	long n = emb_input_line(in, buf, cap, max);

	if (n < 0)
		return NULL;
	*len = n;
	return *buf;
}

void
labelfile_read(struct job *j, const char *path)
{
	struct emb_input *in = emb_input_open(path);
	struct emb_frame *f = &j->labfile;
	char *line, *names[EMB_MAX_FIELDS], *p, *tab, *buf = NULL;
	size_t len, nf = 1, lineno = 1, i, k, n, cap = 0, max;

	path = emb_input_name(in);
	/* the longest line that can be: a header of names or of one label */
	max = EMB_MAX_FIELDS * (EMB_MAX_FIELDNAME + 1);
	line = next_line(in, &buf, &cap, &len, max);
	if (line != NULL && memchr(line, '\t', len) != NULL) {
		if (memchr(line, '\0', len) != NULL)
			emb_err(path, "line 1: NUL byte in a field name");
		for (nf = 0, p = line;; p = tab + 1) {
			tab = strchr(p, '\t');
			n = tab != NULL ? (size_t)(tab - p) : strlen(p);
			if (nf == EMB_MAX_FIELDS)
				emb_err(path, "line 1: more than %d fields", EMB_MAX_FIELDS);
			if (n == 0 || n > EMB_MAX_FIELDNAME)
				emb_err(path, "line 1: field %zu: a field name must have "
				    "1 to %d bytes", nf + 1, EMB_MAX_FIELDNAME);
			names[nf] = emb_strndup(p, n);
			for (k = 0; k < nf; k++)
				if (strcmp(names[k], names[nf]) == 0)
					emb_err(path, "line 1: field name '%s' given twice",
					    emb_quote(names[nf]));
			nf++;
			if (tab == NULL)
				break;
		}
		emb_labels_begin(f, nf, names);
		for (k = 0; k < nf; k++)
			free(names[k]);
		max = nf * (EMB_MAX_LABEL + 1);
		line = next_line(in, &buf, &cap, &len, max);
		lineno++;
	} else {
		static char *label[] = { "label" };
		emb_labels_begin(f, 1, label);
		max = EMB_MAX_LABEL;
		if (line != NULL && len > max)
			emb_err(path, "line 1: longer than %zu bytes", max);
	}
	for (; line != NULL; line = next_line(in, &buf, &cap, &len, max), lineno++) {
		if (memchr(line, '\0', len) != NULL)
			emb_err(path, "line %zu: NUL byte in a label", lineno);
		if (nf == 1) {
			check_label(path, lineno, len);
			emb_label_add(f, line, len);
		} else {
			for (i = 0, p = line; i < nf; i++, p = tab + 1) {
				tab = i + 1 < nf ? strchr(p, '\t') : NULL;
				if (i + 1 < nf && tab == NULL)
					emb_err(path, "line %zu: %zu fields, the header has %zu",
					    lineno, i + 1, nf);
				n = tab != NULL ? (size_t)(tab - p) : len - (p - line);
				if (i + 1 == nf && memchr(p, '\t', n) != NULL)
					emb_err(path, "line %zu: more fields than the "
					    "header's %zu", lineno, nf);
				check_label(path, lineno, n);
				emb_label_add(f, p, n);
			}
		}
		f->rows++;
	}
	labels_end(f);
	j->have_labfile = 1;
	free(buf);
	emb_input_close(in);
}

void
wordlist_read(struct job *j, const char *spec)
{
	struct emb_input *in;
	const char *p, *comma;
	char *line, *buf = NULL;
	size_t len, cap = 0;

	if (spec[0] != '@') {
		for (p = spec;; p = comma + 1) {
			comma = strchr(p, ',');
			len = comma != NULL ? (size_t)(comma - p) : strlen(p);
			if (len > 0) {
				j->wordlist = emb_realloc(j->wordlist, j->nwordlist + 1,
				    sizeof *j->wordlist);
				j->wordlist[j->nwordlist++] = emb_strndup(p, len);
			}
			if (comma == NULL)
				break;
		}
		return;
	}
	in = emb_input_open(spec + 1);
	while ((line = next_line(in, &buf, &cap, &len, EMB_MAX_LABEL)) != NULL) {
		if (len == 0)
			continue;
		j->wordlist = emb_realloc(j->wordlist, j->nwordlist + 1,
		    sizeof *j->wordlist);
		j->wordlist[j->nwordlist++] = emb_strndup(line, len);
	}
	free(buf);
	emb_input_close(in);
}
