/*
 * GGUF, the format of llama.cpp and ggml (versions 2 and 3, which differ
 * only in that 3 may be big-endian, which we refuse): "GGUF", a version,
 * tensor and key-value counts, the key-value metadata, the tensor infos,
 * padding to the alignment, then the tensors' data.  Every count, length
 * and offset is checked against the size of the file before it is used,
 * so a lying header is an error, not an allocation.  A tensor's ne[0] is
 * its fastest dimension: the columns; the others multiply to the rows.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "ggml-dequant.h"

#define MAX_STRING	(1u << 30)
#define MAX_GDIMS	4
#define MAX_DEPTH	8	/* arrays of arrays */

enum { SLOT_T, SLOT_TOKOFF, SLOT_TOKS, SLOT_STR, SLOT_RAW, SLOT_TOKPTR, SLOT_TOKLEN };	/* own[] */

enum {
	GT_U8, GT_I8, GT_U16, GT_I16, GT_U32, GT_I32, GT_F32, GT_BOOL, GT_STRING,
	GT_ARRAY, GT_U64, GT_I64, GT_F64, GT_COUNT
};

static const int gsize[GT_COUNT] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };

struct gtensor {
	size_t	 name;		/* offset in the string pool */
	uint32_t ndim, type;
	uint64_t ne[MAX_GDIMS];
	uint64_t off, nbytes, at;
};

struct gguf {
	struct job *j;
	struct input *in;
	uint64_t size;		/* of the file */
	uint32_t version, alignment;
	struct gtensor *t;
	uint64_t nt;
	char	*pool;		/* names, the architecture, the tokenizer model */
	size_t	 npool, poolcap;
	size_t	 arch, model;	/* SIZE_MAX: not given */
	uint64_t *tokoff;	/* token k is toks[tokoff[k] .. tokoff[k + 1]) */
	char	*toks;
	uint64_t ntok;
	uint64_t data;		/* where the tensor data begins */
};

static uint64_t
pos(struct gguf *g)
{
	return in_tell(g->in);
}

static void
need(struct gguf *g, uint64_t n, const char *what)
{
	if (n > g->size - pos(g))
		emb_err(g->j->name, "byte %llu: %s of %llu bytes runs past the end of "
		    "the file", (unsigned long long)pos(g), what, (unsigned long long)n);
}

static void
rd(struct gguf *g, void *buf, size_t n, const char *what)
{
	need(g, n, what);
	if (in_read(g->in, buf, n) != n)
		emb_err(g->j->name, "byte %llu: truncated %s", (unsigned long long)pos(g),
		    what);
}

static uint32_t
u32(struct gguf *g, const char *what)
{
	unsigned char b[4];

	rd(g, b, 4, what);
	return emb_get_le32(b);
}

static uint64_t
u64(struct gguf *g, const char *what)
{
	unsigned char b[8];

	rd(g, b, 8, what);
	return emb_get_le32(b) | (uint64_t)emb_get_le32(b + 4) << 32;
}

/* A string into the pool, NUL-terminated; its offset there. */
static size_t
pool_string(struct gguf *g, const char *what)
{
	uint64_t n = u64(g, what);
	size_t at;

	need(g, n, what);
	if (n > MAX_STRING)
		emb_err(g->j->name, "byte %llu: a %s of %llu bytes", (unsigned long long)pos(g),
		    what, (unsigned long long)n);
	if (g->npool + n + 1 > g->poolcap) {
		g->poolcap = 2 * (g->npool + n + 1);
		g->pool = job_own(g->j, SLOT_STR, g->poolcap, 1);
	}
	at = g->npool;
	rd(g, g->pool + at, n, what);
	if (memchr(g->pool + at, '\0', n) != NULL)
		emb_err(g->j->name, "byte %llu: a %s with a NUL byte",
		    (unsigned long long)pos(g), what);
	g->pool[at + n] = '\0';
	g->npool += n + 1;
	return at;
}

static void
skip(struct gguf *g, uint64_t n, const char *what)
{
	need(g, n, what);
	if (in_skip(g->in, n) != n)
		emb_err(g->j->name, "byte %llu: truncated %s", (unsigned long long)pos(g), what);
}

static void
skip_value(struct gguf *g, uint32_t type, int depth)
{
	uint64_t n, i;
	uint32_t et;

	if (type >= GT_COUNT)
		emb_err(g->j->name, "byte %llu: unknown metadata value type %u",
		    (unsigned long long)pos(g) - 4, type);
	if (type == GT_STRING) {
		skip(g, u64(g, "string length"), "string");
	} else if (type == GT_ARRAY) {
		if (depth >= MAX_DEPTH)
			emb_err(g->j->name, "byte %llu: arrays nested too deeply",
			    (unsigned long long)pos(g));
		et = u32(g, "array type");
		n = u64(g, "array length");
		if (et >= GT_COUNT)
			emb_err(g->j->name, "byte %llu: unknown array element type %u",
			    (unsigned long long)pos(g) - 12, et);
		if (gsize[et] > 0) {
			if (n > (g->size - pos(g)) / gsize[et])
				emb_err(g->j->name, "byte %llu: an array of %llu elements "
				    "runs past the end of the file",
				    (unsigned long long)pos(g), (unsigned long long)n);
			skip(g, n * gsize[et], "array");
		} else {
			if (n > (g->size - pos(g)) / 8)
				emb_err(g->j->name, "byte %llu: an array of %llu elements "
				    "runs past the end of the file",
				    (unsigned long long)pos(g), (unsigned long long)n);
			for (i = 0; i < n; i++)
				skip_value(g, et, depth + 1);
		}
	} else {
		skip(g, gsize[type], "value");
	}
}

static void
tokens(struct gguf *g)
{
	uint64_t n, k, len, total = 0, cap = 0;
	uint32_t et = u32(g, "array type");

	if (et != GT_STRING)
		emb_err(g->j->name, "byte %llu: tokenizer.ggml.tokens is not an array of "
		    "strings", (unsigned long long)pos(g) - 4);
	n = u64(g, "array length");
	if (n > (g->size - pos(g)) / 8)
		emb_err(g->j->name, "byte %llu: %llu tokens cannot fit in the file",
		    (unsigned long long)pos(g) - 8, (unsigned long long)n);
	g->tokoff = job_own(g->j, SLOT_TOKOFF, n + 1, sizeof *g->tokoff);
	for (k = 0; k < n; k++) {
		len = u64(g, "token length");
		if (len > g->size - pos(g) || len > MAX_STRING)
			emb_err(g->j->name, "byte %llu: token %llu: length %llu runs past "
			    "the end of the file", (unsigned long long)pos(g) - 8,
			    (unsigned long long)k, (unsigned long long)len);
		if (total + len >= cap) {
			cap = 2 * (total + len) + 4096;
			g->toks = job_own(g->j, SLOT_TOKS, cap, 1);
		}
		g->tokoff[k] = total;
		rd(g, g->toks + total, len, "token");
		total += len;
	}
	g->tokoff[n] = total;
	g->ntok = n;
}

static void
metadata(struct gguf *g, uint64_t nkv)
{
	uint64_t i, at;
	size_t key;
	uint32_t type;

	for (i = 0; i < nkv; i++) {
		at = pos(g);
		key = pool_string(g, "key");
		type = u32(g, "value type");
		if (strcmp(g->pool + key, "general.alignment") == 0) {
			if (type != GT_U32)
				emb_err(g->j->name, "byte %llu: general.alignment is not a "
				    "uint32", (unsigned long long)at);
			g->alignment = u32(g, "alignment");
			if (g->alignment == 0 || (g->alignment & (g->alignment - 1)) != 0)
				emb_err(g->j->name, "byte %llu: alignment %u is not a power "
				    "of two", (unsigned long long)at, g->alignment);
		} else if (strcmp(g->pool + key, "general.architecture") == 0 &&
		    type == GT_STRING) {
			g->arch = pool_string(g, "general.architecture");
		} else if (strcmp(g->pool + key, "tokenizer.ggml.model") == 0 &&
		    type == GT_STRING) {
			g->model = pool_string(g, "tokenizer.ggml.model");
		} else if (strcmp(g->pool + key, "tokenizer.ggml.tokens") == 0 &&
		    type == GT_ARRAY && g->tokoff == NULL) {
			tokens(g);
		} else {
			skip_value(g, type, 0);
		}
	}
}

static void
tensor_infos(struct gguf *g)
{
	struct gtensor *t;
	const struct ggml_type *ty;
	uint64_t i, k, rows, per;

	/* a tensor info takes at least 28 bytes */
	if (g->nt > (g->size - pos(g)) / 28)
		emb_err(g->j->name, "byte 8: %llu tensors cannot fit in the file",
		    (unsigned long long)g->nt);
	g->t = job_own(g->j, SLOT_T, g->nt, sizeof *g->t);
	for (i = 0; i < g->nt; i++) {
		t = &g->t[i];
		memset(t, 0, sizeof *t);
		t->at = pos(g);
		t->name = pool_string(g, "tensor name");
		t->ndim = u32(g, "dimension count");
		if (t->ndim == 0 || t->ndim > MAX_GDIMS)
			emb_err(g->j->name, "byte %llu: tensor '%s': %u dimensions",
			    (unsigned long long)t->at, emb_quote(g->pool + t->name), t->ndim);
		for (k = 0; k < t->ndim; k++)
			t->ne[k] = u64(g, "dimension");
		for (; k < MAX_GDIMS; k++)
			t->ne[k] = 1;
		t->type = u32(g, "tensor type");
		t->off = u64(g, "tensor offset");
		if ((ty = ggml_type(t->type)) == NULL)
			emb_err(g->j->name, "byte %llu: tensor '%s': unknown tensor type %u",
			    (unsigned long long)t->at, emb_quote(g->pool + t->name), t->type);
		if (ty->size == 0)
			continue;	/* listed, never extracted: its size is not ours to know */
		if (t->ne[0] % ty->blck != 0)
			emb_err(g->j->name, "byte %llu: tensor '%s': %llu columns are not "
			    "whole blocks of %d for %s", (unsigned long long)t->at,
			    emb_quote(g->pool + t->name), (unsigned long long)t->ne[0],
			    ty->blck, ty->name);
		rows = 1;
		for (k = 1; k < MAX_GDIMS; k++)
			if (__builtin_mul_overflow(rows, t->ne[k], &rows))
				goto big;
		per = t->ne[0] / ty->blck * ty->size;
		if (__builtin_mul_overflow(per, rows, &t->nbytes))
			goto big;
	}
	return;
big:
	emb_err(g->j->name, "byte %llu: tensor '%s': shape too large",
	    (unsigned long long)t->at, emb_quote(g->pool + t->name));
}

static void
check_data(struct gguf *g)
{
	uint64_t i, left;
	struct gtensor *t;

	for (i = 0; i < g->nt; i++) {
		t = &g->t[i];
		if (t->off % g->alignment != 0)
			emb_err(g->j->name, "byte %llu: tensor '%s': offset %llu is not a "
			    "multiple of the alignment %u", (unsigned long long)t->at,
			    emb_quote(g->pool + t->name), (unsigned long long)t->off,
			    g->alignment);
		left = g->size - g->data;
		if (t->off > left || t->nbytes > left - t->off)
			emb_err(g->j->name, "byte %llu: tensor '%s': %llu bytes at offset "
			    "%llu run past the end of the file", (unsigned long long)t->at,
			    emb_quote(g->pool + t->name), (unsigned long long)t->nbytes,
			    (unsigned long long)t->off);
	}
}

static void
shape(const struct gtensor *t, char *s, size_t size)
{
	struct array a = { 0 };
	uint32_t k;

	a.ndim = (int)t->ndim;
	for (k = 0; k < t->ndim; k++)
		a.shape[k] = t->ne[t->ndim - 1 - k];	/* rows first, as numpy */
	array_shape_string(&a, s, size);
}

static void
list(struct gguf *g)
{
	char s[256];
	uint64_t i;

	emb_printf(stdout, "# gguf v%u, architecture %s\n", g->version,
	    g->arch != SIZE_MAX ? emb_quote(g->pool + g->arch) : "unknown");
	for (i = 0; i < g->nt; i++) {
		emb_put_tsv(stdout, g->pool + g->t[i].name);
		shape(&g->t[i], s, sizeof s);
		emb_printf(stdout, "\t%s\t%s\n", ggml_type(g->t[i].type)->name, s);
	}
}

struct quant {
	struct gguf *g;
	const struct gtensor *t;
	const struct ggml_type *ty;
	uint64_t rowbytes;
	size_t	 next, cols;
	unsigned char *raw;
	size_t	 rawrows;
};

static void
quant_rows(void *ctx, size_t row, size_t n, float *out)
{
	struct quant *q = ctx;
	struct dtype dt = { .kind = q->ty->kind, .size = q->ty->size };
	size_t k;

	if (row > q->next)
		skip(q->g, (row - q->next) * q->rowbytes, "tensor data");
	q->next = row + n;
	if (q->ty->kind != 'q' && q->ty->size <= 4) {	/* read in place, widened there */
		rd(q->g, out, n * q->rowbytes, "tensor data");
		convert(&dt, out, n * q->cols);
		return;
	}
	if (n > q->rawrows) {
		q->raw = job_own(q->g->j, SLOT_RAW, n, q->rowbytes);
		q->rawrows = n;
	}
	rd(q->g, q->raw, n * q->rowbytes, "tensor data");
	if (q->ty->kind != 'q')
		for (k = 0; k < n * q->cols; k++)
			out[k] = convert_one(&dt, q->raw + k * q->ty->size);
	else
		for (k = 0; k < n; k++)
			ggml_dequant(q->t->type, q->raw + k * q->rowbytes, out + k * q->cols,
			    q->cols);
}

static struct gtensor *
choose(struct gguf *g)
{
	const char *want = g->j->o->tensor ? g->j->o->tensor : "token_embd.weight";
	uint64_t i;

	for (i = 0; i < g->nt; i++)
		if (strcmp(g->pool + g->t[i].name, want) == 0)
			return &g->t[i];
	emb_err(g->j->name, "no tensor '%s' (--list shows them)", emb_quote(want));
}

static void
extract_tensor(struct gguf *g, struct gtensor *t)
{
	struct job *j = g->j;
	const struct ggml_type *ty = ggml_type(t->type);
	struct emb_frame own = { 0 };
	struct quant q = { 0 };
	const char *name = g->pool + t->name;
	char **tok;
	size_t *len;
	uint64_t k, rows = t->ne[1] * t->ne[2] * t->ne[3];
	int style = STYLE_GUESS;

	if (ty->size == 0)
		emb_err(j->name, "tensor '%s': type %s is not supported", emb_quote(name),
		    ty->name);
	if (t->ndim < 2)
		emb_err(j->name, "byte %llu: tensor '%s' has one dimension: need (rows, "
		    "cols)", (unsigned long long)t->at, emb_quote(name));
	if (t->ne[0] == 0 || t->ne[0] > EMB_MAX_COLS || rows > EMB_MAX_ROWS)
		emb_err(j->name, "byte %llu: tensor '%s': %llu rows of %llu columns do "
		    "not fit a stream", (unsigned long long)t->at, emb_quote(name),
		    (unsigned long long)rows, (unsigned long long)t->ne[0]);
	j->tensor = emb_strdup(name);
	j->dtype = emb_strdup(ty->name);
	if (g->arch != SIZE_MAX)
		emb_meta_set(&j->f, "gguf.architecture", "%s", g->pool + g->arch);
	if (ty->kind == 'q')
		emb_meta_set(&j->f, "quantization", "%s", ty->name);
	skip(g, g->data + t->off - pos(g), "tensor data");
	/* the tokens label the rows of the token embedding and the output layer */
	if (g->tokoff != NULL && j->vocab == NULL && (strcmp(name,
	    "token_embd.weight") == 0 || strcmp(name, "output.weight") == 0)) {
		tok = job_own(j, SLOT_TOKPTR, g->ntok + 1, sizeof *tok);
		len = job_own(j, SLOT_TOKLEN, g->ntok + 1, sizeof *len);
		for (k = 0; k < g->ntok; k++) {
			tok[k] = g->toks + g->tokoff[k];
			len[k] = g->tokoff[k + 1] - g->tokoff[k];
		}
		if (g->model != SIZE_MAX && strcmp(g->pool + g->model, "gpt2") == 0)
			style = STYLE_BYTES;
		else if (g->model != SIZE_MAX && strcmp(g->pool + g->model, "llama") == 0)
			style = STYLE_SPIECE;
		vocab_labels(&own, tok, len, g->ntok, rows, j->name, j->o->readable, style);
	}
	q.g = g;
	q.t = t;
	q.ty = ty;
	q.cols = t->ne[0];
	q.rowbytes = t->ne[0] / ty->blck * ty->size;
	rows_extract(j, rows, q.cols, own.nfields > 0 ? &own : NULL, quant_rows, &q);
	emb_frame_free(&own);
}

void
gguf_read(struct job *j, struct input *in, int list_only)
{
	struct gguf g = { 0 };
	unsigned char magic[4];
	uint64_t nkv;

	if (in_fill(in, 4) < 4 || memcmp(in_ptr(in), "GGUF", 4) != 0)
		emb_err(j->name, "not a GGUF file (no GGUF magic)");
	/* counts and offsets are checked against the size: a pipe goes to a file */
	if (!in->regular || in_compressed(in))
		in = j->whole = in_spool(in);
	g.j = j;
	g.in = in;
	g.size = in->rawsize;
	g.alignment = 32;
	g.arch = g.model = SIZE_MAX;
	rd(&g, magic, 4, "magic");
	g.version = u32(&g, "version");
	if (g.version == 0x02000000 || g.version == 0x03000000)
		emb_err(j->name, "byte 4: a big-endian GGUF file: not supported");
	if (g.version != 2 && g.version != 3)
		emb_err(j->name, "byte 4: GGUF version %u (2 and 3 are supported)",
		    g.version);
	g.nt = u64(&g, "tensor count");
	nkv = u64(&g, "metadata count");
	if (nkv > (g.size - pos(&g)) / 13)
		emb_err(j->name, "byte 16: %llu metadata entries cannot fit in the file",
		    (unsigned long long)nkv);
	metadata(&g, nkv);
	tensor_infos(&g);
	g.data = (pos(&g) + g.alignment - 1) / g.alignment * g.alignment;
	if (g.data > g.size)
		emb_err(j->name, "byte %llu: truncated before the tensor data",
		    (unsigned long long)pos(&g));
	check_data(&g);
	if (list_only) {
		list(&g);
		return;
	}
	extract_tensor(&g, choose(&g));
}
