/*
 * Just enough JSON to read a safetensors header: a cursor over the text
 * that hands out strings (decoded in place), whole numbers, and skips
 * whatever else is there.  No tree is built, so nothing leaks on an error.
 */
#include <string.h>

#include "extract.h"

void
json_error(struct json *j, const char *fmt, ...)
{
	char where[128];
	va_list ap;

	snprintf(where, sizeof where, "byte %llu: %s",
	    (unsigned long long)(j->base + j->pos), j->what);
	va_start(ap, fmt);
	emb_verr(j->name, where, fmt, ap);
}

int
json_peek(struct json *j)
{
	while (j->pos < j->len && (j->s[j->pos] == ' ' || j->s[j->pos] == '\t' ||
	    j->s[j->pos] == '\n' || j->s[j->pos] == '\r'))
		j->pos++;
	return j->pos < j->len ? (unsigned char)j->s[j->pos] : -1;
}

void
json_expect(struct json *j, int c)
{
	if (json_peek(j) != c)
		json_error(j, "expected '%c'", c);
	j->pos++;
}

static int
hex4(struct json *j, size_t at)
{
	int v = 0, i, c;

	if (at + 4 > j->len)
		json_error(j, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		c = (unsigned char)j->s[at + i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			json_error(j, "bad \\u escape");
	}
	return v;
}

/* A string, decoded in place (escapes only ever shrink) and NUL-terminated. */
char *
json_string(struct json *j)
{
	char *start, *w;
	unsigned c;
	long u, lo;

	if (json_peek(j) != '"')
		json_error(j, "expected a string");
	start = w = j->s + ++j->pos;
	for (;;) {
		if (j->pos >= j->len)
			json_error(j, "unterminated string");
		c = (unsigned char)j->s[j->pos];
		if (c == '"')
			break;
		if (c < 0x20)
			json_error(j, "control byte in a string");
		if (c != '\\') {
			*w++ = (char)c;
			j->pos++;
			continue;
		}
		if (++j->pos >= j->len)
			json_error(j, "unterminated string");
		c = (unsigned char)j->s[j->pos++];
		switch (c) {
		case '"': case '\\': case '/': *w++ = (char)c; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'u':
			u = hex4(j, j->pos);
			j->pos += 4;
			if (u >= 0xd800 && u < 0xdc00 && j->pos + 6 <= j->len &&
			    j->s[j->pos] == '\\' && j->s[j->pos + 1] == 'u' &&
			    (lo = hex4(j, j->pos + 2)) >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				j->pos += 6;
			}
			if (u == 0)
				json_error(j, "NUL byte in a string");
			if (u < 0x80) {
				*w++ = (char)u;
			} else if (u < 0x800) {
				*w++ = (char)(0xc0 | u >> 6);
				*w++ = (char)(0x80 | (u & 0x3f));
			} else if (u < 0x10000) {
				*w++ = (char)(0xe0 | u >> 12);
				*w++ = (char)(0x80 | (u >> 6 & 0x3f));
				*w++ = (char)(0x80 | (u & 0x3f));
			} else {
				*w++ = (char)(0xf0 | u >> 18);
				*w++ = (char)(0x80 | (u >> 12 & 0x3f));
				*w++ = (char)(0x80 | (u >> 6 & 0x3f));
				*w++ = (char)(0x80 | (u & 0x3f));
			}
			break;
		default:
			json_error(j, "bad escape '\\%c'", c);
		}
	}
	j->pos++;
	*w = '\0';
	return start;
}

uint64_t
json_uint(struct json *j)
{
	uint64_t v = 0;
	unsigned c;
	size_t start;

	if (json_peek(j) < '0' || json_peek(j) > '9')
		json_error(j, "expected a whole number");
	start = j->pos;
	while (j->pos < j->len && (c = (unsigned char)j->s[j->pos] - '0') < 10) {
		if (v > (UINT64_MAX - c) / 10)
			json_error(j, "number too large");
		v = v * 10 + c;
		j->pos++;
	}
	if (j->pos < j->len && strchr(".eE", j->s[j->pos]) != NULL)
		json_error(j, "expected a whole number");
	if (j->pos - start > 1 && j->s[start] == '0')
		json_error(j, "leading zero");
	return v;
}

static void
skip_depth(struct json *j, int depth)
{
	int c = json_peek(j);

	if (depth > 64)
		json_error(j, "nested too deeply");
	if (c == '"') {
		json_string(j);
	} else if (c == '{' || c == '[') {
		j->pos++;
		if (json_peek(j) == c + 2) {	/* '}' and ']' follow '{' and '[' by 2 */
			j->pos++;
			return;
		}
		for (;;) {
			if (c == '{') {
				json_string(j);
				json_expect(j, ':');
			}
			skip_depth(j, depth + 1);
			if (json_peek(j) == ',') {
				j->pos++;
				continue;
			}
			json_expect(j, c + 2);
			break;
		}
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		if (c == '-')
			j->pos++;
		while (j->pos < j->len && strchr("0123456789.eE+-", j->s[j->pos]) &&
		    j->s[j->pos] != '\0')
			j->pos++;
	} else if (j->len - j->pos >= 4 && (memcmp(j->s + j->pos, "true", 4) == 0 ||
	    memcmp(j->s + j->pos, "null", 4) == 0)) {
		j->pos += 4;
	} else if (j->len - j->pos >= 5 && memcmp(j->s + j->pos, "false", 5) == 0) {
		j->pos += 5;
	} else {
		json_error(j, "expected a value");
	}
}

void
json_skip(struct json *j)
{
	skip_depth(j, 0);
}
