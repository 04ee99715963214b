/*
 * NumPy .npy, versions 1 to 3: magic, version, header length, a Python
 * dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }
 * padded with blanks and a newline, then the data.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"

#define MAX_NPY_HEADER	(1u << 20)

struct dict {
	const char *name;
	const char *s;		/* the header text */
	size_t	 pos, len;
	uint64_t base;		/* its offset in the input */
};

static void __attribute__((noreturn, format(printf, 2, 3)))
bad(struct dict *d, const char *fmt, ...)
{
	char where[64];
	va_list ap;

	snprintf(where, sizeof where, "byte %llu: npy header",
	    (unsigned long long)(d->base + d->pos));
	va_start(ap, fmt);
	emb_verr(d->name, where, fmt, ap);
}

static void
skip(struct dict *d)
{
	while (d->pos < d->len && (d->s[d->pos] == ' ' || d->s[d->pos] == '\t' ||
	    d->s[d->pos] == '\n' || d->s[d->pos] == '\r'))
		d->pos++;
}

static int
peek(struct dict *d)
{
	skip(d);
	return d->pos < d->len ? (unsigned char)d->s[d->pos] : -1;
}

static void
expect(struct dict *d, int c)
{
	if (peek(d) != c)
		bad(d, "expected '%c'", c);
	d->pos++;
}

/* A quoted string into buf. */
static void
string(struct dict *d, char *buf, size_t size)
{
	int q = peek(d);
	size_t n = 0;

	if (q != '\'' && q != '"')
		bad(d, "expected a quoted string");
	for (d->pos++; d->pos < d->len && d->s[d->pos] != q; d->pos++) {
		if (d->s[d->pos] == '\\' || n + 1 >= size)
			bad(d, "unexpected string");
		buf[n++] = d->s[d->pos];
	}
	if (d->pos >= d->len)
		bad(d, "unterminated string");
	d->pos++;
	buf[n] = '\0';
}

static uint64_t
integer(struct dict *d)
{
	uint64_t v = 0;
	unsigned c;

	if (peek(d) < '0' || peek(d) > '9')
		bad(d, "expected a whole number");
	while (d->pos < d->len && (c = (unsigned char)d->s[d->pos] - '0') < 10) {
		if (v > (UINT64_MAX - c) / 10)
			bad(d, "number too large");
		v = v * 10 + c;
		d->pos++;
	}
	if (d->pos < d->len && d->s[d->pos] == 'L')	/* Python 2 longs */
		d->pos++;
	return v;
}

static void
shape(struct dict *d, struct array *a)
{
	expect(d, '(');
	a->ndim = 0;
	while (peek(d) != ')') {
		if (a->ndim == MAX_DIMS)
			bad(d, "more than %d dimensions", MAX_DIMS);
		a->shape[a->ndim++] = integer(d);
		if (peek(d) == ',')
			d->pos++;
		else if (peek(d) != ')')
			bad(d, "expected ',' or ')' in the shape");
	}
	d->pos++;
}

static void
descr(struct dict *d, struct dtype *dt)
{
	char s[64], *p = s;
	int order;

	if (peek(d) == '[')
		bad(d, "structured dtypes are not supported");
	string(d, s, sizeof s);
	if (strlen(s) >= sizeof dt->name)
		bad(d, "dtype '%s' is not supported", emb_quote_n(s, strnlen(s, 20)));
	memcpy(dt->name, s, strlen(s) + 1);
	order = strchr("<>|=", *p) != NULL && *p ? *p++ : '=';
	dt->big = order == '>';
	if (order == '=')
		dt->big = !emb_host_le();
	if (strcmp(p, "f2") == 0 || strcmp(p, "f4") == 0 || strcmp(p, "f8") == 0 ||
	    strcmp(p, "i1") == 0 || strcmp(p, "i2") == 0 || strcmp(p, "i4") == 0 ||
	    strcmp(p, "i8") == 0 || strcmp(p, "u1") == 0 || strcmp(p, "u2") == 0 ||
	    strcmp(p, "u4") == 0 || strcmp(p, "u8") == 0 || strcmp(p, "b1") == 0) {
		dt->kind = p[0] == 'b' ? 'u' : p[0];
		dt->size = p[1] - '0';
		return;
	}
	d->pos -= strlen(s) + 2;
	bad(d, "dtype '%s' is not supported (f2, f4, f8, i1-i8, u1-u8)",
	    emb_quote_n(s, strnlen(s, 20)));
}

/* The header, leaving the input at the first byte of data. */
void
npy_header(struct job *j, struct input *in, struct array *a)
{
	unsigned char pre[12];
	struct dict d = { 0 };
	size_t pre_len, hlen;
	int have_descr = 0, have_order = 0, have_shape = 0;
	char key[64];
	uint64_t start = in_tell(in);

	memset(a, 0, sizeof *a);
	if (in_read(in, pre, 10) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0)
		emb_err(in->name, "byte %llu: not an npy file (no \\x93NUMPY magic)",
		    (unsigned long long)start);
	if (pre[6] < 1 || pre[6] > 3)
		emb_err(in->name, "byte %llu: npy format version %d.%d is not "
		    "supported (1 to 3)", (unsigned long long)start + 6, pre[6], pre[7]);
	if (pre[6] == 1) {
		pre_len = 10;
		hlen = pre[8] | pre[9] << 8;
	} else {
		if (in_read(in, pre + 10, 2) != 2)
			emb_err(in->name, "byte %llu: truncated npy header",
			    (unsigned long long)in_tell(in));
		pre_len = 12;
		hlen = emb_get_le32(pre + 8);
	}
	if (hlen > MAX_NPY_HEADER)
		emb_err(in->name, "byte %llu: npy header length %zu is over the limit "
		    "of %u", (unsigned long long)start + 8, hlen, MAX_NPY_HEADER);
	if (in->regular && !in_compressed(in) && hlen > in->rawsize - in_tell(in))
		emb_err(in->name, "byte %llu: npy header length %zu is larger than "
		    "the file", (unsigned long long)start + 8, hlen);
	free(j->hdr);
	j->hdr = NULL;
	j->hdr = in_read_alloc(in, hlen, "npy header");
	d.name = in->name;
	d.s = (const char *)j->hdr;
	d.len = hlen;
	d.base = start + pre_len;

	expect(&d, '{');
	while (peek(&d) != '}') {
		string(&d, key, sizeof key);
		expect(&d, ':');
		if (strcmp(key, "descr") == 0 && !have_descr) {
			descr(&d, &a->dt);
			have_descr = 1;
		} else if (strcmp(key, "fortran_order") == 0 && !have_order) {
			skip(&d);
			if (d.len - d.pos >= 4 && memcmp(d.s + d.pos, "True", 4) == 0) {
				a->fortran = 1;
				d.pos += 4;
			} else if (d.len - d.pos >= 5 &&
			    memcmp(d.s + d.pos, "False", 5) == 0) {
				d.pos += 5;
			} else {
				bad(&d, "fortran_order is not True or False");
			}
			have_order = 1;
		} else if (strcmp(key, "shape") == 0 && !have_shape) {
			shape(&d, a);
			have_shape = 1;
		} else {
			bad(&d, "unexpected key '%s'", emb_quote(key));
		}
		if (peek(&d) == ',')
			d.pos++;
		else if (peek(&d) != '}')
			bad(&d, "expected ',' or '}'");
	}
	d.pos++;
	if (peek(&d) != -1)
		bad(&d, "text after the dict");
	if (!have_descr || !have_order || !have_shape)
		bad(&d, "no %s", !have_descr ? "descr" : !have_order ?
		    "fortran_order" : "shape");
	array_shape(in->name, d.base, a);
	if (a->fortran && a->ndim > 2 && a->cols > EMB_MAX_COLS)
		bad(&d, "too many columns");
}

void
npy_read(struct job *j, struct input *in)
{
	struct array a;
	uint64_t left;
	char s[256];

	npy_header(j, in, &a);
	if (in->regular && !in_compressed(in)) {
		left = in->rawsize - in_tell(in);
		if (left != a.nbytes) {
			array_shape_string(&a, s, sizeof s);
			emb_err(j->name, "byte %llu: shape %s of %s needs %llu bytes of "
			    "data, the file has %llu", (unsigned long long)in_tell(in),
			    s, emb_quote(a.dt.name), (unsigned long long)a.nbytes,
			    (unsigned long long)left);
		}
	}
	array_extract(j, in, &a);
	if (j->complete && !in_at_end(in))
		emb_err(j->name, "byte %llu: data after the array",
		    (unsigned long long)in_tell(in));
}
