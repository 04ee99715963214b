/*
 * --analogies: a questions-words.txt file evaluated as gensim 4's
 * KeyedVectors.evaluate_word_analogies(restrict_vocab=n,
 * case_insensitive=True) does it: words compared in upper case, a word
 * standing for the first of the vocabulary's rows that has it; a question
 * with a word outside the vocabulary skipped (and counted); the answer the
 * best of the top five by 3CosAdd, the three question words left out, that
 * is not one of them in upper case.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "emb-knn.h"

#define BATCH	64	/* questions scored by one sgemm, at most */
#define SCORES	(1 << 23)	/* scores a thread holds, at most (unless BATCH is 1) */
#define TOPN	5	/* gensim looks at this many answers */
#define MAX_LINE (4 * (EMB_MAX_LABEL + 1))	/* four words of a question, at most */

struct question {
	int32_t	a, b, c, want;	/* rows (first of their upper-case word) */
	size_t	section;
	int	correct;
};

struct section {
	char	*name;
	size_t	 seen, skipped, correct;
};

struct eval {
	const char	*path;
	struct words	*vocab;		/* upper-case word -> its first row */
	int32_t		*key;		/* row -> the first row of its upper-case word */
	struct question	*q;
	size_t		 nq, capq;
	struct section	*sec;
	size_t		 nsec;
};

/* One line of the file (without its newline). */
static void
parse_line(struct eval *e, char *line, size_t len, size_t lineno)
{
	const char *p = line, *end = line + len, *w[4];
	size_t nw, wl[4], i;
	int64_t row[4];
	int space;
	char *up;
	struct question *q;

	if (len >= 2 && line[0] == ':' && line[1] == ' ') {
		/* Python's line.lstrip(': ').strip() */
		while (p < end && (*p == ':' || *p == ' '))
			p++;
		w[0] = p;
		wl[0] = 0;
		while (p < end) {
			p += text_char(p, end, &space);
			if (!space)
				wl[0] = (size_t)(p - w[0]);
			else if (wl[0] == 0)
				w[0] = p;
		}
		e->sec = emb_realloc(e->sec, e->nsec + 1, sizeof *e->sec);
		memset(e->sec + e->nsec, 0, sizeof *e->sec);
		e->sec[e->nsec++].name = emb_strndup(w[0], wl[0]);
		return;
	}
	nw = text_words(line, end, w, wl, 4);
	if (nw == 0)
		return;
	if (e->nsec == 0)
		emb_err(e->path, "line %zu: a question before the first ': section' line",
		    lineno);
	if (nw != 4)
		emb_err(e->path, "line %zu: %s%zu words; a question is four, a b c d",
		    lineno, nw > 4 ? "more than " : "", nw > 4 ? (size_t)4 : nw);
	for (i = 0; i < 4; i++) {
		up = text_upper(w[i], wl[i]);
		row[i] = words_get(e->vocab, up);
		free(up);
	}
	if (row[0] < 0 || row[1] < 0 || row[2] < 0 || row[3] < 0) {
		e->sec[e->nsec - 1].skipped++;
		return;
	}
	if (e->nq == e->capq) {
		e->capq = e->capq ? 2 * e->capq : 1024;
		e->q = emb_realloc(e->q, e->capq, sizeof *e->q);
	}
	q = e->q + e->nq++;
	q->a = (int32_t)row[0];
	q->b = (int32_t)row[1];
	q->c = (int32_t)row[2];
	q->want = (int32_t)row[3];
	q->section = e->nsec - 1;
	q->correct = 0;
	e->sec[e->nsec - 1].seen++;
}

/* Plain or gzipped, through lib's input layer: a cut gzip stream is an error. */
static void
read_questions(struct eval *e)
{
	struct emb_input *in;
	char *line = NULL;
	size_t cap = 0;
	long len;

	if (strcmp(e->path, "-") == 0)
		emb_err(NULL, "--analogies: the questions cannot come from stdin");
	in = emb_input_open(e->path);
	while ((len = emb_input_line(in, &line, &cap, MAX_LINE)) >= 0) {
		if (memchr(line, '\0', (size_t)len) != NULL)
			emb_err(e->path, "line %ld: a NUL byte", emb_input_lineno(in));
		parse_line(e, line, (size_t)len, (size_t)emb_input_lineno(in));
	}
	free(line);
	emb_input_close(in);
}

/* The upper-case word of every row of the vocabulary, its first row kept. */
static void
index_vocab(struct eval *e, const struct emb_frame *f, int field, size_t n)
{
	const char *w;
	char *up;
	size_t i;

	e->vocab = words_new(n);
	e->key = emb_alloc(n, sizeof *e->key);
	for (i = 0; i < n; i++) {
		w = emb_label(f, i, field);
		up = text_upper(w, strlen(w));
		e->key[i] = (int32_t)words_add(e->vocab, up, (int64_t)i);
		free(up);
	}
}

/* gensim's choice among its top five: the first not a question word in upper case. */
static int
judge(const struct eval *e, const struct question *q, const float *s, size_t n)
{
	int32_t top[TOPN + 3], pick = -1;
	size_t i, seen = 0, m = TOPN + 3 < n ? TOPN + 3 : n;

	top_scores(s, n, m, top);
	for (i = 0; i < m && seen < TOPN; i++) {
		if (top[i] == q->a || top[i] == q->b || top[i] == q->c)
			continue;
		seen++;
		pick = e->key[top[i]];
		if (pick != q->a && pick != q->b && pick != q->c)
			break;
	}
	return pick >= 0 && pick == q->want;
}

static void
score(struct eval *e, const float *U, size_t n, size_t d, int cosmul, int threads)
{
	size_t per = (cosmul ? 3 : 1) * n, batch = SCORES / per;
	size_t nb;
	int oblas = openblas_get_num_threads();

	batch = batch < 1 ? 1 : batch > BATCH ? BATCH : batch;
	nb = (e->nq + batch - 1) / batch;
	openblas_set_num_threads(1);
#pragma omp parallel num_threads(threads)
	{
		float *Q = emb_alloc(emb_mul(3 * batch, d), sizeof *Q);
		float *S = emb_alloc(emb_mul(batch, per), sizeof *S);
		float *sa, *sb, *sc, norm;
		struct question *q;
		size_t b, i, j, m, rows;

#pragma omp for schedule(dynamic, 1)
		for (b = 0; b < nb; b++) {
			q = e->q + b * batch;
			m = e->nq - b * batch < batch ? e->nq - b * batch : batch;
			if (!cosmul) {
				for (i = 0; i < m; i++) {
					float *v = Q + i * d;
					for (norm = 0, j = 0; j < d; j++) {
						v[j] = (U[q[i].b * d + j] + U[q[i].c * d + j]) -
						    U[q[i].a * d + j];
						norm += v[j] * v[j];
					}
					norm = norm > 0 ? 1 / sqrtf(norm) : 0;
					for (j = 0; j < d; j++)
						v[j] *= norm;
				}
				rows = m;
			} else {
				for (i = 0; i < m; i++) {
					memcpy(Q + i * d, U + q[i].a * d, d * sizeof *Q);
					memcpy(Q + (m + i) * d, U + q[i].b * d, d * sizeof *Q);
					memcpy(Q + (2 * m + i) * d, U + q[i].c * d, d * sizeof *Q);
				}
				rows = 3 * m;
			}
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,
			    (int)n, (int)d, 1, Q, (int)d, U, (int)d, 0, S, (int)n);
			for (i = 0; i < m; i++) {
				if (cosmul) {
					sa = S + i * n;
					sb = S + (m + i) * n;
					sc = S + (2 * m + i) * n;
					for (j = 0; j < n; j++)
						sa[j] = ((1 + sb[j]) / 2 * ((1 + sc[j]) / 2)) /
						    ((1 + sa[j]) / 2 + 0.000001f);
				}
				q[i].correct = judge(e, q + i, S + i * n, n);
			}
		}
		free(Q);
		free(S);
	}
	openblas_set_num_threads(oblas);
}

static void
report(const struct eval *e)
{
	struct section t = { NULL, 0, 0, 0 };
	size_t i;

	for (i = 0; i < e->nq; i++)
		e->sec[e->q[i].section].correct += e->q[i].correct;
	for (i = 0; i < e->nsec; i++) {
		emb_put_tsv(stdout, e->sec[i].name);
		emb_printf(stdout, "\t%zu\t%zu\t%zu\t%.6f\n", e->sec[i].correct,
		    e->sec[i].seen, e->sec[i].skipped, e->sec[i].seen ?
		    (double)e->sec[i].correct / e->sec[i].seen : 0.0);
		t.correct += e->sec[i].correct;
		t.seen += e->sec[i].seen;
		t.skipped += e->sec[i].skipped;
	}
	emb_printf(stdout, "total\t%zu\t%zu\t%zu\t%.6f\n", t.correct, t.seen,
	    t.skipped, t.seen ? (double)t.correct / t.seen : 0.0);
}

void
evaluate_analogies(const struct opts *o)
{
	const char *name = o->input ? o->input : "stdin";
	struct emb_frame f;
	struct eval e;
	int field;
	size_t n, i;
	float *U;

	memset(&e, 0, sizeof e);
	e.path = o->questions;
	read_points(o->input, &f);
	if (f.nfields == 0)
		emb_err(name, "no labels to look words up in");
	field = o->field ? emb_field_index(&f, o->field) : 0;
	if (field < 0)
		emb_err(name, "no label field '%s'", emb_quote(o->field));
	n = o->vocab && o->vocab < f.rows ? o->vocab : f.rows;
	if (knn_bad_row(f.data, n, f.cols) < n)
		check_finite(name, &f);
	index_vocab(&e, &f, field, n);
	read_questions(&e);
	U = knn_unit_rows(f.data, n, f.cols);
	if (e.nq > 0)
		score(&e, U, n, f.cols, o->cosmul, o->knn.threads > 0 ?
		    o->knn.threads : omp_get_max_threads());
	report(&e);
	free(U);
	for (i = 0; i < e.nsec; i++)
		free(e.sec[i].name);
	free(e.sec);
	free(e.q);
	free(e.key);
	words_free(e.vocab);
	emb_frame_free(&f);
}
