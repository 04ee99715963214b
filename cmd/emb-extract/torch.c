/*
 * PyTorch checkpoints as torch.save writes them since 1.6: a zip of
 * NAME/data.pkl, the pickled objects, and NAME/data/KEY, the raw
 * little-endian bytes of each storage.  A tensor is a storage, an offset,
 * a shape and strides, all in elements.  The pickle is read by pickle.c,
 * which refuses anything but tensors and containers; here the containers
 * are walked for tensors, named by their keys joined with '.', and every
 * tensor is checked against its storage before anything is written.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "pickle.h"

#define MAX_PKL		(1u << 30)	/* bytes of data.pkl */
#define MAX_NAME	4096
#define MAX_DEPTH	64

enum { SLOT_T = 5, SLOT_NAMES = 6 };	/* own[] after pickle.c's */

struct ttensor {
	size_t	 name;		/* offset in names */
	int	 dt;		/* pk_dtypes */
	struct entry *e;	/* the storage */
	uint64_t offset, numel;
	int	 ndim;
	uint64_t shape[MAX_DIMS];
	uint64_t stride[MAX_DIMS];
};

struct ck {
	struct job *j;
	struct zip z;
	struct pickle pk;
	char	 prefix[300];	/* "archive/" */
	struct ttensor *t;
	size_t	 nt, tcap;
	char	*names;
	size_t	 nnames, namecap;
	char	 path[MAX_NAME + 1];
	size_t	 visits, maxvisits;
};

static struct entry *
find_entry(struct ck *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->z.n; i++)
		if (strcmp(c->z.e[i].name, name) == 0)
			return &c->z.e[i];
	return NULL;
}

static const char *
tname(const struct ck *c, const struct ttensor *t)
{
	return c->names + t->name;
}

static int64_t
int_item(struct ck *c, uint32_t tuple, uint32_t k)
{
	uint32_t cell = c->pk.v[tuple].first;
	struct pkval *v;

	while (k-- > 0)
		cell = c->pk.c[cell].next;
	v = &c->pk.v[c->pk.c[cell].val];
	if (v->type != PK_INT || v->i < 0)
		emb_err(c->pk.name, "tensor '%s': a size or stride that is not a "
		    "whole number", emb_quote(c->path));
	return v->i;
}

static void
add_tensor(struct ck *c, uint32_t x)
{
	struct pkval *v = &c->pk.v[x], *s = &c->pk.v[v->first];
	struct ttensor *t;
	char key[400];
	uint64_t last, span, bytes;
	size_t n = strlen(c->path) + 1;
	const char *name = c->path[0] ? c->path : "tensor";
	int k;

	if (c->nt == c->tcap) {
		c->tcap = c->tcap ? 2 * c->tcap : 16;
		c->t = job_own(c->j, SLOT_T, c->tcap, sizeof *c->t);
	}
	if (c->nnames + n + 7 > c->namecap) {
		c->namecap = 2 * (c->nnames + n + 7);
		c->names = job_own(c->j, SLOT_NAMES, c->namecap, 1);
	}
	t = &c->t[c->nt++];
	memset(t, 0, sizeof *t);
	t->name = c->nnames;
	strcpy(c->names + c->nnames, name);
	c->nnames += strlen(name) + 1;
	t->dt = s->sub;
	t->numel = (uint64_t)s->i;
	t->offset = (uint64_t)v->i;
	if (v->i < 0)
		emb_err(c->pk.name, "tensor '%s': negative storage offset", emb_quote(name));
	if (c->pk.v[v->last].n != c->pk.v[v->n].n)
		emb_err(c->pk.name, "tensor '%s': %u sizes but %u strides", emb_quote(name),
		    c->pk.v[v->last].n, c->pk.v[v->n].n);
	if (c->pk.v[v->last].n > MAX_DIMS)
		emb_err(c->pk.name, "tensor '%s': more than %d dimensions", emb_quote(name),
		    MAX_DIMS);
	t->ndim = (int)c->pk.v[v->last].n;
	for (k = 0; k < t->ndim; k++) {
		t->shape[k] = (uint64_t)int_item(c, v->last, k);
		t->stride[k] = (uint64_t)int_item(c, v->n, k);
	}
	snprintf(key, sizeof key, "%sdata/%.*s", c->prefix, (int)s->len,
	    (const char *)c->pk.s + s->off);
	if ((t->e = find_entry(c, key)) == NULL)
		emb_err(c->j->name, "tensor '%s': no storage '%s' in the zip",
		    emb_quote(name), emb_quote(key));
	if (__builtin_mul_overflow(t->numel, (uint64_t)pk_dtypes[t->dt].size, &bytes) ||
	    bytes != t->e->usize)
		emb_err(c->j->name, "tensor '%s': storage '%s' has %llu bytes, its %llu "
		    "elements of %s need %llu", emb_quote(name), emb_quote(key),
		    (unsigned long long)t->e->usize, (unsigned long long)t->numel,
		    pk_dtypes[t->dt].name,
		    (unsigned long long)t->numel * pk_dtypes[t->dt].size);
	/* the last element the shape and strides reach must be in the storage */
	last = t->offset;
	for (k = 0; k < t->ndim; k++) {
		if (t->shape[k] == 0)
			return;
		if (__builtin_mul_overflow(t->shape[k] - 1, t->stride[k], &span) ||
		    __builtin_add_overflow(last, span, &last))
			last = UINT64_MAX;
	}
	if (last >= t->numel)
		emb_err(c->j->name, "tensor '%s': its shape and strides reach element "
		    "%llu, its storage has %llu", emb_quote(name), (unsigned long long)last,
		    (unsigned long long)t->numel);
}

static void
descend(struct ck *c, uint32_t x, const char *seg, size_t len, int depth);

static void
walk(struct ck *c, uint32_t x, int depth)
{
	struct pkval *v = &c->pk.v[x], *kv;
	uint32_t cell, key;
	char num[24];
	size_t i;

	if (++c->visits > c->maxvisits)
		emb_err(c->pk.name, "objects shared too often to be a checkpoint");
	if (depth > MAX_DEPTH)
		emb_err(c->pk.name, "objects nested more than %d deep", MAX_DEPTH);
	switch (v->type) {
	case PK_TENSOR:
		add_tensor(c, x);
		return;
	case PK_DICT:
		for (cell = v->first; cell != PK_END; cell = c->pk.c[c->pk.c[cell].next].next) {
			key = c->pk.c[cell].val;
			kv = &c->pk.v[key];
			if (kv->type == PK_STR) {
				descend(c, c->pk.c[c->pk.c[cell].next].val,
				    (const char *)c->pk.s + kv->off, kv->len, depth);
			} else if (kv->type == PK_INT) {
				snprintf(num, sizeof num, "%lld", (long long)kv->i);
				descend(c, c->pk.c[c->pk.c[cell].next].val, num, strlen(num),
				    depth);
			}
		}
		return;
	case PK_LIST:
	case PK_TUPLE:
		for (i = 0, cell = v->first; cell != PK_END; cell = c->pk.c[cell].next, i++) {
			snprintf(num, sizeof num, "%zu", i);
			descend(c, c->pk.c[cell].val, num, strlen(num), depth);
		}
		return;
	default:
		return;		/* numbers, strings: not tensors */
	}
}

static void
descend(struct ck *c, uint32_t x, const char *seg, size_t len, int depth)
{
	size_t n = strlen(c->path);

	if (c->pk.v[x].type != PK_TENSOR && c->pk.v[x].type != PK_DICT &&
	    c->pk.v[x].type != PK_LIST && c->pk.v[x].type != PK_TUPLE)
		return;
	if (n + 1 + len > MAX_NAME)
		emb_err(c->pk.name, "a tensor name longer than %d bytes", MAX_NAME);
	if (memchr(seg, '\0', len) != NULL)
		emb_err(c->pk.name, "a key with a NUL byte");
	if (n > 0)
		c->path[n++] = '.';
	memcpy(c->path + n, seg, len);
	c->path[n + len] = '\0';
	walk(c, x, depth + 1);
	c->path[n > 0 ? n - 1 : 0] = '\0';
}

/* data.pkl, all of it, with the size and CRC the directory gives. */
static void
read_pickle(struct ck *c, struct entry *e)
{
	struct input *in;
	static char name[400];

	if (e->usize > MAX_PKL || (e->method == 0 && e->usize > c->z.size) ||
	    (e->method != 0 && e->usize / 1032 > e->csize + 1))
		emb_err(c->j->name, "entry '%s': %llu bytes is too large for a pickle",
		    emb_quote(e->name), (unsigned long long)e->usize);
	in = zip_open_entry(c->j, &c->z, e);
	free(c->j->hdr);
	c->j->hdr = in_read_alloc(in, e->usize, "pickle");
	if (!in_at_end(in))
		emb_err(in->name, "more data than the zip directory's %llu bytes",
		    (unsigned long long)e->usize);
	if (in->crc != e->crc)
		emb_err(in->name, "CRC-32 is %08lx, the zip directory says %08lx",
		    (unsigned long)in->crc, (unsigned long)e->crc);
	snprintf(name, sizeof name, "%s: %s", c->j->name, emb_quote(e->name));
	c->pk.j = c->j;
	c->pk.name = name;
	c->pk.s = c->j->hdr;
	c->pk.len = e->usize;
}

static void
byte_order(struct ck *c)
{
	char key[320], buf[8] = { 0 };
	struct entry *e;
	struct input *in;

	snprintf(key, sizeof key, "%sbyteorder", c->prefix);
	if ((e = find_entry(c, key)) == NULL)
		return;
	in = zip_open_entry(c->j, &c->z, e);
	in_read(in, buf, sizeof buf - 1);
	if (strcmp(buf, "little") != 0)
		emb_err(c->j->name, "byte order '%s': only little-endian checkpoints are "
		    "supported", emb_quote(buf));
}

static int
is_float(const struct ttensor *t)
{
	char k = pk_dtypes[t->dt].kind;

	return k == 'f' || k == 'b';
}

static struct ttensor *
choose(struct ck *c)
{
	const char *want = c->j->o->tensor;
	struct ttensor *pick = NULL;
	const char *nm;
	size_t i, two = 0, n = 0;
	char list[300 + 2 + 4 * 60 + 1];	/* names quoted, up to 4 bytes a byte */

	for (i = 0; i < c->nt; i++) {
		if (want != NULL && strcmp(tname(c, &c->t[i]), want) == 0)
			return &c->t[i];
		two += c->t[i].ndim == 2 && is_float(&c->t[i]);
	}
	if (want != NULL)
		emb_err(c->j->name, "no tensor '%s' (--list shows them)", emb_quote(want));
	for (i = 0; i < c->nt; i++)
		if (c->t[i].ndim == 2 && is_float(&c->t[i]))
			pick = &c->t[i];
	if (two == 1)
		return pick;
	if (two == 0)
		emb_err(c->j->name, "no floating-point tensor of two dimensions (-t "
		    "names one, --list shows them)");
	list[0] = '\0';
	for (i = 0; i < c->nt && n < 300; i++) {
		if (c->t[i].ndim != 2 || !is_float(&c->t[i]))
			continue;
		nm = tname(c, &c->t[i]);
		n += snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "",
		    emb_quote_n(nm, strlen(nm) < 60 ? strlen(nm) : 60));
	}
	emb_err(c->j->name, "%zu tensors of two dimensions, choose one with -t: %s%s",
	    two, list, n >= 300 ? ", ..." : "");
}

static int
contiguous(const struct ttensor *t)
{
	uint64_t want = 1;
	int k;

	for (k = t->ndim - 1; k >= 0; k--) {
		if (t->shape[k] != 1 && t->stride[k] != want)
			return 0;
		want *= t->shape[k];
	}
	return 1;
}

/* A view: its elements gathered from the storage's bytes in memory. */
struct gather {
	const struct ttensor *t;
	struct dtype dt;
	const unsigned char *base;	/* element t->offset */
	size_t	 cols;
};

static void
gather_rows(void *ctx, size_t row, size_t n, float *out)
{
	const struct gather *g = ctx;
	const struct ttensor *t = g->t;
	uint64_t idx[MAX_DIMS] = { 0 }, at;
	size_t r, m;
	int d;

	for (r = row; r < row + n; r++) {
		for (m = 0; m < g->cols; m++) {
			at = r * t->stride[0];
			for (d = 1; d < t->ndim; d++)
				at += idx[d] * t->stride[d];
			*out++ = convert_one(&g->dt, g->base + at * g->dt.size);
			for (d = t->ndim - 1; d >= 1 && ++idx[d] == t->shape[d]; d--)
				idx[d] = 0;
		}
	}
}

static void
extract_tensor(struct ck *c, struct ttensor *t)
{
	struct job *j = c->j;
	const struct pkdtype *pd = &pk_dtypes[t->dt];
	struct input *in;
	struct gather g = { 0 };
	struct array a = { 0 };
	uint64_t last = 0, skip;
	int k;

	if (pd->kind == 0)
		emb_err(j->name, "tensor '%s': dtype %s is not supported",
		    emb_quote(tname(c, t)), pd->name);
	a.dt.kind = pd->kind;
	a.dt.size = pd->size;
	snprintf(a.dt.name, sizeof a.dt.name, "%s", pd->name);
	a.ndim = t->ndim;
	memcpy(a.shape, t->shape, sizeof a.shape);
	array_shape(j->name, 0, &a);
	j->tensor = emb_strdup(tname(c, t));
	in = zip_open_entry(j, &c->z, t->e);
	in->crc_on = 0;		/* a storage is read once, as far as the rows asked for */
	skip = t->offset * pd->size;
	if (in_skip(in, skip) != skip)
		emb_err(in->name, "truncated storage");
	if (contiguous(t)) {
		array_extract(j, in, &a);
		return;
	}
	if (a.rows > 0)
		for (k = 0; k < t->ndim; k++)
			last += (t->shape[k] - 1) * t->stride[k];
	j->dtype = emb_strdup(pd->name);
	j->raw = in_read_alloc(in, a.rows > 0 ? (last + 1) * pd->size : 0, "storage");
	g.t = t;
	g.dt = a.dt;
	g.base = j->raw;
	g.cols = a.cols;
	rows_extract(j, a.rows, a.cols, NULL, gather_rows, &g);
}

void
torch_read(struct job *j, struct input *in, int list)
{
	struct ck c = { 0 };
	struct entry *pkl = NULL;
	uint32_t root;
	char s[256];
	size_t i, n;

	if (in_fill(in, 4) >= 2 && memcmp(in_ptr(in), "\x80\x02", 2) == 0)
		emb_err(j->name, "a PyTorch file in the legacy format of torch.save "
		    "before 1.6: re-save it with a current torch");
	if (in_avail(in) < 4 || memcmp(in_ptr(in), "PK\3\4", 4) != 0)
		emb_err(j->name, "not a PyTorch checkpoint (no zip header)");
	c.j = j;
	if (!in->regular || in_compressed(in))
		in = j->whole = in_spool(in);	/* the directory is at the end */
	c.z.name = in->name;
	c.z.in = in;
	c.z.size = in->rawsize;
	zip_directory(j, &c.z);
	for (i = 0; i < c.z.n && pkl == NULL; i++) {
		const char *nm = c.z.e[i].name, *sl = strchr(nm, '/');
		if (sl != NULL && strcmp(sl, "/data.pkl") == 0 && sl - nm < 200)
			pkl = &c.z.e[i];
	}
	if (pkl == NULL)
		emb_err(j->name, "a zip without a NAME/data.pkl: not a PyTorch checkpoint");
	n = strlen(pkl->name) - strlen("data.pkl");
	memcpy(c.prefix, pkl->name, n);
	c.prefix[n] = '\0';
	byte_order(&c);
	read_pickle(&c, pkl);
	root = pickle_run(&c.pk);
	c.maxvisits = 4 * c.pk.nv + 1024;
	walk(&c, root, 0);
	if (list) {
		for (i = 0; i < c.nt; i++) {
			struct array a = { 0 };
			emb_put_tsv(stdout, tname(&c, &c.t[i]));
			a.ndim = c.t[i].ndim;
			memcpy(a.shape, c.t[i].shape, sizeof a.shape);
			array_shape_string(&a, s, sizeof s);
			emb_printf(stdout, "\t%s\t%s\n", pk_dtypes[c.t[i].dt].name, s);
		}
		return;
	}
	extract_tensor(&c, choose(&c));
}
