/*
 * Decimal text to float32, rounded exactly as strtof(3) rounds, but several
 * times faster on the short numbers embedding files are made of: exact
 * single or double arithmetic where it is provably correctly rounded
 * (Clinger's fast path), strtof for everything else.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

static const float pow10f[] = {
	1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f
};
static const double pow10d[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* "nan", "inf", "infinity" in any case, as numpy and C print them. */
static const char *
special(const char *s, int neg, float *v)
{
	if (lower(s[0]) == 'n' && lower(s[1]) == 'a' && lower(s[2]) == 'n') {
		*v = neg ? -NAN : NAN;
		return s + 3;
	}
	if (lower(s[0]) == 'i' && lower(s[1]) == 'n' && lower(s[2]) == 'f') {
		*v = neg ? -INFINITY : INFINITY;
		if (strncasecmp(s + 3, "inity", 5) == 0)
			return s + 8;
		return s + 3;
	}
	return NULL;
}

static const char *
slow(const char *s, const char *end, float *v)
{
	char tmp[128], *e;
	size_t n = end - s;
	const char *src = s;

	/* strtof needs the token to end where ours does */
	if (n < sizeof tmp) {
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		src = tmp;
	} else {
		char *copy = emb_strndup(s, n);
		*v = strtof(copy, &e);
		n = e - copy;
		free(copy);
		return s + n;
	}
	*v = strtof(src, &e);
	return s + (e - src);
}

/*
 * The number at s: sign, digits, optional fraction and exponent, or nan
 * and inf.  Returns the byte after it, or NULL when s does not start with
 * a number.  The caller checks what follows.
 */
const char *
parse_float(const char *s, float *v)
{
	const char *p = s, *digits;
	uint64_t m = 0;
	int neg = 0, nd = 0, e = 0, dropped = 0, x, xneg;
	unsigned d;
	double dv;
	uint64_t bits;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	digits = p;
	for (; (d = (unsigned)*p - '0') < 10; p++) {
		if (nd < 19) {
			m = m * 10 + d;
			nd += m != 0;
		} else {
			e++;
			dropped |= d != 0;
		}
	}
	if (*p == '.') {
		p++;
		for (; (d = (unsigned)*p - '0') < 10; p++) {
			if (nd < 19) {
				m = m * 10 + d;
				nd += m != 0;
				e--;
			} else {
				dropped |= d != 0;
			}
		}
	}
	if (p == digits || (p == digits + 1 && *digits == '.'))
		return special(digits, neg, v);
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;
		x = 0;
		xneg = 0;
		if (*q == '-' || *q == '+')
			xneg = *q++ == '-';
		if ((unsigned)*q - '0' < 10) {
			for (; (d = (unsigned)*q - '0') < 10; q++)
				if (x < 100000)
					x = x * 10 + d;
			e += xneg ? -x : x;
			p = q;
		}
	}
	if (m == 0 && !dropped) {
		*v = neg ? -0.0f : 0.0f;
		return p;
	}
	if (dropped)
		return slow(s, p, v);
	if (m <= (1u << 24) && e >= -10 && e <= 10) {
		float f = (float)m;
		f = e < 0 ? f / pow10f[-e] : f * pow10f[e];
		*v = neg ? -f : f;
		return p;
	}
	if (m > (1ULL << 53) || e < -22 || e > 22)
		return slow(s, p, v);
	dv = (double)m;
	dv = e < 0 ? dv / pow10d[-e] : dv * pow10d[e];
	/*
	 * dv is correctly rounded; rounding it again to float is too, unless
	 * it fell exactly halfway between two floats, or into their
	 * subnormal range or beyond the largest.
	 */
	memcpy(&bits, &dv, sizeof bits);
	if ((bits & 0x1fffffffULL) == 0x10000000ULL || dv < FLT_MIN || dv > FLT_MAX)
		return slow(s, p, v);
	*v = neg ? -(float)dv : (float)dv;
	return p;
}
