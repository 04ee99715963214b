/*
 * Text formats: word2vec and fastText (.vec: a "rows cols" line, then a word
 * and its numbers per line), GloVe (the same without the first line), TSV
 * (TensorBoard's tensors.tsv; numbers split by tabs or blanks) and CSV.
 * Numbers are parsed straight into the matrix, a line at a time from a
 * buffer of the input; nothing else of the text is kept.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

struct text {
	struct job *j;
	struct input *in;
	int	 words;		/* each line starts with a word */
	int	 sep;		/* ' ': runs of blanks; ',' */
	size_t	 line;		/* number of the current line, from 1 */
	size_t	 cols;
	char	*p, *e;		/* the current line; *e is '\n' or NUL */
	size_t	 first;		/* the line that set cols; 0: a header did */
	char	 firstmsg[40];
};

/*
 * The next line into t->p..t->e; 0 at the end of the input.  A line is as
 * long as its word and its numbers can be, and no longer: until the first
 * row tells the columns, as long as the most a stream can hold.
 */
static int
next_line(struct text *t)
{
	size_t len, max;

	max = (t->words ? MAX_WORD : 0) +
	    (t->cols > 0 ? t->cols : EMB_MAX_COLS) * MAX_NUMBER;
	if ((t->p = in_line(t->in, &len, t->line + 1, max)) == NULL)
		return 0;
	t->e = t->p + len;
	t->line++;
	return 1;
}

static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
empty_line(const struct text *t)
{
	const char *q;

	for (q = t->p; q < t->e; q++)
		if (!blank(*q))
			return 0;
	return 1;
}

/* A field for a message: at most 40 bytes of it, quoted. */
static const char *
show(const char *s, const char *e)
{
	size_t n = 0;

	while (s + n < e && n < 40 && !blank(s[n]) && s[n] != ',' && s[n] != '\n')
		n++;
	return emb_quote_n(s, n);
}

static void __attribute__((noreturn))
bad_value(struct text *t, const char *q, size_t k)
{
	const char *s = show(q, t->e);
	float v;

	if (parse_float(q, &v) != NULL && !isfinite(v)) {
		if (strpbrk(s, "0123456789") != NULL)
			emb_err(t->j->name, "line %zu, value %zu: '%s' is out of the "
			    "float32 range", t->line, k + 1, s);
		emb_err(t->j->name, "line %zu, value %zu: non-finite value '%s' "
		    "(allowed with --allow-nonfinite)", t->line, k + 1, s);
	}
	emb_err(t->j->name, "line %zu, value %zu: '%s' is not a number", t->line,
	    k + 1, s);
}

enum { ROW_OK, ROW_BAD, ROW_RAGGED };

static size_t
count_fields(const char *q, const char *e, int sep)
{
	size_t n = 0;

	while (q < e) {
		while (q < e && (blank(*q) || *q == sep))
			q++;
		if (q == e)
			break;
		n++;
		while (q < e && !blank(*q) && *q != sep)
			q++;
	}
	return n;
}

/*
 * The numbers of a line from q on into row: ROW_OK when there are exactly
 * t->cols of them, ROW_RAGGED when there are *count, ROW_BAD at a field
 * that is not a number (*at).
 */
static int
numbers(struct text *t, const char *q, float *row, const char **at, size_t *count)
{
	const char *e = t->e, *r;
	size_t k, cols = t->cols;
	int allow = t->j->o->allow_nonfinite, sep = t->sep;

	for (k = 0;; k++) {
		while (*q == ' ' || *q == '\t')
			q++;
		if (sep == ',' && k > 0 && q < e && *q != '\r') {
			if (*q != ',')
				break;
			q++;
			while (*q == ' ' || *q == '\t')
				q++;
			if (q >= e || *q == ',' || *q == '\r') {
				*at = q;
				*count = k;
				return ROW_BAD;
			}
		}
		if (q >= e || *q == '\r')
			break;
		if (k == cols) {
			*count = k + count_fields(q, e, sep);
			return ROW_RAGGED;
		}
		r = parse_float(q, &row[k]);
		if (r == NULL || !(*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n' ||
		    *r == '\0' || *r == sep) || (!allow && !isfinite(row[k]))) {
			*at = q;
			*count = k;
			return ROW_BAD;
		}
		q = r;
	}
	while (q < e && blank(*q))
		q++;
	*at = q;
	*count = k;
	if (q < e)
		return ROW_BAD;
	return k == cols ? ROW_OK : ROW_RAGGED;
}

/*
 * GloVe's big files have words with spaces in them (". . ."): when a line
 * has too many fields, the last cols fields are the numbers if the extra
 * ones before them are not numbers.  Returns the end of the word.
 */
static const char *
word_with_spaces(struct text *t, float *row)
{
	const char *q = t->e, *wend, *at, *r;
	size_t k, count;
	float v;

	for (k = 0; k < t->cols; k++) {
		while (q > t->p && blank(q[-1]))
			q--;
		while (q > t->p && !blank(q[-1]))
			q--;
	}
	wend = q;
	while (wend > t->p && blank(wend[-1]))
		wend--;
	if (wend == t->p)
		return NULL;
	q = t->p;
	while (q < wend && !blank(*q))
		q++;
	while (q < wend) {
		while (q < wend && blank(*q))
			q++;
		r = parse_float(q, &v);
		if (r != NULL && (r == wend || blank(*r)))
			return NULL;
		while (q < wend && !blank(*q))
			q++;
	}
	if (numbers(t, wend, row, &at, &count) != ROW_OK)
		return NULL;
	return wend;
}

static void
row(struct text *t)
{
	struct job *j = t->j;
	const char *q = t->p, *at, *wend;
	float *slot = table_row(j);
	size_t count;
	int rc;

	if (t->words)
		while (q < t->e && *q != ' ' && *q != '\t')
			q++;
	wend = q;
	rc = numbers(t, q, slot, &at, &count);
	if (rc != ROW_OK && t->words && t->cols > 0 &&
	    (wend = word_with_spaces(t, slot)) != NULL)
		rc = ROW_OK;
	if (rc == ROW_BAD)
		bad_value(t, at, count);
	if (rc == ROW_RAGGED)
		emb_err(j->name, "line %zu: %zu values, expected %zu (as %s)", t->line,
		    count, t->cols, t->first == 0 ? "the header says" : t->firstmsg);
	if (t->words)
		add_word(j, t->p, wend - t->p, "line", t->line);
}

/* How many numbers the first data line has; then it is parsed as a row. */
static void
first_row(struct text *t)
{
	const char *q = t->p;
	size_t n;

	if (t->words)
		while (q < t->e && *q != ' ' && *q != '\t')
			q++;
	n = count_fields(q, t->e, t->sep);
	if (n == 0)
		emb_err(t->j->name, "line %zu: no numbers%s", t->line,
		    t->words ? " after the word" : "");
	if (n > EMB_MAX_COLS)
		emb_err(t->j->name, "line %zu: %zu values, more than the %llu a stream "
		    "can hold", t->line, n, EMB_MAX_COLS);
	t->cols = n;
	t->j->f.cols = n;
	t->first = t->line;
	snprintf(t->firstmsg, sizeof t->firstmsg, "on line %zu", t->line);
	row(t);
}

/* A header line of column names in TSV or CSV: its first field is not a number. */
static int
names_line(const struct text *t)
{
	const char *q = t->p;
	float v;

	while (q < t->e && blank(*q))
		q++;
	q = parse_float(q, &v);
	return q == NULL || !(blank(*q) || *q == ',' || q == t->e);
}

static void
word2vec_header(struct text *t, size_t *rows)
{
	unsigned long long n, d;
	char *end;

	*t->e = '\0';
	n = strtoull(t->p, &end, 10);
	if (end == t->p || !blank(*end))
		goto bad;
	d = strtoull(end, &end, 10);
	while (blank(*end))
		end++;
	if (*end != '\0')
		goto bad;
	if (d == 0 || d > EMB_MAX_COLS || n > EMB_MAX_ROWS)
		emb_err(t->j->name, "line 1: %llu rows of %llu values: out of range",
		    n, d);
	*rows = n;
	t->cols = d;
	t->j->f.cols = d;
	return;
bad:
	emb_err(t->j->name, "line 1: not a 'rows cols' header as word2vec "
	    "files start with");
}

void
text_read(struct job *j, struct input *in, enum format fmt)
{
	struct text t = { 0 };
	size_t limit = read_limit(j->o), announced = SIZE_MAX, blank_line = 0;
	int have = 0;

	t.j = j;
	t.in = in;
	t.words = fmt == FMT_WORD2VEC || fmt == FMT_FASTTEXT || fmt == FMT_GLOVE;
	t.sep = fmt == FMT_CSV ? ',' : ' ';
	j->complete = 1;
	if (in_fill(in, 3) >= 3 && memcmp(in_ptr(in), "\xef\xbb\xbf", 3) == 0)
		in_take(in, 3);		/* a UTF-8 byte order mark */
	if (fmt == FMT_WORD2VEC || fmt == FMT_FASTTEXT) {
		if (!next_line(&t))
			emb_err(j->name, "empty input");
		word2vec_header(&t, &announced);
	}
	while (next_line(&t)) {
		if (empty_line(&t)) {
			if (blank_line == 0)
				blank_line = t.line;
			continue;
		}
		if (blank_line != 0)
			emb_err(j->name, "line %zu: empty line", blank_line);
		if (j->f.rows == limit && t.cols > 0) {
			j->complete = 0;
			break;
		}
		if (j->f.rows == announced)
			emb_err(j->name, "line %zu: more rows than the %zu the header "
			    "announces", t.line, announced);
		if (have) {
			row(&t);
		} else if ((fmt == FMT_TSV || fmt == FMT_CSV) && t.line == 1 &&
		    names_line(&t)) {
			continue;
		} else if (t.cols > 0) {
			row(&t);
			have = 1;
		} else {
			first_row(&t);
			have = 1;
			if (limit == 0) {	/* -n 0: the columns, no rows */
				j->f.rows = 0;
				j->f.labelbytes = 0;
			}
		}
		if (j->f.rows == limit && j->f.rows != announced) {
			j->complete = 0;
			break;
		}
	}
	if (j->complete && announced != SIZE_MAX && j->f.rows != announced)
		emb_err(j->name, "line %zu: the header announces %zu rows, the file "
		    "ends after %zu", t.line, announced, j->f.rows);
	if (!have && t.cols == 0)
		emb_err(j->name, "no rows");
	if (in->regular)
		emb_progress("reading", in->rawsize, in->rawsize);
}
