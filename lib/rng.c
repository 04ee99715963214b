#include <math.h>

#include "emb.h"

/* xoshiro256** (Blackman & Vigna): fast, and the same sequence on every platform. */

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
emb_rng_seed(struct emb_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++) {	/* splitmix64 */
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		r->s[i] = z ^ (z >> 31);
	}
}

uint64_t
emb_rng_next(struct emb_rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double
emb_rng_uniform(struct emb_rng *r)
{
	return (emb_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t
emb_rng_below(struct emb_rng *r, uint64_t n)
{
	uint64_t x, lim;

	if (n == 0)
		return 0;
	lim = -n % n;	/* reject the low values that would bias the modulo */
	do
		x = emb_rng_next(r);
	while (x < lim);
	return x % n;
}

double
emb_rng_normal(struct emb_rng *r)
{
	double u, v, s;

	do {	/* Marsaglia's polar method: no trigonometry */
		u = 2 * emb_rng_uniform(r) - 1;
		v = 2 * emb_rng_uniform(r) - 1;
		s = u * u + v * v;
	} while (s >= 1 || s == 0);
	return u * sqrt(-2 * log(s) / s);
}
