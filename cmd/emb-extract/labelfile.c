/*
 * -l FILE: one label per line, or, as TensorBoard's metadata.tsv, a header
 * line of field names and then one row of tab-separated fields per line.
 * --words @FILE: one word per line.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"

/* The next line without its newline (and CR), NUL-terminated; NULL at the end. */
static char *
next_line(struct input *in, size_t *len, size_t lineno)
{
	char *p = in_line(in, len, lineno);

	if (p == NULL)
		return NULL;
	if (*len > 0 && p[*len - 1] == '\r')
		(*len)--;
	p[*len] = '\0';
	return p;
}

static void
check_label(const char *file, size_t line, const char *s, size_t len)
{
	if (memchr(s, '\0', len) != NULL)
		emb_err(file, "line %zu: NUL byte in a label", line);
}

void
labelfile_read(struct job *j, const char *path)
{
	struct input *in = in_open(path);
	struct emb_frame *f = &j->labfile;
	char *line, *names[EMB_MAX_FIELDS], *p, *tab;
	size_t len, nf = 1, lineno = 1, i, k, n;

	line = next_line(in, &len, 1);
	if (line != NULL && memchr(line, '\t', len) != NULL) {
		check_label(path, 1, line, len);
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
					    names[nf]);
			nf++;
			if (tab == NULL)
				break;
		}
		emb_labels_begin(f, nf, names);
		for (k = 0; k < nf; k++)
			free(names[k]);
		line = next_line(in, &len, 2);
		lineno++;
	} else {
		static char *label[] = { "label" };
		emb_labels_begin(f, 1, label);
	}
	for (; line != NULL; line = next_line(in, &len, lineno + 1), lineno++) {
		check_label(path, lineno, line, len);
		if (nf == 1) {
			emb_label_add(f, line, len);
		} else {
			for (i = 0, p = line; i < nf; i++, p = tab + 1) {
				tab = i + 1 < nf ? strchr(p, '\t') : NULL;
				if (i + 1 < nf && tab == NULL)
					emb_err(path, "line %zu: %zu fields, the header has %zu",
					    lineno, i + 1, nf);
				n = tab != NULL ? (size_t)(tab - p) : strlen(p);
				if (i + 1 == nf && memchr(p, '\t', n) != NULL)
					emb_err(path, "line %zu: more fields than the "
					    "header's %zu", lineno, nf);
				emb_label_add(f, p, n);
			}
		}
		f->rows++;
	}
	labels_end(f);
	j->have_labfile = 1;
	in_close(in);
}

void
wordlist_read(struct job *j, const char *spec)
{
	struct input *in;
	const char *p, *comma;
	char *line;
	size_t len, lineno = 0;

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
	in = in_open(spec + 1);
	while ((line = next_line(in, &len, ++lineno)) != NULL) {
		if (len == 0)
			continue;
		j->wordlist = emb_realloc(j->wordlist, j->nwordlist + 1,
		    sizeof *j->wordlist);
		j->wordlist[j->nwordlist++] = emb_strndup(line, len);
	}
	in_close(in);
}
