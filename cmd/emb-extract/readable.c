/*
 * --readable: tokens as the text they stand for.  Byte-level BPE (GPT-2 and
 * its heirs) spells every byte as a printable character, 'Ġ' for a space and
 * 'Ċ' for a newline; SentencePiece writes '▁' for a space and <0xNN> for a
 * raw byte.  Bytes that are not text (control bytes, broken UTF-8, as a
 * token that is part of a character is) are shown as C escapes.
 */
#include <string.h>

#include "extract.h"

/* GPT-2's bytes_to_unicode: printable bytes are themselves, the others 256 on. */
static int
printable(int b)
{
	return (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
}

static int
byte_of(long cp)
{
	static int above[68];	/* byte of code point 256 + i */
	int b, n = 0;

	if (cp < 256)
		return printable((int)cp) ? (int)cp : -1;
	if (cp >= 256 + 68)
		return -1;
	if (above[67] == 0)
		for (b = 0; b < 256; b++)
			if (!printable(b))
				above[n++] = b;
	return above[cp - 256];
}

/* The code point at s (n bytes left), its length in *len; -1 if not UTF-8. */
static long
utf8(const unsigned char *s, size_t n, size_t *len)
{
	long cp;
	size_t k, need;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	need = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (s[0] >= 0xf5)
		need = 0;
	if (need == 0 || need > n)
		return -1;
	cp = s[0] & (0x7f >> need);
	for (k = 1; k < need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp < 0xe000))
		return -1;
	*len = need;
	return cp;
}

/* Bytes as text: valid UTF-8 stays, the rest becomes escapes; NUL always does. */
static size_t
show(const unsigned char *s, size_t n, char *out, int escape_controls)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, o = 0, len;

	while (i < n) {
		if (s[i] == 0 || (escape_controls && (s[i] < 0x20 || s[i] == 0x7f))) {
			out[o++] = '\\';
			if (s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
				out[o++] = s[i] == '\n' ? 'n' : s[i] == '\t' ? 't' : 'r';
			} else {
				out[o++] = 'x';
				out[o++] = hex[s[i] >> 4];
				out[o++] = hex[s[i] & 15];
			}
			i++;
		} else if (escape_controls && utf8(s + i, n - i, &len) < 0) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[s[i] >> 4];
			out[o++] = hex[s[i] & 15];
			i++;
		} else {
			len = s[i] < 0x80 || !escape_controls ? 1 : len;
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		}
	}
	return o;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 :
	    c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * The token tok[0..len) for display into out, which has room for 5 * len
 * bytes; its length.  STYLE_PLAIN only escapes NUL bytes.
 */
size_t
readable(const char *tok, size_t len, int style, char *out)
{
	const unsigned char *s = (const unsigned char *)tok;
	unsigned char *b = (unsigned char *)out + 4 * len;	/* the bytes, then shown */
	size_t i, n = 0, l;
	long cp;
	int v;

	if (style == STYLE_PLAIN)
		return show(s, len, out, 0);
	if (style == STYLE_BYTES) {
		for (i = 0; i < len; i += l) {
			if ((cp = utf8(s + i, len - i, &l)) < 0 || (v = byte_of(cp)) < 0)
				return show(s, len, out, 1);	/* not byte-level: as it is */
			b[n++] = (unsigned char)v;
		}
	} else {
		if (len == 6 && s[0] == '<' && s[1] == '0' && s[2] == 'x' && s[5] == '>' &&
		    hexval(s[3]) >= 0 && hexval(s[4]) >= 0) {
			b[0] = (unsigned char)(hexval(s[3]) << 4 | hexval(s[4]));
			return show(b, 1, out, 1);
		}
		for (i = 0; i < len; i++) {
			if (i + 3 <= len && memcmp(s + i, "\xe2\x96\x81", 3) == 0) {
				b[n++] = ' ';
				i += 2;
			} else {
				b[n++] = s[i];
			}
		}
	}
	return show(b, n, out, 1);	/* at most 4 bytes out per byte: b stays intact */
}

/* SentencePiece if any token has '▁', byte-level if any has 'Ġ'. */
int
readable_style(char *const *tok, const size_t *len, size_t n)
{
	size_t i, spiece = 0, bytes = 0;

	for (i = 0; i < n; i++) {
		spiece += memmem(tok[i], len[i], "\xe2\x96\x81", 3) != NULL;
		bytes += memmem(tok[i], len[i], "\xc4\xa0", 2) != NULL;
	}
	return spiece > 0 ? STYLE_SPIECE : bytes > 0 ? STYLE_BYTES : STYLE_PLAIN;
}
