/*
 * safetensors: an 8-byte little-endian header length, a JSON header
 * {"name": {"dtype": "F32", "shape": [N, D], "data_offsets": [begin, end]},
 * "__metadata__": {"key": "value"}} and the data.  As the reference
 * implementation does, the tensors must tile the data exactly: no gaps,
 * no overlaps, each the size its dtype and shape say.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"

#define MAX_HEADER	100000000	/* the reference implementation's limit */
#define MAX_META	32		/* __metadata__ entries kept */

struct tensor {
	char	*name;
	const char *dtype;
	int	 size;		/* bytes per element; 0: unknown */
	int	 ndim;
	uint64_t shape[MAX_DIMS];
	uint64_t begin, end;
	uint64_t at;		/* where its entry starts, for messages */
};

static const struct {
	const char *name;
	char	 kind;
	int	 size;
} dtypes[] = {
	{ "F64", 'f', 8 }, { "F32", 'f', 4 }, { "F16", 'f', 2 }, { "BF16", 'b', 2 },
	{ "I64", 'i', 8 }, { "I32", 'i', 4 }, { "I16", 'i', 2 }, { "I8", 'i', 1 },
	{ "U64", 'u', 8 }, { "U32", 'u', 4 }, { "U16", 'u', 2 }, { "U8", 'u', 1 },
	{ "BOOL", 0, 1 }, { "F8_E4M3", 0, 1 }, { "F8_E5M2", 0, 1 },
};

struct st {
	struct job *j;
	struct json js;
	struct tensor *t;
	size_t	 n;
	char	**meta;		/* key, value, key, value */
	size_t	 nmeta;
};

static void
tensor_info(struct st *st, struct tensor *t)
{
	struct json *js = &st->js;
	int have_dtype = 0, have_shape = 0, have_off = 0;
	size_t i;
	char *key, *v;

	json_expect(js, '{');
	while (json_peek(js) != '}') {
		key = json_string(js);
		json_expect(js, ':');
		if (strcmp(key, "dtype") == 0 && !have_dtype) {
			v = json_string(js);
			t->dtype = v;
			for (i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++)
				if (strcmp(v, dtypes[i].name) == 0)
					t->size = dtypes[i].size;
			if (t->size == 0)
				json_error(js, "tensor '%s': unknown dtype '%s'",
				    emb_quote(t->name), emb_quote(v));
			have_dtype = 1;
		} else if (strcmp(key, "shape") == 0 && !have_shape) {
			json_expect(js, '[');
			while (json_peek(js) != ']') {
				if (t->ndim == MAX_DIMS)
					json_error(js, "more than %d dimensions", MAX_DIMS);
				t->shape[t->ndim++] = json_uint(js);
				if (json_peek(js) != ',')
					break;
				js->pos++;
			}
			json_expect(js, ']');
			have_shape = 1;
		} else if (strcmp(key, "data_offsets") == 0 && !have_off) {
			json_expect(js, '[');
			t->begin = json_uint(js);
			json_expect(js, ',');
			t->end = json_uint(js);
			json_expect(js, ']');
			have_off = 1;
		} else if (strcmp(key, "dtype") == 0 || strcmp(key, "shape") == 0 ||
		    strcmp(key, "data_offsets") == 0) {
			json_error(js, "tensor '%s': '%s' given twice", emb_quote(t->name),
			    emb_quote(key));
		} else {
			json_skip(js);
		}
		if (json_peek(js) != ',')
			break;
		js->pos++;
	}
	json_expect(js, '}');
	if (!have_dtype || !have_shape || !have_off)
		json_error(js, "tensor '%s' has no %s", emb_quote(t->name), !have_dtype ?
		    "dtype" : !have_shape ? "shape" : "data_offsets");
}

static void
metadata(struct st *st)
{
	struct json *js = &st->js;
	char *k, *v;

	if (json_peek(js) == 'n') {
		json_skip(js);	/* null */
		return;
	}
	json_expect(js, '{');
	while (json_peek(js) != '}') {
		k = json_string(js);
		json_expect(js, ':');
		v = json_string(js);
		st->meta = emb_realloc(st->meta, st->nmeta + 2, sizeof *st->meta);
		st->j->aux2 = st->meta;
		st->meta[st->nmeta++] = k;
		st->meta[st->nmeta++] = v;
		if (json_peek(js) != ',')
			break;
		js->pos++;
	}
	json_expect(js, '}');
}

static void
parse(struct st *st)
{
	struct json *js = &st->js;
	struct tensor *t;
	char *key;
	uint64_t at;
	size_t i;

	json_expect(js, '{');
	while (json_peek(js) != '}') {
		at = js->base + js->pos;
		key = json_string(js);
		json_expect(js, ':');
		if (strcmp(key, "__metadata__") == 0) {
			metadata(st);
		} else {
			for (i = 0; i < st->n; i++)
				if (strcmp(st->t[i].name, key) == 0)
					json_error(js, "tensor '%s' given twice", emb_quote(key));
			st->t = emb_realloc(st->t, st->n + 1, sizeof *st->t);
			st->j->aux = st->t;
			t = &st->t[st->n++];
			memset(t, 0, sizeof *t);
			t->name = key;
			t->at = at;
			tensor_info(st, t);
		}
		if (json_peek(js) != ',')
			break;
		js->pos++;
	}
	json_expect(js, '}');
	if (json_peek(js) != -1)
		json_error(js, "text after the header");
}

static int
by_begin(const void *a, const void *b)
{
	const struct tensor *x = *(struct tensor *const *)a, *y = *(struct tensor *const *)b;

	if (x->begin != y->begin)
		return x->begin < y->begin ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Each tensor's bytes are its elements' and follow the previous one's. */
static void
validate(struct st *st, uint64_t datasize, int know_size)
{
	struct tensor **order;
	uint64_t pos = 0, n, bytes;
	const char *name = st->j->name;
	size_t i;
	int k;

	order = emb_alloc(st->n ? st->n : 1, sizeof *order);
	for (i = 0; i < st->n; i++)
		order[i] = &st->t[i];
	qsort(order, st->n, sizeof *order, by_begin);
	st->j->rowmap = (size_t *)order;
	for (i = 0; i < st->n; i++) {
		struct tensor *t = order[i];
		n = 1;
		for (k = 0; k < t->ndim; k++)
			if (__builtin_mul_overflow(n, t->shape[k], &n))
				emb_err(name, "byte %llu: tensor '%s': shape too large",
				    (unsigned long long)t->at, emb_quote(t->name));
		if (__builtin_mul_overflow(n, (uint64_t)t->size, &bytes))
			emb_err(name, "byte %llu: tensor '%s': shape too large",
			    (unsigned long long)t->at, emb_quote(t->name));
		if (t->end < t->begin)
			emb_err(name, "byte %llu: tensor '%s': data_offsets [%llu, "
			    "%llu] end before they begin", (unsigned long long)t->at,
			    emb_quote(t->name), (unsigned long long)t->begin,
			    (unsigned long long)t->end);
		if (t->end - t->begin != bytes)
			emb_err(name, "byte %llu: tensor '%s': data_offsets [%llu, "
			    "%llu] hold %llu bytes, its %s shape needs %llu",
			    (unsigned long long)t->at, emb_quote(t->name),
			    (unsigned long long)t->begin, (unsigned long long)t->end,
			    (unsigned long long)(t->end - t->begin), t->dtype,
			    (unsigned long long)bytes);
		if (t->begin != pos)
			emb_err(name, "byte %llu: tensor '%s': data_offsets [%llu, "
			    "%llu] %s the previous tensor's end at %llu",
			    (unsigned long long)t->at, emb_quote(t->name),
			    (unsigned long long)t->begin, (unsigned long long)t->end,
			    t->begin < pos ? "overlap" : "leave a gap after",
			    (unsigned long long)pos);
		pos = t->end;
		if (know_size && pos > datasize)
			emb_err(name, "byte %llu: tensor '%s': data_offsets [%llu, "
			    "%llu] run past the end of the data (%llu bytes)",
			    (unsigned long long)t->at, emb_quote(t->name),
			    (unsigned long long)t->begin, (unsigned long long)t->end,
			    (unsigned long long)datasize);
	}
	if (know_size && pos != datasize)
		emb_err(name, "byte %llu: %llu bytes of data after the last tensor",
		    (unsigned long long)(st->js.base + st->js.len + pos),
		    (unsigned long long)(datasize - pos));
	free(order);
	st->j->rowmap = NULL;
}

static struct tensor *
choose(struct st *st)
{
	const char *want = st->j->o->tensor;
	struct tensor *pick = NULL;
	size_t i, two = 0, more = 0, n = 0;
	char list[400];

	for (i = 0; i < st->n; i++) {
		if (want != NULL && strcmp(st->t[i].name, want) == 0)
			return &st->t[i];
		two += st->t[i].ndim == 2;
		more += st->t[i].ndim >= 2;
	}
	if (want != NULL)
		emb_err(st->j->name, "no tensor '%s' (--list shows them)",
		    emb_quote(want));
	for (i = 0; i < st->n; i++)
		if (two == 1 ? st->t[i].ndim == 2 : more == 1 && st->t[i].ndim >= 2)
			pick = &st->t[i];
	if (pick != NULL)
		return pick;
	if (more == 0)
		emb_err(st->j->name, "no tensor with two or more dimensions");
	list[0] = '\0';
	for (i = 0; i < st->n && n < 300; i++)
		if (st->t[i].ndim >= 2)
			n += snprintf(list + n, sizeof list - n, "%s%.60s", n ? ", " : "",
			    st->t[i].name);
	emb_err(st->j->name, "%zu tensors of two or more dimensions, choose one with "
	    "-t: %s%s", more, list, i < st->n ? ", ..." : "");
}

static void
set_array(struct st *st, const struct tensor *t, struct array *a)
{
	size_t i;

	memset(a, 0, sizeof *a);
	for (i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++)
		if (strcmp(t->dtype, dtypes[i].name) == 0) {
			a->dt.kind = dtypes[i].kind;
			a->dt.size = dtypes[i].size;
		}
	snprintf(a->dt.name, sizeof a->dt.name, "%s", t->dtype);
	a->ndim = t->ndim;
	memcpy(a->shape, t->shape, sizeof a->shape);
	if (a->ndim >= 2 && a->dt.kind == 0)
		emb_err(st->j->name, "byte %llu: tensor '%s': dtype %s is not "
		    "supported", (unsigned long long)t->at, emb_quote(t->name),
		    emb_quote(t->dtype));
}

static void
keep_metadata(struct st *st)
{
	char key[EMB_MAX_METAKEY + 1], *p;
	size_t i, n = 0;

	for (i = 0; i < st->nmeta; i += 2) {
		if (n == MAX_META) {
			emb_warn(st->j->name, "kept the first %d of %zu __metadata__ entries",
			    MAX_META, st->nmeta / 2);
			break;
		}
		snprintf(key, sizeof key, "safetensors.%s", st->meta[i]);
		for (p = key; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
				*p = '_';
		emb_meta_set(&st->j->f, key, "%s", st->meta[i + 1]);
		n++;
	}
}

void
safetensors_read(struct job *j, struct input *in, int list)
{
	struct st st = { 0 };
	unsigned char pre[8];
	uint64_t hlen, datasize = 0;
	struct tensor *t;
	struct array a;
	char s[256];
	size_t i;
	int know;

	st.j = j;
	if (in_read(in, pre, 8) != 8)
		emb_err(j->name, "byte 0: truncated safetensors header length");
	hlen = emb_get_le32(pre) | (uint64_t)emb_get_le32(pre + 4) << 32;
	know = in->regular && !in_compressed(in);
	if (know && hlen > in->rawsize - 8)
		emb_err(j->name, "byte 0: header length %llu is larger than the file "
		    "(%llu bytes)", (unsigned long long)hlen,
		    (unsigned long long)in->rawsize);
	if (hlen > MAX_HEADER)
		emb_err(j->name, "byte 0: header length %llu is over the limit of %d",
		    (unsigned long long)hlen, MAX_HEADER);
	if (know)
		datasize = in->rawsize - 8 - hlen;
	j->hdr = in_read_alloc(in, hlen, "safetensors header");
	st.js.name = j->name;
	st.js.what = "safetensors header";
	st.js.s = (char *)j->hdr;
	st.js.len = hlen;
	st.js.base = 8;
	if (hlen == 0 || j->hdr[0] != '{')
		json_error(&st.js, "does not start with '{'");
	parse(&st);
	validate(&st, datasize, know);
	if (list) {
		for (i = 0; i < st.n; i++) {
			t = &st.t[i];
			emb_put_tsv(stdout, t->name);
			memset(&a, 0, sizeof a);
			a.ndim = t->ndim;
			memcpy(a.shape, t->shape, sizeof a.shape);
			array_shape_string(&a, s, sizeof s);
			emb_printf(stdout, "\t%s\t%s\n", t->dtype, s);
		}
		return;
	}
	t = choose(&st);
	set_array(&st, t, &a);
	array_shape(j->name, t->at, &a);
	j->tensor = emb_strdup(t->name);
	keep_metadata(&st);
	if (in_skip(in, t->begin) != t->begin)
		emb_err(j->name, "byte %llu: truncated before tensor '%s'",
		    (unsigned long long)in_tell(in), emb_quote(t->name));
	array_extract(j, in, &a);
}
