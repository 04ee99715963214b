/*
 * Array elements as the file stores them to float32, in place: the buffer
 * holds n elements of the file's size and ends up holding n floats (it must
 * have room for 4n bytes).
 */
#include <math.h>
#include <string.h>

#include "extract.h"

static uint64_t
load(const unsigned char *p, int size, int big)
{
	uint64_t v = 0;
	int i;

	if (big)
		for (i = 0; i < size; i++)
			v = v << 8 | p[i];
	else
		for (i = size - 1; i >= 0; i--)
			v = v << 8 | p[i];
	return v;
}

static float
half(uint16_t h)
{
	uint32_t sign = (uint32_t)(h >> 15) << 31, exp = h >> 10 & 0x1f, man = h & 0x3ff;
	uint32_t u;
	float f;

	if (exp == 0x1f) {
		u = sign | 0x7f800000 | man << 13;
	} else if (exp != 0) {
		u = sign | (exp + 112) << 23 | man << 13;
	} else {
		/* zero or subnormal: man x 2^-24, exact in float */
		f = (float)man * 0x1p-24f;
		return sign ? -f : f;
	}
	memcpy(&f, &u, 4);
	return f;
}

float
convert_one(const struct dtype *dt, const unsigned char *p)
{
	uint64_t v = load(p, dt->size, dt->big);
	uint32_t u;
	float f;
	double d;

	switch (dt->kind) {
	case 'f':
		if (dt->size == 2)
			return half((uint16_t)v);
		if (dt->size == 4) {
			u = (uint32_t)v;
			memcpy(&f, &u, 4);
			return f;
		}
		memcpy(&d, &v, 8);
		return (float)d;
	case 'b':
		u = (uint32_t)v << 16;
		memcpy(&f, &u, 4);
		return f;
	case 'i':
		if (dt->size < 8 && (v >> (8 * dt->size - 1) & 1))
			v |= ~0ULL << (8 * dt->size);	/* sign-extend */
		return (float)(int64_t)v;
	default:
		return (float)v;
	}
}

void
convert(const struct dtype *dt, void *buf, size_t n)
{
	unsigned char *b = buf;
	float *out = buf;
	size_t i;

	if (dt->kind == 'f' && dt->size == 4) {
		if (dt->big != !emb_host_le()) {
			uint32_t u;
			for (i = 0; i < n; i++) {
				memcpy(&u, b + 4 * i, 4);
				u = __builtin_bswap32(u);
				memcpy(b + 4 * i, &u, 4);
			}
		}
		return;
	}
	if (dt->kind == 'u' && dt->size == 1) {
		for (i = n; i-- > 0;)
			out[i] = b[i];
		return;
	}
	/* narrower from the back, wider from the front: nothing unread is overwritten */
	if (dt->size < 4) {
		for (i = n; i-- > 0;) {
			float f = convert_one(dt, b + i * dt->size);
			memcpy(b + 4 * i, &f, 4);
		}
	} else {
		for (i = 0; i < n; i++) {
			float f = convert_one(dt, b + i * dt->size);
			memcpy(b + 4 * i, &f, 4);
		}
	}
}

/*
 * Index of the first NaN or infinity, n when there is none.  An exponent
 * of all ones carries into the sign bit when its lowest bit is added; four
 * lanes at a time, the test costs little beside reading the data.  The
 * floats are host-order but need not be aligned: a mapped file's rows
 * are checked where they lie.
 */
size_t
first_nonfinite(const void *v, size_t n)
{
	typedef uint32_t u32x4 __attribute__((vector_size(16)));
	const u32x4 mask = { 0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000 };
	const u32x4 one = { 0x00800000, 0x00800000, 0x00800000, 0x00800000 };
	const unsigned char *b = v;
	size_t i, j, m;
	uint32_t u;
	u32x4 acc, x;

	for (i = 0; i < n; i += m) {
		m = n - i < 4096 ? n - i : 4096;
		acc = (u32x4){ 0, 0, 0, 0 };
		for (j = 0; j + 4 <= m; j += 4) {
			memcpy(&x, b + 4 * (i + j), sizeof x);
			acc |= (x & mask) + one;
		}
		for (; j < m; j++) {
			memcpy(&u, b + 4 * (i + j), 4);
			acc[0] |= (u & 0x7f800000) + 0x00800000;
		}
		if ((acc[0] | acc[1] | acc[2] | acc[3]) & 0x80000000)
			for (j = 0; j < m; j++) {
				memcpy(&u, b + 4 * (i + j), 4);
				if ((u & 0x7f800000) == 0x7f800000)
					return i + j;
			}
	}
	return n;
}
