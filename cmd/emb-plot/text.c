/*
 * Untrusted text (labels, field names, metadata, titles) on its way into a
 * gnuplot script.  Two steps, both always taken:
 *
 * text_clean() makes it fit to display: valid UTF-8 (bad bytes become
 * U+FFFD as Python's errors="replace" does), no control characters (they
 * could drive the user's terminal from dumb or sixel output, or break XML),
 * at most a set number of characters, and the substitutions a terminal needs
 * because gnuplot copies text into JavaScript strings unescaped.
 *
 * gp_string() writes it as a gnuplot double-quoted string in which every
 * byte outside a short list of harmless ASCII characters is an octal escape.
 * gnuplot decodes those escapes only after it has scanned the line, so no
 * quote, backslash, backquote (command substitution), @ (macro), newline
 * or # ever appears literally, whether the string is in a command or in a
 * datablock line.
 */
#include <stdlib.h>
#include <string.h>

#include "plot.h"

#define REPLACEMENT	0xFFFD

/* One code point from s (NUL-terminated); U+FFFD for a maximal invalid subpart. */
static size_t
utf8_next(const unsigned char *s, uint32_t *cp)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF, b;
	uint32_t v;
	size_t i, need;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;	/* overlong */
		if (c == 0xED)
			hi = 0x9F;	/* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;	/* above U+10FFFF */
	} else {
		*cp = REPLACEMENT;
		return 1;
	}
	for (i = 1; need > 0; need--, i++) {
		b = s[i];
		if (b < lo || b > hi) {
			*cp = REPLACEMENT;
			return i;
		}
		v = v << 6 | (b & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return i;
}

static char *
utf8_put(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		*p++ = cp;
	} else if (cp < 0x800) {
		*p++ = 0xC0 | cp >> 6;
		*p++ = 0x80 | (cp & 0x3F);
	} else if (cp < 0x10000) {
		*p++ = 0xE0 | cp >> 12;
		*p++ = 0x80 | (cp >> 6 & 0x3F);
		*p++ = 0x80 | (cp & 0x3F);
	} else {
		*p++ = 0xF0 | cp >> 18;
		*p++ = 0x80 | (cp >> 12 & 0x3F);
		*p++ = 0x80 | (cp >> 6 & 0x3F);
		*p++ = 0x80 | (cp & 0x3F);
	}
	return p;
}

static uint32_t
substitute(uint32_t cp, const unsigned char *next, uint32_t prev2, uint32_t prev1,
    unsigned flags)
{
	if (cp == '\t')
		return ' ';
	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF)
		return REPLACEMENT;
	/* gnuplot's svg terminal copies "&#x..." through as a character reference */
	if ((flags & TEXT_SVG) && cp == '&' && *next == '#')
		return 0xFF06;
	/* "]]>" may not appear in XML text */
	if ((flags & TEXT_SVG) && cp == '>' && prev1 == ']' && prev2 == ']')
		return 0xFF1E;
	if ((flags & (TEXT_HTML | TEXT_HOVER)) && cp == '"')
		return 0xFF02;
	if ((flags & (TEXT_HTML | TEXT_HOVER)) && cp == '\\')
		return 0xFF3C;
	if ((flags & TEXT_HTML) && cp == '<')
		return 0xFF1C;
	if ((flags & TEXT_HOVER) && cp == '\'')
		return 0x2019;
	return cp;
}

/*
 * Clean in into out (cap bytes, at least 4 * maxchars + 4); longer text is
 * cut to maxchars - 1 characters and an ellipsis.  Returns the length.
 */
size_t
text_clean(char *out, size_t cap, const char *in, size_t maxchars, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t total = 0, keep, i;
	uint32_t cp, prev1 = 0, prev2 = 0;
	char *p = out;

	if (cap < 4 * maxchars + 4 || maxchars < 2)
		emb_err(NULL, "internal error: text buffer too small");
	for (i = 0; s[i] != '\0' && total <= maxchars; total++)
		i += utf8_next(s + i, &cp);
	keep = total > maxchars ? maxchars - 1 : total;
	for (i = 0; keep > 0; keep--) {
		i += utf8_next(s + i, &cp);
		cp = substitute(cp, s + i, prev2, prev1, flags);
		p = utf8_put(p, cp);
		prev2 = prev1;
		prev1 = cp;
	}
	if (total > maxchars)
		p = utf8_put(p, 0x2026);
	*p = '\0';
	return p - out;
}

static int
wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
	    (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* Width of cleaned text in character cells, as a terminal would show it. */
size_t
text_width(const char *clean)
{
	const unsigned char *s = (const unsigned char *)clean;
	size_t w = 0;
	uint32_t cp;

	while (*s != '\0') {
		s += utf8_next(s, &cp);
		if ((cp >= 0x300 && cp <= 0x36F) || cp == 0x200B || cp == 0x200D)
			continue;	/* combining marks, zero-width characters */
		w += wide(cp) ? 2 : 1;
	}
	return w;
}

/* Break cleaned text wider than width cells in two, after a comma if one fits. */
void
text_wrap(char *clean, size_t width)
{
	unsigned char *s = (unsigned char *)clean, *space = NULL, *comma = NULL;
	size_t w = 0;
	uint32_t cp;

	if (text_width(clean) <= width)
		return;
	for (; *s != '\0' && w <= width; w += wide(cp) ? 2 : 1) {
		if (*s == ' ')
			space = s;
		if (*s == ' ' && s > (unsigned char *)clean && s[-1] == ',')
			comma = s;
		s += utf8_next(s, &cp);
	}
	if (comma != NULL || space != NULL)
		*(comma != NULL ? comma : space) = '\n';
}

static int
literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr(" %&'()*+,-./:;<=>?[]^_{|}~", c));
}

/*
 * The quoted, escaped form of s; out needs 5 * strlen(s) + 3 bytes.  An
 * escape is \ and 3 octal digits, or \0 and 3 for bytes below 0100: gnuplot
 * reads at most 4 digits after "\0", at most 3 otherwise.
 */
char *
gp_string_buf(char *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	static const char oct[] = "01234567";

	*out++ = '"';
	for (; *p != '\0'; p++) {
		if (literal(*p)) {
			*out++ = *p;
			continue;
		}
		*out++ = '\\';
		if (*p < 0100)
			*out++ = '0';
		*out++ = oct[*p >> 6];
		*out++ = oct[*p >> 3 & 7];
		*out++ = oct[*p & 7];
	}
	*out++ = '"';
	return out;
}

void
gp_string(FILE *fp, const char *s)
{
	char buf[4 * 1024], *big = NULL, *p = buf;
	size_t n = strlen(s);

	if (n > (sizeof buf - 3) / 5)
		p = big = emb_alloc(emb_mul(n, 5) + 3, 1);
	emb_fwrite(p, gp_string_buf(p, s) - p, fp);
	free(big);
}

/* An error naming text from the input, shown without its control bytes. */
void
safe_err(const char *fmt, const char *s)
{
	emb_err(NULL, fmt, emb_quote(s));
}
