/*
 * --vocab FILE: row labels from a tokenizer's vocabulary.  A Hugging Face
 * tokenizer.json (model.vocab, a {token: id} object for BPE and WordPiece,
 * a [[token, score], ...] list for Unigram, then added_tokens), or lines
 * with one token each, as BERT's vocab.txt: the line number is the id.
 * Each row gets two fields, the token and its id.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"

#define MAX_VOCAB	(1u << 31)	/* bytes of a vocabulary file */

struct vocab {
	char	*path;
	char	*text;
	char	**tok;		/* by id; NULL: no token has it */
	size_t	*len;
	size_t	 n, cap;
	int	 style;
};

static void
set(struct vocab *v, uint64_t id, char *s, size_t len, struct json *js)
{
	size_t old = v->cap;

	if (id >= EMB_MAX_ROWS)
		json_error(js, "token id %llu is too large", (unsigned long long)id);
	if (id >= v->cap) {
		/* ids are dense: each token in the text stands for at least one */
		if (id > js->len)
			json_error(js, "token id %llu, more than the file has tokens",
			    (unsigned long long)id);
		v->cap = id + 1 > 2 * old ? id + 1 : 2 * old;
		v->tok = emb_realloc(v->tok, v->cap, sizeof *v->tok);
		v->len = emb_realloc(v->len, v->cap, sizeof *v->len);
		memset(v->tok + old, 0, (v->cap - old) * sizeof *v->tok);
	}
	v->tok[id] = s;
	v->len[id] = len;
	if (id >= v->n)
		v->n = id + 1;
}

static void
model_vocab(struct vocab *v, struct json *js)
{
	char *s;
	uint64_t id = 0;

	if (json_peek(js) == '{') {		/* BPE, WordPiece: {"token": id} */
		js->pos++;
		while (json_peek(js) != '}') {
			s = json_string(js);
			json_expect(js, ':');
			set(v, json_uint(js), s, strlen(s), js);
			if (json_peek(js) != ',')
				break;
			js->pos++;
		}
		json_expect(js, '}');
		return;
	}
	json_expect(js, '[');			/* Unigram: [["token", score], ...] */
	while (json_peek(js) != ']') {
		json_expect(js, '[');
		s = json_string(js);
		set(v, id++, s, strlen(s), js);
		while (json_peek(js) == ',') {
			js->pos++;
			json_skip(js);
		}
		json_expect(js, ']');
		if (json_peek(js) != ',')
			break;
		js->pos++;
	}
	json_expect(js, ']');
}

static void
model(struct vocab *v, struct json *js, int *found)
{
	char *k;

	json_expect(js, '{');
	while (json_peek(js) != '}') {
		k = json_string(js);
		json_expect(js, ':');
		if (strcmp(k, "vocab") == 0) {
			model_vocab(v, js);
			*found = 1;
		} else {
			json_skip(js);
		}
		if (json_peek(js) != ',')
			break;
		js->pos++;
	}
	json_expect(js, '}');
}

/*
 * added_tokens: [{"id": 9, "content": "<|endoftext|>", ...}], kept in *ids
 * and *strs to be set after the model's (the file may give them first).
 */
static size_t
added(struct json *js, uint64_t **ids, char ***strs)
{
	char *k, *content;
	uint64_t id;
	int have_id;
	size_t n = 0;

	json_expect(js, '[');
	while (json_peek(js) != ']') {
		json_expect(js, '{');
		content = NULL;
		have_id = 0;
		id = 0;
		while (json_peek(js) != '}') {
			k = json_string(js);
			json_expect(js, ':');
			if (strcmp(k, "id") == 0) {
				id = json_uint(js);
				have_id = 1;
			} else if (strcmp(k, "content") == 0) {
				content = json_string(js);
			} else {
				json_skip(js);
			}
			if (json_peek(js) != ',')
				break;
			js->pos++;
		}
		json_expect(js, '}');
		if (!have_id || content == NULL)
			json_error(js, "an added token without id or content");
		*ids = emb_realloc(*ids, n + 1, sizeof **ids);
		*strs = emb_realloc(*strs, n + 1, sizeof **strs);
		(*ids)[n] = id;
		(*strs)[n++] = content;
		if (json_peek(js) != ',')
			break;
		js->pos++;
	}
	json_expect(js, ']');
	return n;
}

static void
tokenizer_json(struct vocab *v, size_t size)
{
	struct json js = { 0 };
	char *k, **strs = NULL;
	uint64_t *ids = NULL;
	size_t nadded = 0, i;
	int found = 0;

	js.name = v->path;
	js.what = "tokenizer.json";
	js.s = v->text;
	js.len = size;
	json_expect(&js, '{');
	while (json_peek(&js) != '}') {
		k = json_string(&js);
		json_expect(&js, ':');
		if (strcmp(k, "model") == 0)
			model(v, &js, &found);
		else if (strcmp(k, "added_tokens") == 0 && json_peek(&js) == '[' && !nadded)
			nadded = added(&js, &ids, &strs);
		else
			json_skip(&js);
		if (json_peek(&js) != ',')
			break;
		js.pos++;
	}
	json_expect(&js, '}');
	if (!found)
		json_error(&js, "no model.vocab");
	for (i = 0; i < nadded; i++)
		set(v, ids[i], strs[i], strlen(strs[i]), &js);
	free(ids);
	free(strs);
}

/* All of a tokenizer.json, the first n bytes of it already in v->text. */
static size_t
slurp(struct vocab *v, struct emb_input *in, size_t n, size_t cap)
{
	size_t got;

	for (;;) {
		if (n == cap) {
			if (cap >= MAX_VOCAB)
				emb_err(v->path, "a tokenizer.json of more than %u bytes",
				    MAX_VOCAB);
			v->text = emb_realloc(v->text, (cap *= 2) + 1, 1);
		}
		if ((got = emb_input_read(in, v->text + n, cap - n)) == 0)
			break;
		n += got;
	}
	v->text[n] = '\0';
	return n;
}

/* One token a line, a label's length at most: the line number (from 0) is its id. */
static void
lines(struct vocab *v, struct emb_input *in)
{
	struct json js = { .name = v->path, .what = "vocabulary", .len = SIZE_MAX };
	char *buf = NULL;
	size_t cap = 0, n = 0, textcap = 0, i, *off = NULL;
	long len;

	while ((len = emb_input_line(in, &buf, &cap, EMB_MAX_LABEL)) >= 0) {
		if (memchr(buf, '\0', len) != NULL)
			emb_err(v->path, "line %ld: a token with a NUL byte",
			    emb_input_lineno(in));
		if (n + len + 1 > textcap) {
			textcap = 2 * (n + len + 1);
			v->text = emb_realloc(v->text, textcap, 1);
		}
		memcpy(v->text + n, buf, len + 1);
		off = emb_realloc(off, v->n + 1, sizeof *off);
		off[v->n] = n;
		n += len + 1;
		set(v, v->n, NULL, (size_t)len, &js);
	}
	for (i = 0; i < v->n; i++)
		v->tok[i] = v->text + off[i];
	free(off);
	free(buf);
}

struct vocab *
vocab_read(const char *path, int want_readable)
{
	struct emb_input *in = emb_input_open(path);
	struct vocab *v = emb_zalloc(1, sizeof *v);
	size_t cap = 1 << 16, n, i;

	v->path = emb_strdup(emb_input_name(in));
	path = v->path;
	/* a look at the start: JSON, or lines */
	v->text = emb_alloc(cap + 1, 1);
	n = emb_input_read(in, v->text, cap);
	i = n >= 3 && memcmp(v->text, "\357\273\277", 3) == 0 ? 3 : 0;
	while (i < n && strchr(" \t\r\n", v->text[i]) != NULL)
		i++;
	if (i < n && v->text[i] == '{' && memchr(v->text, '\0', n) == NULL) {
		n = slurp(v, in, n, cap);
		if (memchr(v->text, '\0', n) != NULL)
			emb_err(path, "a tokenizer.json with a NUL byte");
		memset(v->text, ' ', i);	/* the byte-order mark */
		tokenizer_json(v, n);
	} else {
		emb_input_unread(in, v->text, n);
		free(v->text);
		v->text = NULL;
		lines(v, in);
	}
	emb_input_close(in);
	v->style = STYLE_PLAIN;
	if (want_readable)
		v->style = readable_style(v->tok, v->len, v->n);
	return v;
}

void
vocab_free(struct vocab *v)
{
	if (v == NULL)
		return;
	free(v->path);
	free(v->text);
	free(v->tok);
	free(v->len);
	free(v);
}

/* Labels token and id for rows rows from n tokens (NULL ones by their id). */
void
vocab_labels(struct emb_frame *f, char *const *tok, const size_t *len, size_t n,
    size_t rows, const char *name, int want_readable, int style)
{
	static char *fields[] = { "token", "id" };
	char num[24], *buf = NULL;
	size_t r, k, m, cap = 0;

	if (want_readable && style == STYLE_GUESS)
		style = readable_style(tok, len, n);
	if (!want_readable)
		style = STYLE_PLAIN;
	labels_drop(f);
	f->rows = rows;
	emb_labels_begin(f, 2, fields);
	for (r = 0; r < rows; r++) {
		k = snprintf(num, sizeof num, "%zu", r);
		if (r < n && tok[r] != NULL) {
			if (5 * len[r] + 1 > cap)
				buf = emb_realloc(buf, cap = 5 * len[r] + 1, 1);
			m = readable(tok[r], len[r], style, buf);
			if (m > EMB_MAX_LABEL)
				emb_err(name, "token %zu: %zu bytes, more than the %d a "
				    "label may have", r, m, EMB_MAX_LABEL);
			emb_label_add(f, buf, m);
		} else {
			emb_label_add(f, num, k);
		}
		emb_label_add(f, num, k);
	}
	free(buf);
	labels_end(f);
	if (n > rows)
		emb_warn(name, "a vocabulary of %zu tokens for %zu rows: the last %zu "
		    "are not used", n, rows, n - rows);
}

/* The --vocab labels for this input's rows: j->labfile, as -l gives it. */
void
vocab_fit(struct job *j, size_t rows)
{
	struct vocab *v = j->vocab;

	vocab_labels(&j->labfile, v->tok, v->len, v->n, rows, v->path, j->o->readable,
	    v->style);
	j->have_labfile = 1;
}
