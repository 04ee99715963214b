/*
 * Words as gensim sees them: Python's str.upper() (full Unicode case
 * mapping) and str.split() (Unicode white space) on UTF-8.  Bytes that are
 * not UTF-8 stand for themselves.
 */
#include <stdlib.h>
#include <string.h>

#include "emb-knn.h"

/* The code point at s (before end) and its length; -1 and 1 for a bad byte. */
static int32_t
decode(const unsigned char *s, const unsigned char *end, size_t *len)
{
	int32_t c;
	size_t n, i;

	*len = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return -1;
	if ((size_t)(end - s) < n)
		return -1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*len = n;
	return c;
}

static size_t
encode(int32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

size_t
text_char(const char *s, const char *end, int *space)
{
	size_t len, lo = 0, hi = split_nspaces, mid;
	int32_t c = decode((const unsigned char *)s, (const unsigned char *)end, &len);

	*space = 0;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (split_spaces[mid] == c) {
			*space = 1;
			break;
		}
		if (split_spaces[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return len;
}

static size_t
text_space(const char *s, const char *end)
{
	int space;
	size_t len = text_char(s, end, &space);

	return space ? len : 0;
}

size_t
text_words(const char *s, const char *end, const char **w, size_t *len, size_t max)
{
	size_t n = 0, sp;

	while (s < end) {
		while (s < end && (sp = text_space(s, end)) > 0)
			s += sp;
		if (s == end || n == max)
			break;
		for (w[n] = s; s < end && text_space(s, end) == 0; s++)
			;
		len[n] = (size_t)(s - w[n]);
		n++;
	}
	return s < end ? max + 1 : n;
}

/* Upper case of c into out; the number of bytes. */
static size_t
upper(int32_t c, char *out)
{
	size_t lo = 0, hi = upper_nmulti, mid, n = 0, i;
	const int32_t *r;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (upper_multi[mid][0] == c) {
			for (i = 1; i < 4 && upper_multi[mid][i] != 0; i++)
				n += encode(upper_multi[mid][i], out + n);
			return n;
		}
		if (upper_multi[mid][0] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the last run starting at or before c */
	lo = 0;
	hi = upper_nruns;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (upper_runs[mid][0] <= c)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0) {
		r = upper_runs[lo - 1];
		if (c <= r[1] && (c - r[0]) % r[2] == 0)
			c += r[3];
	}
	return encode(c, out);
}

char *
text_upper(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	char *out = emb_alloc(emb_mul(len, 3) + 1, 1);
	size_t n = 0, l;
	int32_t c;

	while (p < end) {
		c = decode(p, end, &l);
		if (c < 0)
			out[n++] = (char)*p;
		else
			n += upper(c, out + n);
		p += l;
	}
	out[n] = '\0';
	return out;
}
