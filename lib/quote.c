/*
 * Untrusted text in messages: control bytes (C0, DEL, the C1 range as
 * UTF-8) and bytes that are not UTF-8 become \xNN, so a quoted label or
 * file name can neither break the one-line error nor move the terminal.
 */
#include <string.h>

#include "emb.h"

#define QUOTE_MAX	200	/* bytes of input quoted; more is cut with "..." */
#define QUOTE_SLOTS	4	/* results alive at once, for several in one message */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned c = s[0];
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

const char *
emb_quote_n(const char *str, size_t n)
{
	static char buf[QUOTE_SLOTS][QUOTE_MAX * 4 + 8];
	static int slot;
	const unsigned char *s = (const unsigned char *)str;
	char *out = buf[slot = (slot + 1) % QUOTE_SLOTS], *o = out;
	size_t i = 0, len;

	if (str == NULL)
		return "(null)";
	while (i < n && i < QUOTE_MAX) {
		len = utf8_len(s + i, n - i);
		/* C1 controls are U+0080..U+009F: 0xc2 0x80..0x9f in UTF-8 */
		if (len == 0 || s[i] < 0x20 || s[i] == 0x7f ||
		    (len == 2 && s[i] == 0xc2 && s[i + 1] <= 0x9f)) {
			static const char hex[] = "0123456789abcdef";
			*o++ = '\\', *o++ = 'x';
			*o++ = hex[s[i] >> 4], *o++ = hex[s[i] & 15];
			i++;
			continue;
		}
		if (s[i] == '\\')
			*o++ = '\\';
		memcpy(o, s + i, len);
		o += len, i += len;
	}
	if (i < n)
		memcpy(o, "...", 3), o += 3;
	*o = '\0';
	return out;
}

const char *
emb_quote(const char *s)
{
	return s == NULL ? "(null)" : emb_quote_n(s, strlen(s));
}

/* FNV-1a, 64 bits: the one string hash of the suite. */
uint64_t
emb_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ULL;

	while (n-- > 0)
		h = (h ^ *s++) * 1099511628211ULL;
	return h;
}
