/* Nearest rows to a word (-q) and analogies (-a): text out. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "emb-knn.h"

struct vocab {
	const char		*name;
	const struct emb_frame	*f;
	int			 field;
	size_t			 n;	/* the first n rows are the vocabulary */
	enum knn_metric		 metric;	/* of -q: cosine unless -m says */
};

static void
vocab_open(struct vocab *v, const struct emb_frame *f, const struct opts *o)
{
	v->name = o->input ? o->input : "stdin";
	v->f = f;
	if (f->nfields == 0)
		emb_err(v->name, "no labels to look words up in");
	v->field = o->field ? emb_field_index(f, o->field) : 0;
	if (v->field < 0)
		emb_err(v->name, "no label field '%s'", emb_quote(o->field));
	v->n = o->vocab && o->vocab < f->rows ? o->vocab : f->rows;
	v->metric = o->metric_set ? o->metric : KNN_COSINE;
	if (knn_bad_row(f->data, v->n, f->cols) < v->n)
		check_finite(v->name, f);
}

static size_t
lookup(const struct vocab *v, const char *word)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(emb_label(v->f, i, v->field), word) == 0)
			return i;
	if (v->n < v->f->rows)
		emb_err(v->name, "no row labelled '%s' in the first %zu", emb_quote(word),
		    v->n);
	emb_err(v->name, "no row labelled '%s'", emb_quote(word));
}

static void
print_row(const char *query, size_t rank, const struct vocab *v, size_t row,
    double value)
{
	emb_put_tsv(stdout, query);
	emb_printf(stdout, "\t%zu\t", rank);
	emb_put_tsv(stdout, emb_label(v->f, row, v->field));
	emb_printf(stdout, "\t%.6g\n", value);
}

static void
nearest(const struct vocab *v, const char *word, size_t k, const struct opts *o)
{
	size_t row = lookup(v, word), s;
	int32_t *idx = emb_alloc(k, sizeof *idx);
	float *dist = emb_alloc(k, sizeof *dist);
	double value;

	knn_search_rows(v->f->data, v->n, v->f->cols, &row, 1, k, v->metric,
	    o->knn.threads, idx, dist);
	for (s = 0; s < k; s++) {
		value = v->metric == KNN_COSINE ? 1 - (double)dist[s] :
		    v->metric == KNN_DOT ? -(double)dist[s] : dist[s];
		print_row(word, s + 1, v, (size_t)idx[s], value);
	}
	free(idx);
	free(dist);
}

/*
 * a : b :: c : ?  3CosAdd ranks by the cosine with b - a + c on unit vectors,
 * 3CosMul by cos'(b) cos'(c) / (cos'(a) + 1e-6), cos' = (1 + cos) / 2, as
 * gensim's most_similar and most_similar_cosmul do.
 */
static void
analogy(const struct vocab *v, const float *U, const char *arg, size_t k,
    const struct opts *o, float *s)
{
	size_t d = v->f->cols, n = v->n, row[3], len[3], i, j, rank;
	const char *w[3];
	char *word[3], *query;
	float *m, *sa, *sb, norm;
	int32_t *top;

	if (text_words(arg, arg + strlen(arg), w, len, 3) != 3)
		emb_err(NULL, "-a '%s': an analogy is three words, a b c",
		    emb_quote(arg));
	for (i = 0; i < 3; i++)
		word[i] = emb_strndup(w[i], len[i]);
	top = emb_alloc(k + 3, sizeof *top);
	for (i = 0; i < 3; i++)
		row[i] = lookup(v, word[i]);
	m = emb_zalloc(d, sizeof *m);
	if (!o->cosmul) {
		for (j = 0; j < d; j++)
			m[j] = (U[row[1] * d + j] + U[row[2] * d + j]) - U[row[0] * d + j];
		for (norm = 0, j = 0; j < d; j++)
			norm += m[j] * m[j];
		for (norm = norm > 0 ? 1 / sqrtf(norm) : 0, j = 0; j < d; j++)
			m[j] *= norm;
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1, U, (int)d,
		    m, 1, 0, s, 1);
	} else {
		sa = emb_alloc(n, sizeof *sa);
		sb = emb_alloc(n, sizeof *sb);
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1, U, (int)d,
		    U + row[0] * d, 1, 0, sa, 1);
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1, U, (int)d,
		    U + row[1] * d, 1, 0, sb, 1);
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1, U, (int)d,
		    U + row[2] * d, 1, 0, s, 1);
		for (j = 0; j < n; j++)
			s[j] = ((1 + sb[j]) / 2 * ((1 + s[j]) / 2)) /
			    ((1 + sa[j]) / 2 + 0.000001f);
		free(sa);
		free(sb);
	}
	top_scores(s, n, k + 3 < n ? k + 3 : n, top);
	query = emb_alloc(strlen(arg) + 1, 1);
	snprintf(query, strlen(arg) + 1, "%s %s %s", word[0], word[1], word[2]);
	for (i = 0, rank = 0; i < (k + 3 < n ? k + 3 : n) && rank < k; i++) {
		if ((size_t)top[i] == row[0] || (size_t)top[i] == row[1] ||
		    (size_t)top[i] == row[2])
			continue;
		print_row(query, ++rank, v, (size_t)top[i], s[top[i]]);
	}
	free(query);
	free(m);
	free(top);
	for (i = 0; i < 3; i++)
		free(word[i]);
}

void
query_words(const struct opts *o)
{
	struct emb_frame f;
	struct vocab v;
	size_t k = o->k ? o->k : DEFAULT_K_TEXT, i;
	float *U, *s;

	read_points(o->input, &f);
	vocab_open(&v, &f, o);
	if (o->nqueries > 0 && k >= v.n)
		emb_err(v.name, "k = %zu with %zu rows (1 <= k < rows)", k, v.n);
	if (o->nanalogies > 0 && v.n < 4)
		emb_err(v.name, "%zu rows: too few for an analogy", v.n);
	for (i = 0; i < o->nqueries; i++)
		nearest(&v, o->queries[i], k, o);
	if (o->nanalogies > 0) {
		U = knn_unit_rows(f.data, v.n, f.cols);
		s = emb_alloc(v.n, sizeof *s);
		for (i = 0; i < o->nanalogies; i++)
			analogy(&v, U, o->analogies[i], k, o, s);
		free(U);
		free(s);
	}
	emb_frame_free(&f);
}
