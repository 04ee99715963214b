/*
 * Numbers into the script.  printf("%.9g") costs about 400 ns a number,
 * too slow for a million points; this writes the same 9 significant digits
 * (enough for any float to read back exactly) about ten times faster.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

static const double pow10tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * d * 10^k.  Where 10^k is not exact the error is near 1e-16 relative, far
 * below the 1e-9 steps of 9 digits: at worst a tie is broken the other way,
 * and that decimal still lies within half a float ulp of d.
 */
static double
scale10(double d, int k)
{
	while (k > 22) {
		d *= 1e22;
		k -= 22;
	}
	while (k < -22) {
		d /= 1e22;
		k += 22;
	}
	return k >= 0 ? d * pow10tab[k] : d / pow10tab[-k];
}

/* Ties to even, as printf rounds. */
static uint64_t
round_even(double r)
{
	double f = floor(r);
	uint64_t m = (uint64_t)f;

	if (r - f > 0.5 || (r - f == 0.5 && (m & 1)))
		m++;
	return m;
}

char *
fmt_uint(char *p, unsigned long long v)
{
	char tmp[24];
	int n = 0;

	do
		tmp[n++] = '0' + v % 10;
	while ((v /= 10) != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* v as %.9g would write it ("NaN" for what is not finite). */
char *
fmt_float(char *p, float v)
{
	double d = v;
	uint64_t m;
	char dig[9];
	int e, n, i;

	if (!isfinite(d)) {
		memcpy(p, "NaN", 3);
		return p + 3;
	}
	if (d == 0) {
		*p++ = '0';
		return p;
	}
	if (d < 0) {
		*p++ = '-';
		d = -d;
	}
	e = (int)floor(log10(d));
	m = round_even(scale10(d, 8 - e));
	if (m >= 1000000000u || m < 100000000u) {	/* log10 was a little off */
		e += m >= 1000000000u ? 1 : -1;
		m = round_even(scale10(d, 8 - e));
	}
	if (m >= 1000000000u) {		/* 9.999999996 rounded up to 10 */
		m /= 10;
		e++;
	}
	for (i = 8; i >= 0; i--) {
		dig[i] = '0' + m % 10;
		m /= 10;
	}
	for (n = 9; n > 1 && dig[n - 1] == '0'; n--)
		;
	if (e < -4 || e >= 9) {
		*p++ = dig[0];
		if (n > 1) {
			*p++ = '.';
			memcpy(p, dig + 1, n - 1);
			p += n - 1;
		}
		*p++ = 'e';
		*p++ = e < 0 ? '-' : '+';
		e = e < 0 ? -e : e;
		if (e < 10)
			*p++ = '0';
		return fmt_uint(p, e);
	}
	if (e < 0) {
		*p++ = '0';
		*p++ = '.';
		for (i = -1; i > e; i--)
			*p++ = '0';
		memcpy(p, dig, n);
		return p + n;
	}
	for (i = 0; i <= e; i++)
		*p++ = i < n ? dig[i] : '0';
	if (n > e + 1) {
		*p++ = '.';
		memcpy(p, dig + e + 1, n - e - 1);
		p += n - e - 1;
	}
	return p;
}

/* 70000 as "70,000". */
void
fmt_thousands(char *buf, size_t cap, unsigned long long v)
{
	char digits[24];
	size_t n = fmt_uint(digits, v) - digits, i, o = 0;

	for (i = 0; i < n && o + 2 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* v rounded outwards to a step q, and exactly as "%.10g" writes it in the script */
static double
tidy(double v, double q, int up)
{
	char buf[64];

	v = up ? ceil(v / q) * q : floor(v / q) * q;
	snprintf(buf, sizeof buf, "%.10g", v);
	return strtod(buf, NULL);
}

/* An axis range with round ends, a thousandth of its width apart. */
void
range_tidy(double lo, double hi, double *rlo, double *rhi)
{
	double q = pow(10, floor(log10(hi - lo)) - 3);

	*rlo = tidy(lo, q, 0);
	*rhi = tidy(hi, q, 1);
}
