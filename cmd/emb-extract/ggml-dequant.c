/*
 * ggml's quantised tensor types to float32, as ggml defines them
 * (ggml-common.h for the blocks, ggml-quants.c for their meaning): a block
 * of 32 or, for the K types, a super-block of 256 elements with float16
 * scales.  The arithmetic is done in float in the order ggml does it, so the
 * values are ggml's to the bit.  All multi-byte fields are little-endian.
 */
#include <string.h>

#include "ggml-dequant.h"

static const struct ggml_type types[] = {
	[0] = { "F32", 1, 4, 'f' }, [1] = { "F16", 1, 2, 'f' },
	[2] = { "Q4_0", 32, 18, 'q' }, [3] = { "Q4_1", 32, 20, 'q' },
	[6] = { "Q5_0", 32, 22, 'q' }, [7] = { "Q5_1", 32, 24, 'q' },
	[8] = { "Q8_0", 32, 34, 'q' }, [9] = { "Q8_1", 32, 0, 0 },
	[10] = { "Q2_K", 256, 84, 'q' }, [11] = { "Q3_K", 256, 110, 'q' },
	[12] = { "Q4_K", 256, 144, 'q' }, [13] = { "Q5_K", 256, 176, 'q' },
	[14] = { "Q6_K", 256, 210, 'q' }, [15] = { "Q8_K", 256, 0, 0 },
	[16] = { "IQ2_XXS", 256, 0, 0 }, [17] = { "IQ2_XS", 256, 0, 0 },
	[18] = { "IQ3_XXS", 256, 0, 0 }, [19] = { "IQ1_S", 256, 0, 0 },
	[20] = { "IQ4_NL", 32, 0, 0 }, [21] = { "IQ3_S", 256, 0, 0 },
	[22] = { "IQ2_S", 256, 0, 0 }, [23] = { "IQ4_XS", 256, 0, 0 },
	[24] = { "I8", 1, 0, 0 }, [25] = { "I16", 1, 0, 0 }, [26] = { "I32", 1, 0, 0 },
	[27] = { "I64", 1, 0, 0 }, [28] = { "F64", 1, 8, 'f' },
	[29] = { "IQ1_M", 256, 0, 0 }, [30] = { "BF16", 1, 2, 'b' },
	[34] = { "TQ1_0", 256, 0, 0 }, [35] = { "TQ2_0", 256, 0, 0 },
	[39] = { "MXFP4", 32, 0, 0 },
};

const struct ggml_type *
ggml_type(uint32_t id)
{
	if (id >= sizeof types / sizeof types[0] || types[id].name == NULL)
		return NULL;
	return &types[id];
}

static float
f16(const unsigned char *p)
{
	uint32_t h = p[0] | p[1] << 8, sign = (h >> 15) << 31, e = h >> 10 & 0x1f;
	uint32_t man = h & 0x3ff, u;
	float f;

	if (e == 0x1f) {
		u = sign | 0x7f800000 | man << 13;
	} else if (e != 0) {
		u = sign | (e + 112) << 23 | man << 13;
	} else {
		f = (float)man * 0x1p-24f;	/* zero or subnormal, exact */
		return sign ? -f : f;
	}
	memcpy(&f, &u, 4);
	return f;
}

/* d (fp16), 16 bytes of nibbles: low nibbles are elements 0..15, high 16..31 */
static void
q4_0(const unsigned char *b, float *y)
{
	float d = f16(b);
	int j;

	for (j = 0; j < 16; j++) {
		y[j] = (float)((b[2 + j] & 15) - 8) * d;
		y[j + 16] = (float)((b[2 + j] >> 4) - 8) * d;
	}
}

static void
q4_1(const unsigned char *b, float *y)
{
	float d = f16(b), m = f16(b + 2);
	int j;

	for (j = 0; j < 16; j++) {
		y[j] = (float)(b[4 + j] & 15) * d + m;
		y[j + 16] = (float)(b[4 + j] >> 4) * d + m;
	}
}

/* the fifth bit of element e is bit e of the 32-bit qh */
static void
q5(const unsigned char *b, float *y, int with_min)
{
	const unsigned char *qh = b + (with_min ? 4 : 2), *qs = qh + 4;
	uint32_t h = qh[0] | qh[1] << 8 | qh[2] << 16 | (uint32_t)qh[3] << 24;
	float d = f16(b), m = with_min ? f16(b + 2) : 0;
	int j, lo, hi;

	for (j = 0; j < 16; j++) {
		lo = (qs[j] & 15) | (h >> j & 1) << 4;
		hi = (qs[j] >> 4) | (h >> (j + 16) & 1) << 4;
		if (with_min) {
			y[j] = (float)lo * d + m;
			y[j + 16] = (float)hi * d + m;
		} else {
			y[j] = (float)(lo - 16) * d;
			y[j + 16] = (float)(hi - 16) * d;
		}
	}
}

static void
q8_0(const unsigned char *b, float *y)
{
	float d = f16(b);
	int j;

	for (j = 0; j < 32; j++)
		y[j] = (float)(int8_t)b[2 + j] * d;
}

/*
 * Q2_K: 16 scale bytes (low nibble scale, high nibble min, each of 16
 * elements), 64 bytes of 2-bit quants, d, dmin.  Each 32-byte half of the
 * quants holds 128 elements: bits 2s..2s+1 of byte l are element 32s + l.
 */
static void
q2_k(const unsigned char *b, float *y)
{
	const unsigned char *sc = b, *q = b + 16;
	float d = f16(b + 80), dmin = f16(b + 82), dl, ml;
	int half, s, l, g, is = 0;

	for (half = 0; half < 2; half++, q += 32)
		for (s = 0; s < 4; s++)
			for (g = 0; g < 2; g++, is++) {
				dl = d * (float)(sc[is] & 15);
				ml = dmin * (float)(sc[is] >> 4);
				for (l = 0; l < 16; l++)
					*y++ = dl * (float)(q[16 * g + l] >> (2 * s) & 3) - ml;
			}
}

/*
 * Q3_K: 32 bytes of high bits, 64 of 2-bit quants, 12 bytes holding
 * sixteen 6-bit scales (low 4 bits in bytes 0..7, two nibbles each; high
 * 2 bits in bytes 8..11), d.  A quant whose high bit is clear is 4 less.
 */
static void
q3_k(const unsigned char *b, float *y)
{
	const unsigned char *hm = b, *q = b + 32, *s12 = b + 96;
	float d = f16(b + 108), dl;
	int scale[16], k, half, s, g, l, is = 0, bit = 0, v;

	for (k = 0; k < 16; k++)
		scale[k] = ((k < 8 ? s12[k] & 15 : s12[k - 8] >> 4) |
		    (s12[8 + k % 4] >> (2 * (k / 4)) & 3) << 4) - 32;
	for (half = 0; half < 2; half++, q += 32)
		for (s = 0; s < 4; s++, bit++)
			for (g = 0; g < 2; g++, is++) {
				dl = d * (float)scale[is];
				for (l = 0; l < 16; l++) {
					v = (q[16 * g + l] >> (2 * s) & 3) -
					    (hm[16 * g + l] >> bit & 1 ? 0 : 4);
					*y++ = dl * (float)v;
				}
			}
}

/* Q4_K and Q5_K: eight 6-bit scales and mins in 12 bytes */
static void
scale_min(const unsigned char *q, int j, int *sc, int *m)
{
	if (j < 4) {
		*sc = q[j] & 63;
		*m = q[j + 4] & 63;
	} else {
		*sc = (q[j + 4] & 15) | (q[j - 4] >> 6) << 4;
		*m = (q[j + 4] >> 4) | (q[j] >> 6) << 4;
	}
}

/* d, dmin, 12 scale bytes, [32 bytes of fifth bits,] 128 bytes of nibbles */
static void
q45_k(const unsigned char *b, float *y, int five)
{
	const unsigned char *qh = b + 16, *q = b + (five ? 48 : 16);
	float d = f16(b), dmin = f16(b + 2), d1, m1, d2, m2;
	int c, l, sc, m, hi1, hi2;

	for (c = 0; c < 4; c++, q += 32) {
		scale_min(b + 4, 2 * c, &sc, &m);
		d1 = d * (float)sc;
		m1 = dmin * (float)m;
		scale_min(b + 4, 2 * c + 1, &sc, &m);
		d2 = d * (float)sc;
		m2 = dmin * (float)m;
		for (l = 0; l < 32; l++) {
			hi1 = five && (qh[l] >> (2 * c) & 1) ? 16 : 0;
			y[l] = d1 * (float)((q[l] & 15) + hi1) - m1;
		}
		for (l = 0; l < 32; l++) {
			hi2 = five && (qh[l] >> (2 * c + 1) & 1) ? 16 : 0;
			y[32 + l] = d2 * (float)((q[l] >> 4) + hi2) - m2;
		}
		y += 64;
	}
}

/*
 * Q6_K: 128 bytes of low nibbles, 64 of high 2-bit pairs, 16 signed scales,
 * d.  Each half of 128 elements takes 64 low bytes and 32 high bytes.
 */
static void
q6_k(const unsigned char *b, float *y)
{
	const unsigned char *ql = b, *qh = b + 128;
	const signed char *sc = (const signed char *)b + 192;
	float d = f16(b + 208);
	int half, l, k, v, lo;

	for (half = 0; half < 2; half++, ql += 64, qh += 32, sc += 8, y += 128)
		for (l = 0; l < 32; l++)
			for (k = 0; k < 4; k++) {
				lo = k & 1 ? ql[l + 32] : ql[l];
				v = ((k < 2 ? lo & 15 : lo >> 4) | (qh[l] >> (2 * k) & 3) << 4) - 32;
				y[32 * k + l] = d * (float)sc[l / 16 + 2 * k] * (float)v;
			}
}

/* n elements, a whole number of blocks, from src to dst. */
void
ggml_dequant(uint32_t id, const unsigned char *src, float *dst, size_t n)
{
	const struct ggml_type *t = ggml_type(id);
	size_t i;

	for (i = 0; i < n; i += t->blck, src += t->size, dst += t->blck)
		switch (id) {
		case 2: q4_0(src, dst); break;
		case 3: q4_1(src, dst); break;
		case 6: q5(src, dst, 0); break;
		case 7: q5(src, dst, 1); break;
		case 8: q8_0(src, dst); break;
		case 10: q2_k(src, dst); break;
		case 11: q3_k(src, dst); break;
		case 12: q45_k(src, dst, 0); break;
		case 13: q45_k(src, dst, 1); break;
		case 14: q6_k(src, dst); break;
		}
}
