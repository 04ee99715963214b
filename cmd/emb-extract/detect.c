/*
 * The format of an input: binary formats by their magic bytes, then the
 * file name's extension, then the first lines of text.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"

#define PEEK	65536

static int
is_sep(int c)
{
	return c == ' ' || c == '\t';
}

/* Are the fields of s[0..n), split by sep (' ': runs of blanks), all numbers? */
static int
all_numbers(const char *s, size_t n, int sep, size_t *count)
{
	const char *p = s, *q, *end = s + n;
	float v;

	*count = 0;
	for (;;) {
		while (p < end && (*p == ' ' || (sep == ' ' && *p == '\t')))
			p++;
		if (p == end)
			return sep == ' ' && *count > 0;
		q = parse_float(p, &v);
		if (q == NULL || q > end)
			return 0;
		(*count)++;
		p = q;
		while (p < end && (*p == ' ' || (sep == ' ' && *p == '\t')))
			p++;
		if (p == end)
			return 1;
		if (sep == ' ') {
			if (p == q)
				return 0;
			continue;
		}
		if (*p != sep)
			return 0;
		p++;
	}
}

static int
is_count(const char *p, const char *end, const char **next)
{
	const char *s = p;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	*next = p;
	return p > s;
}

static enum format
by_name(const char *name)
{
	static const struct {
		const char *ext;
		enum format fmt;
	} ext[] = {
		{ ".npy", FMT_NPY }, { ".npz", FMT_NPZ },
		{ ".safetensors", FMT_SAFETENSORS }, { ".emb", FMT_EMB },
		{ ".tsv", FMT_TSV }, { ".csv", FMT_CSV }, { ".vec", FMT_FASTTEXT },
	};
	size_t n = strlen(name), i, e;

	if (n > 3 && strcmp(name + n - 3, ".gz") == 0)
		n -= 3;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		e = strlen(ext[i].ext);
		if (n > e && strncmp(name + n - e, ext[i].ext, e) == 0)
			return ext[i].fmt;
	}
	return FMT_AUTO;
}

/*
 * torch.save's zip begins with its pickle, NAME/data.pkl; the legacy format
 * with a pickled magic number (LONG1 0x1950a86a20f9469cfc6c).
 */
static int
is_torch(const char *p, size_t n)
{
	size_t nlen;

	if (n >= 14 && memcmp(p, "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8"
	    "\x50\x19", 14) == 0)
		return 1;
	if (n < 30 || memcmp(p, "PK\3\4", 4) != 0)
		return 0;
	nlen = (unsigned char)p[26] | (unsigned char)p[27] << 8;
	return nlen >= 9 && 30 + nlen <= n && memcmp(p + 30 + nlen - 9, "/data.pkl", 9) == 0;
}

/* A zip named as checkpoints are, whatever its first entry. */
static int
torch_name(const char *name)
{
	static const char *ext[] = { ".pt", ".pth", ".ckpt", ".bin" };
	size_t n = strlen(name), i, e;

	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		e = strlen(ext[i]);
		if (n > e && strcmp(name + n - e, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * After a "rows cols" line: a word and numbers is word2vec text (nan and
 * tabs included); as many numbers as the first line had, and no word, is
 * a table of numbers (FMT_AUTO: look further); anything else is binary.
 * A line cut by the end of what we looked at is judged by its whole fields.
 */
static enum format
second_line(const char *s, const char *end, unsigned long long cols)
{
	const char *nl, *e, *w;
	size_t count, n;

	if (s >= end)
		return FMT_WORD2VEC;	/* no rows, or only the header so far */
	nl = memchr(s, '\n', (size_t)(end - s));
	n = (size_t)((nl != NULL ? nl : end) - s);
	if (nl == NULL)
		while (n > 0 && !is_sep(s[n - 1]))
			n--;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	e = s + n;
	if (memchr(s, '\0', n) != NULL)
		return FMT_WORD2VEC_BIN;
	if (nl != NULL && cols != 1 && all_numbers(s, e - s, ' ', &count) && count == 2)
		return FMT_AUTO;
	for (w = s; w < e && !is_sep(*w); w++)
		;
	if (w == s || w == e || !all_numbers(w, e - w, ' ', &count))
		return FMT_WORD2VEC_BIN;
	return FMT_WORD2VEC;
}

enum format
detect(struct input *in, const char *name)
{
	size_t n = in_fill(in, PEEK), len, count;
	const char *p = (const char *)in_ptr(in), *end, *q, *nl;
	enum format named = by_name(name), fmt;
	unsigned long long cols;
	uint64_t hlen;

	if (n == 0)
		emb_err(name, "empty input");
	if (n >= 4 && memcmp(p, "EMB ", 4) == 0)
		return FMT_EMB;
	if (n >= 6 && memcmp(p, "\x93NUMPY", 6) == 0)
		return FMT_NPY;
	if (n >= 4 && memcmp(p, "GGUF", 4) == 0)
		return FMT_GGUF;
	if (is_torch(p, n))
		return FMT_TORCH;
	if (n >= 4 && (memcmp(p, "PK\3\4", 4) == 0 || memcmp(p, "PK\5\6", 4) == 0))
		return torch_name(name) ? FMT_TORCH : FMT_NPZ;
	if (n >= 10 && p[8] == '{') {
		hlen = (uint64_t)emb_get_le32((const unsigned char *)p) |
		    (uint64_t)emb_get_le32((const unsigned char *)p + 4) << 32;
		if (hlen >= 2 && hlen < (1ULL << 40))
			return FMT_SAFETENSORS;
	}
	if (named == FMT_NPY || named == FMT_NPZ || named == FMT_SAFETENSORS ||
	    named == FMT_EMB)
		return named;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		in_take(in, 3);		/* a UTF-8 byte order mark */
		p += 3;
		n -= 3;
	}

	end = p + n;
	nl = memchr(p, '\n', n);
	len = (nl != NULL ? nl : end) - p;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (memchr(p, '\0', len) != NULL)
		emb_err(name, "cannot tell the format (binary data; use -f)");

	if (named == FMT_TSV || named == FMT_CSV)
		return named;
	/* "rows cols": word2vec or fastText, text or binary */
	q = p;
	while (q < p + len && is_sep(*q))
		q++;
	if (is_count(q, p + len, &q) && q < p + len && is_sep(*q)) {
		while (q < p + len && is_sep(*q))
			q++;
		cols = strtoull(q, NULL, 10);
		if (is_count(q, p + len, &q)) {
			while (q < p + len && is_sep(*q))
				q++;
			if (q == p + len) {
				fmt = second_line(nl != NULL ? nl + 1 : end, end, cols);
				if (fmt == FMT_WORD2VEC && named == FMT_FASTTEXT)
					return FMT_FASTTEXT;
				if (fmt != FMT_AUTO)
					return fmt;
			}
		}
	}
	if (all_numbers(p, len, '\t', &count) && memchr(p, '\t', len) != NULL)
		return FMT_TSV;
	if (all_numbers(p, len, ',', &count) && memchr(p, ',', len) != NULL)
		return FMT_CSV;
	if (all_numbers(p, len, ' ', &count))
		return FMT_TSV;
	/* a word, then numbers */
	q = p;
	while (q < p + len && !is_sep(*q))
		q++;
	if (q < p + len && all_numbers(q, p + len - q, ' ', &count))
		return named == FMT_FASTTEXT ? FMT_FASTTEXT : FMT_GLOVE;
	if (memchr(p, '\t', len) != NULL)
		return FMT_TSV;
	if (memchr(p, ',', len) != NULL)
		return FMT_CSV;
	emb_err(name, "cannot tell the format of the first line (use -f)");
}
