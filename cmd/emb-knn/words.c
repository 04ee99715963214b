/* A table from words to rows: open addressing on emb_hash. */
#include <stdlib.h>
#include <string.h>

#include "emb-knn.h"

struct slot {
	char	*word;
	int64_t	 row;
};

struct words {
	struct slot	*slots;
	size_t		 cap;	/* a power of two, at least twice the words */
	size_t		 n;
};

struct words *
words_new(size_t n)
{
	struct words *w = emb_zalloc(1, sizeof *w);

	for (w->cap = 16; w->cap < 2 * n; w->cap = emb_mul(w->cap, 2))
		;
	w->slots = emb_zalloc(w->cap, sizeof *w->slots);
	return w;
}

static struct slot *
find(const struct words *w, const char *s)
{
	size_t i = emb_hash(s, strlen(s)) & (w->cap - 1);

	while (w->slots[i].word != NULL && strcmp(w->slots[i].word, s) != 0)
		i = (i + 1) & (w->cap - 1);
	return w->slots + i;
}

int64_t
words_get(const struct words *w, const char *s)
{
	struct slot *e = find(w, s);

	return e->word != NULL ? e->row : -1;
}

int64_t
words_add(struct words *w, const char *s, int64_t row)
{
	struct slot *e = find(w, s);
	struct slot *old;
	size_t i, cap;

	if (e->word != NULL)
		return e->row;
	if (2 * (w->n + 1) > w->cap) {
		old = w->slots;
		cap = w->cap;
		w->cap = emb_mul(w->cap, 2);
		w->slots = emb_zalloc(w->cap, sizeof *w->slots);
		for (i = 0; i < cap; i++)
			if (old[i].word != NULL)
				*find(w, old[i].word) = old[i];
		free(old);
		e = find(w, s);
	}
	e->word = emb_strdup(s);
	e->row = row;
	w->n++;
	return row;
}

void
words_free(struct words *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->cap; i++)
		free(w->slots[i].word);
	free(w->slots);
	free(w);
}
