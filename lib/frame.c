/*
 * The emb stream, emb(5): frames of a short text header and a raw
 * little-endian payload.  Every size is checked before it is trusted.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "emb.h"

#define GROW_STEP	(64u << 20)	/* read unknown-length payloads this much at a time */

struct emb_reader {
	struct emb_input *in;
	const char *name;
	int	 regular;	/* plain file: its length bounds what a header may announce */
	uint64_t size;		/* bytes from where we started to the end of a regular file */
	uint64_t pos;		/* bytes consumed */
	int	 frame;		/* number of the frame being read, from 1 */
	size_t	 lastrows;	/* rows of the last points frame; a graph frame must match */
	int	 havepoints;
	size_t	 rowsleft;	/* rows of the current points frame not yet read */
	size_t	 cols;
	int	 pending;	/* a header was read, its payload not yet */
	void	*partial;	/* a payload buffer being filled, freed by emb_close after an error */
};

static void __attribute__((noreturn, format(printf, 2, 3)))
bad(struct emb_reader *r, const char *fmt, ...)
{
	char where[32];
	va_list ap;

	snprintf(where, sizeof where, "frame %d", r->frame);
	va_start(ap, fmt);
	emb_verr(r->name, where, fmt, ap);
}

static struct emb_reader *
reader_new(struct emb_input *in)
{
	struct emb_reader *r = emb_zalloc(1, sizeof *r);

	r->in = in;
	r->name = emb_input_name(in);
	r->regular = emb_input_regular(in);
	r->size = emb_input_size(in);
	return r;
}

struct emb_reader *
emb_open_input(struct emb_input *in)
{
	return reader_new(in);
}

struct emb_reader *
emb_open_fd(int fd, const char *name)
{
	return reader_new(emb_input_fd(fd, name));
}

struct emb_reader *
emb_open(const char *path)
{
	return reader_new(emb_input_open(path));
}

const char *
emb_reader_name(const struct emb_reader *r)
{
	return r->name;
}

int
emb_reader_regular(const struct emb_reader *r)
{
	return r->regular;
}

void
emb_close(struct emb_reader *r)
{
	if (r == NULL)
		return;
	emb_input_close(r->in);
	free(r->partial);
	free(r);
}

static void
read_exact(struct emb_reader *r, void *buf, size_t n, const char *what)
{
	size_t got = emb_input_read(r->in, buf, n);

	r->pos += got;
	if (got < n)
		bad(r, "truncated %s", what);
}

/*
 * Read n bytes into a new buffer.  From a regular file the header was
 * already checked against its length; from a pipe or gzip the buffer grows
 * as data really arrives, so a lying header cannot make us allocate much.
 */
static void *
read_alloc(struct emb_reader *r, size_t n, const char *what)
{
	unsigned char *buf;
	size_t have = 0, cap;

	if (r->regular || n <= GROW_STEP) {
		buf = r->partial = emb_alloc(n ? n : 1, 1);
		read_exact(r, buf, n, what);
		r->partial = NULL;
		return buf;
	}
	cap = GROW_STEP;
	buf = r->partial = emb_alloc(cap, 1);
	while (have < n) {
		size_t step = n - have < cap - have ? n - have : cap - have;
		read_exact(r, buf + have, step, what);
		have += step;
		if (have < n && have == cap) {
			cap = cap > n / 2 ? n : cap * 2;
			buf = r->partial = emb_realloc(buf, cap, 1);
		}
	}
	r->partial = NULL;
	return buf;
}

static void
check_room(struct emb_reader *r, uint64_t need, const char *what)
{
	if (need > EMB_MAX_PAYLOAD)
		bad(r, "%s of %llu bytes is over the limit of %llu", what,
		    (unsigned long long)need, (unsigned long long)EMB_MAX_PAYLOAD);
	if (r->regular && need > r->size - r->pos)
		bad(r, "truncated: %s of %llu bytes, but only %llu bytes follow",
		    what, (unsigned long long)need,
		    (unsigned long long)(r->size - r->pos));
}

/* One header line without its newline; 0 at a clean end of input before a frame. */
static int
read_line(struct emb_reader *r, char *buf, size_t cap, size_t *hdrbytes, int first)
{
	size_t n = 0;
	int c;

	for (;;) {
		c = emb_input_getc(r->in);
		if (c == EOF) {
			if (first && n == 0)
				return 0;
			bad(r, "truncated header");
		}
		r->pos++;
		if (++*hdrbytes > EMB_MAX_HEADER)
			bad(r, "header longer than %d bytes", EMB_MAX_HEADER);
		if (c == '\n')
			break;
		if (c < 0x20 || c == 0x7f) {
			if (first && n < 4)
				bad(r, "not an emb stream (bad magic)");
			bad(r, "control byte 0x%02x in header", c);
		}
		if (n + 1 >= cap)
			bad(r, "header line longer than %zu bytes", cap - 1);
		buf[n++] = c;
		if (first && n == 4 && memcmp(buf, "EMB ", 4) != 0)
			bad(r, "not an emb stream (bad magic)");
	}
	buf[n] = '\0';
	if (first && strncmp(buf, "EMB ", 4) != 0)
		bad(r, "not an emb stream (bad magic)");
	return 1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo the %XX escapes of emb(5) in place. */
static void
unescape(struct emb_reader *r, char *s, const char *what)
{
	char *w = s;
	int hi, lo;

	for (; *s; s++) {
		if (*s != '%') {
			*w++ = *s;
			continue;
		}
		hi = hexval(s[1]);
		lo = hi < 0 ? -1 : hexval(s[2]);
		if (lo < 0 || (hi == 0 && lo == 0))
			bad(r, "bad %%-escape in %s", what);
		*w++ = (char)(hi << 4 | lo);
		s += 2;
	}
	*w = '\0';
}

static uint64_t
parse_count(struct emb_reader *r, const char *s, const char *key, uint64_t max,
    const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		bad(r, "%s: not a number", key);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			bad(r, "%s: number too large", key);
		v = v * 10 + (*p - '0');
		if (v > max)
			bad(r, "%s: %.*s is over the limit of %llu", key,
			    (int)strspn(s, "0123456789"), s, (unsigned long long)max);
	}
	if (end != NULL)
		*end = p;
	else if (*p != '\0')
		bad(r, "%s: not a number", key);
	return v;
}

static void
parse_fields(struct emb_reader *r, struct emb_frame *f, const char *v)
{
	const char *p;
	char *name;
	size_t n, i, j, len;

	n = parse_count(r, v, "fields", EMB_MAX_FIELDS, &p);
	if (n == 0)
		bad(r, "fields: zero fields");
	f->fieldnames = emb_zalloc(n, sizeof *f->fieldnames);
	f->nfields = n;
	for (i = 0; i < n; i++) {
		if (*p != ' ')
			bad(r, "fields: %zu names announced, %zu given", n, i);
		p++;
		len = strcspn(p, " ");
		if (len == 0 || len > 3 * EMB_MAX_FIELDNAME)
			bad(r, "fields: bad field name length");
		name = emb_strndup(p, len);
		unescape(r, name, "field name");
		if (strlen(name) > EMB_MAX_FIELDNAME)
			bad(r, "fields: field name longer than %d bytes", EMB_MAX_FIELDNAME);
		for (j = 0; j < i; j++)
			if (strcmp(name, f->fieldnames[j]) == 0)
				bad(r, "fields: '%s' given twice", emb_quote(name));
		f->fieldnames[i] = name;
		p += len;
	}
	if (*p != '\0')
		bad(r, "fields: more than %zu names", n);
}

static void
parse_meta(struct emb_reader *r, struct emb_frame *f, char *v)
{
	char *sp = strchr(v, ' '), *k;
	size_t i;

	if (sp == NULL || sp == v || (size_t)(sp - v) > EMB_MAX_METAKEY)
		bad(r, "meta: bad key");
	*sp = '\0';
	for (k = v; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		    (*k >= '0' && *k <= '9') || *k == '_' || *k == '.' || *k == '-'))
			bad(r, "meta: bad key '%s'", emb_quote(v));
	unescape(r, sp + 1, "meta value");
	if (strlen(sp + 1) > EMB_MAX_METAVAL)
		bad(r, "meta: value longer than %d bytes", EMB_MAX_METAVAL);
	for (i = 0; i < f->nmeta; i++)
		if (strcmp(f->meta[i].key, v) == 0)
			bad(r, "meta: key '%s' given twice", emb_quote(v));
	if (f->nmeta >= EMB_MAX_META)
		bad(r, "more than %d meta lines", EMB_MAX_META);
	f->meta = emb_realloc(f->meta, f->nmeta + 1, sizeof *f->meta);
	f->meta[f->nmeta].key = emb_strdup(v);
	f->meta[f->nmeta].val = emb_strdup(sp + 1);
	f->nmeta++;
}

int
emb_read_header(struct emb_reader *r, struct emb_frame *f)
{
	static char line[65536];
	size_t hdr = 0;
	int have_rows = 0, have_cols = 0, have_lb = 0;
	uint64_t v, need;
	char *p;

	memset(f, 0, sizeof *f);
	r->frame++;
	if (!read_line(r, line, sizeof line, &hdr, 1)) {
		r->frame--;
		return 0;
	}
	p = line + 4;
	v = parse_count(r, p, "version", 1000000, (const char **)&p);
	if (v != EMB_VERSION)
		bad(r, "unsupported format version %llu (this reads %d)",
		    (unsigned long long)v, EMB_VERSION);
	if (*p++ != ' ')
		bad(r, "no frame kind after the version");
	if (strcmp(p, "points") == 0)
		f->kind = EMB_POINTS;
	else if (strcmp(p, "graph") == 0)
		f->kind = EMB_GRAPH;
	else
		bad(r, "unknown frame kind '%s'", emb_quote_n(p, strnlen(p, 40)));

	for (;;) {
		read_line(r, line, sizeof line, &hdr, 0);
		if (strcmp(line, "ENDHDR") == 0)
			break;
		if (strncmp(line, "meta ", 5) == 0) {
			parse_meta(r, f, line + 5);
		} else if (strncmp(line, "rows ", 5) == 0 && !have_rows) {
			f->rows = parse_count(r, line + 5, "rows", EMB_MAX_ROWS, NULL);
			have_rows = 1;
		} else if (f->kind == EMB_POINTS && strncmp(line, "cols ", 5) == 0 &&
		    !have_cols) {
			f->cols = parse_count(r, line + 5, "cols", EMB_MAX_COLS, NULL);
			have_cols = 1;
		} else if (f->kind == EMB_GRAPH && strncmp(line, "k ", 2) == 0 &&
		    !have_cols) {
			f->cols = parse_count(r, line + 2, "k", EMB_MAX_K, NULL);
			have_cols = 1;
		} else if (f->kind == EMB_POINTS && strncmp(line, "fields ", 7) == 0 &&
		    f->nfields == 0) {
			parse_fields(r, f, line + 7);
		} else if (f->kind == EMB_POINTS &&
		    strncmp(line, "labelbytes ", 11) == 0 && !have_lb) {
			f->labelbytes = parse_count(r, line + 11, "labelbytes",
			    EMB_MAX_PAYLOAD, NULL);
			have_lb = 1;
		} else {
			p = strchr(line, ' ');
			if (p != NULL)
				*p = '\0';
			bad(r, "unknown or repeated header key '%s'",
			    emb_quote_n(line, strnlen(line, 40)));
		}
	}

	if (!have_rows)
		bad(r, "header has no rows");
	if (!have_cols)
		bad(r, f->kind == EMB_GRAPH ? "header has no k" : "header has no cols");
	if (f->kind == EMB_POINTS) {
		if (f->cols == 0)
			bad(r, "zero columns");
		if ((f->nfields > 0) != have_lb)
			bad(r, f->nfields ? "fields without labelbytes" :
			    "labelbytes without fields");
		if (f->nfields > 0) {
			uint64_t nl = (uint64_t)f->rows * f->nfields;
			if (f->labelbytes < nl ||
			    f->labelbytes > nl * (EMB_MAX_LABEL + 1))
				bad(r, "labelbytes %zu cannot hold %llu labels",
				    f->labelbytes, (unsigned long long)nl);
		}
		need = (uint64_t)f->rows * f->cols * 4;
		check_room(r, need, "point data");
		check_room(r, need + f->labelbytes, "point data and labels");
		r->rowsleft = f->rows;
		r->cols = f->cols;
	} else {
		if (!r->havepoints)
			bad(r, "graph frame without a points frame before it");
		if (f->rows != r->lastrows)
			bad(r, "graph frame has %zu rows, its points frame %zu",
			    f->rows, r->lastrows);
		if (f->cols == 0 || f->cols >= f->rows)
			bad(r, "k = %zu with %zu rows (1 <= k < rows)", f->cols, f->rows);
		need = (uint64_t)f->rows * f->cols * 8;
		check_room(r, need, "graph data");
	}
	r->pending = 1;
	return 1;
}

void
emb_read_rows(struct emb_reader *r, float *buf, size_t nrows)
{
	if (!r->pending || nrows > r->rowsleft)
		emb_err(r->name, "internal error: reading rows the frame does not have");
	read_exact(r, buf, emb_mul(emb_mul(nrows, r->cols), sizeof(float)),
	    "point data");
	emb_floats_le(buf, nrows * r->cols);
	r->rowsleft -= nrows;
}

static void
read_labels(struct emb_reader *r, struct emb_frame *f)
{
	size_t n = f->rows * f->nfields, i = 0, len;
	char *p, *end;

	f->labelbuf = read_alloc(r, f->labelbytes, "labels");
	f->labelcap = f->labelbytes;
	if (f->labelbytes > 0 && f->labelbuf[f->labelbytes - 1] != '\0')
		bad(r, "labels do not end with a NUL byte");
	f->labels = emb_alloc(n ? n : 1, sizeof *f->labels);
	for (p = f->labelbuf, end = p + f->labelbytes; p < end; p += len + 1) {
		len = strlen(p);
		if (i == n)
			bad(r, "more than %zu labels", n);
		if (len > EMB_MAX_LABEL)
			bad(r, "label %zu is longer than %d bytes", i, EMB_MAX_LABEL);
		f->labels[i++] = p;
	}
	if (i != n)
		bad(r, "%zu labels for %zu rows x %zu fields", i, f->rows, f->nfields);
}

/* What emb(5) promises of a row of a graph, which its users rely on. */
static void
check_graph(struct emb_reader *r, const struct emb_frame *f)
{
	size_t i, j, k = f->cols;
	const float *d;
	const int32_t *x;

	for (i = 0; i < f->rows; i++) {
		d = f->data + i * k;
		x = f->index + i * k;
		for (j = 0; j < k; j++) {
			if ((size_t)x[j] == i)
				bad(r, "row %zu is listed as its own neighbour", i);
			if (d[j] != d[j])
				bad(r, "row %zu: neighbour %zu has a NaN distance", i, j);
			if (j > 0 && d[j] < d[j - 1])
				bad(r, "row %zu: distances are not in ascending order "
				    "(neighbour %zu)", i, j);
		}
	}
}

void
emb_read_rest(struct emb_reader *r, struct emb_frame *f)
{
	size_t n = f->rows * f->cols, i;

	if (!r->pending)
		emb_err(r->name, "internal error: no frame header read");
	r->pending = 0;
	if (f->kind == EMB_GRAPH) {
		f->index = read_alloc(r, n * 4, "graph indices");
		f->data = read_alloc(r, n * 4, "graph distances");
		for (i = 0; i < n; i++) {
			uint32_t u = emb_get_le32((unsigned char *)&f->index[i]);
			if (u >= f->rows)
				bad(r, "neighbour index %lu of row %zu is out of range",
				    (unsigned long)u, i / f->cols);
			f->index[i] = (int32_t)u;
		}
		emb_floats_le(f->data, n);
		check_graph(r, f);
		return;
	}
	if (r->rowsleft == f->rows) {
		f->data = read_alloc(r, n * 4, "point data");
		emb_floats_le(f->data, n);
		r->rowsleft = 0;
	} else if (r->rowsleft != 0) {
		emb_err(r->name, "internal error: %zu rows left unread", r->rowsleft);
	}
	if (f->nfields > 0)
		read_labels(r, f);
	r->lastrows = f->rows;
	r->havepoints = 1;
}

int
emb_read(struct emb_reader *r, struct emb_frame *f)
{
	if (!emb_read_header(r, f))
		return 0;
	emb_read_rest(r, f);
	return 1;
}

void
emb_frame_init(struct emb_frame *f, enum emb_kind kind, size_t rows, size_t cols)
{
	size_t n = emb_mul(rows, cols);

	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->rows = rows;
	f->cols = cols;
	f->data = emb_zalloc(n ? n : 1, sizeof *f->data);
	if (kind == EMB_GRAPH)
		f->index = emb_zalloc(n ? n : 1, sizeof *f->index);
}

void
emb_frame_free(struct emb_frame *f)
{
	size_t i;

	free(f->data);
	free(f->index);
	for (i = 0; i < f->nfields; i++)
		free(f->fieldnames[i]);
	free(f->fieldnames);
	free(f->labelbuf);
	free(f->labels);
	for (i = 0; i < f->nmeta; i++) {
		free(f->meta[i].key);
		free(f->meta[i].val);
	}
	free(f->meta);
	memset(f, 0, sizeof *f);
}

/* Write s with the %XX escapes of emb(5); spaces too where they separate words. */
static void
put_escaped(FILE *fp, const char *s, int escape_space)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '%' || (escape_space && *p == ' '))
			emb_printf(fp, "%%%02X", *p);
		else if (putc(*p, fp) == EOF)
			emb_fwrite(p, 1, fp);	/* reports the error */
}

/*
 * The header is made in memory and checked against the limits a reader
 * holds it to, so no program writes a stream that it could not read back.
 */
void
emb_write_header(FILE *out, const struct emb_frame *f)
{
	char *hdr = NULL;
	size_t len = 0, i;
	FILE *fp;

	if ((fp = open_memstream(&hdr, &len)) == NULL)
		emb_err(NULL, "out of memory");
	if (f->kind == EMB_GRAPH)
		emb_printf(fp, "EMB %d graph\nrows %zu\nk %zu\n", EMB_VERSION,
		    f->rows, f->cols);
	else
		emb_printf(fp, "EMB %d points\nrows %zu\ncols %zu\n", EMB_VERSION,
		    f->rows, f->cols);
	if (f->kind == EMB_POINTS && f->nfields > 0) {
		emb_printf(fp, "fields %zu", f->nfields);
		for (i = 0; i < f->nfields; i++) {
			emb_printf(fp, " ");
			put_escaped(fp, f->fieldnames[i], 1);
		}
		emb_printf(fp, "\nlabelbytes %zu\n", f->labelbytes);
	}
	for (i = 0; i < f->nmeta; i++) {
		emb_printf(fp, "meta %s ", f->meta[i].key);
		put_escaped(fp, f->meta[i].val, 0);
		emb_printf(fp, "\n");
	}
	emb_printf(fp, "ENDHDR\n");
	if (fclose(fp) != 0)
		emb_err(NULL, "out of memory");
	if (len > EMB_MAX_HEADER)
		emb_err(NULL, "the header to write is %zu bytes, over the %d bytes "
		    "emb(5) allows (too much metadata)", len, EMB_MAX_HEADER);
	emb_fwrite(hdr, len, out);
	free(hdr);
}

void
emb_write_rows(FILE *fp, const float *v, size_t n)
{
	float buf[4096];
	size_t i, m;

	if (emb_host_le()) {	/* no conversion */
		emb_fwrite(v, emb_mul(n, sizeof *v), fp);
		return;
	}
	for (i = 0; i < n; i += m) {
		m = n - i < 4096 ? n - i : 4096;
		memcpy(buf, v + i, m * sizeof *buf);
		emb_floats_le(buf, m);
		emb_fwrite(buf, m * sizeof *buf, fp);
	}
}

void
emb_write_labels(FILE *fp, const struct emb_frame *f)
{
	if (f->nfields > 0)
		emb_fwrite(f->labelbuf, f->labelbytes, fp);
}

void
emb_write(FILE *fp, const struct emb_frame *f)
{
	unsigned char buf[4096];
	size_t n = f->rows * f->cols, i, m, j;

	emb_write_header(fp, f);
	if (f->kind == EMB_GRAPH) {
		for (i = 0; i < n; i += m) {
			m = n - i < 1024 ? n - i : 1024;
			for (j = 0; j < m; j++)
				emb_put_le32(buf + 4 * j, (uint32_t)f->index[i + j]);
			emb_fwrite(buf, 4 * m, fp);
		}
	}
	emb_write_rows(fp, f->data, n);
	if (f->kind == EMB_POINTS)
		emb_write_labels(fp, f);
}
