#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "emb.h"

long long
emb_parse_int(const char *s, long long min, long long max, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		emb_err(NULL, "%s: '%s' is not a whole number", what, emb_quote(s));
	if (errno == ERANGE || v < min || v > max)
		emb_err(NULL, "%s: %s is out of range (%lld to %lld)", what, s,
		    min, max);
	return v;
}

double
emb_parse_double(const char *s, double min, double max, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v))
		emb_err(NULL, "%s: '%s' is not a number", what, emb_quote(s));
	if (v < min || v > max)
		emb_err(NULL, "%s: %s is out of range (%g to %g)", what, s, min, max);
	return v;
}
