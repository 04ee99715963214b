/*
 * A restricted unpickler for PyTorch checkpoints, the idea of
 * torch.load(weights_only=True) in C: it knows the opcodes torch.save
 * writes and builds dicts, lists, tuples, numbers, strings, storages and
 * tensors from them.  The only callables are OrderedDict and torch's tensor
 * rebuild functions, and "calling" one makes a node; every other global,
 * opcode or persistent id is an error that names it.  Nothing is imported,
 * called or executed.  Every node and cell is made by an opcode, so memory
 * grows with the pickle, never with a number in it.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "pickle.h"

#define MAX_NODES	(1u << 24)
#define MAX_GLOBAL	256	/* bytes of a GLOBAL's module or name */

const struct pkdtype pk_dtypes[] = {
	{ "FloatStorage", "float32", 'f', 4 }, { "DoubleStorage", "float64", 'f', 8 },
	{ "HalfStorage", "float16", 'f', 2 }, { "BFloat16Storage", "bfloat16", 'b', 2 },
	{ "LongStorage", "int64", 'i', 8 }, { "IntStorage", "int32", 'i', 4 },
	{ "ShortStorage", "int16", 'i', 2 }, { "CharStorage", "int8", 'i', 1 },
	{ "ByteStorage", "uint8", 'u', 1 }, { "BoolStorage", "bool", 0, 1 },
	{ NULL, NULL, 0, 0 }
};

enum { G_ODICT, G_REBUILD, G_PARAM, G_PARAM_STATE, G_STORAGE };

static const struct {
	const char *module, *name;
	int	 what;
} allowed[] = {
	{ "collections", "OrderedDict", G_ODICT },
	{ "torch._utils", "_rebuild_tensor_v2", G_REBUILD },
	{ "torch._utils", "_rebuild_parameter", G_PARAM },
	{ "torch._utils", "_rebuild_parameter_with_state", G_PARAM_STATE },
};

/* Opcodes a checkpoint does not use, by name, for the message that refuses them. */
static const struct {
	unsigned char op;
	const char *name;
} refused[] = {
	{ 'i', "INST" }, { 'o', "OBJ" }, { 0x81, "NEWOBJ" }, { 0x92, "NEWOBJ_EX" },
	{ 'P', "PERSID" }, { 0x82, "EXT1" }, { 0x83, "EXT2" }, { 0x84, "EXT4" },
	{ 'S', "STRING" }, { 'T', "BINSTRING" }, { 'U', "SHORT_BINSTRING" },
	{ 'V', "UNICODE" }, { 'I', "INT" }, { 'L', "LONG" }, { 'F', "FLOAT" },
	{ 0x8b, "LONG4" }, { 'B', "BINBYTES" }, { 'C', "SHORT_BINBYTES" },
	{ 0x8e, "BINBYTES8" }, { 0x96, "BYTEARRAY8" }, { 0x97, "NEXT_BUFFER" },
	{ 0x98, "READONLY_BUFFER" }, { 0x8f, "EMPTY_SET" }, { 0x90, "ADDITEMS" },
	{ 0x91, "FROZENSET" }, { 'l', "LIST" }, { 'd', "DICT" }, { 'p', "PUT" },
	{ 'g', "GET" }, { '0', "POP" }, { '1', "POP_MARK" }, { '2', "DUP" },
};

struct vm {
	struct pickle *pk;
	size_t	 pos, at;	/* next byte, this opcode's byte */
	uint32_t *st;
	size_t	 sp, stcap;
	size_t	*mk;
	size_t	 nmk, mkcap;
	uint32_t *memo;
	size_t	 memocap, nmemo;	/* nmemo: entries set, MEMOIZE's next index */
	size_t	 vcap, ccap;
};

/* own[] slots of the job: freed by job_reset whatever happens */
enum { SLOT_V, SLOT_C, SLOT_ST, SLOT_MK, SLOT_MEMO };

static void __attribute__((noreturn, format(printf, 2, 3)))
fail(struct vm *m, const char *fmt, ...)
{
	char where[32];
	va_list ap;

	snprintf(where, sizeof where, "byte %zu", m->at);
	va_start(ap, fmt);
	emb_verr(m->pk->name, where, fmt, ap);
}

static const unsigned char *
take(struct vm *m, size_t n)
{
	const unsigned char *p = m->pk->s + m->pos;

	if (n > m->pk->len - m->pos)
		fail(m, "truncated pickle");
	m->pos += n;
	return p;
}

static uint32_t
node(struct vm *m, int type)
{
	struct pickle *pk = m->pk;

	if (pk->nv == m->vcap) {
		if (m->vcap >= MAX_NODES)
			fail(m, "more than %u objects", MAX_NODES);
		m->vcap = m->vcap ? 2 * m->vcap : 256;
		pk->v = job_own(pk->j, SLOT_V, m->vcap, sizeof *pk->v);
	}
	memset(&pk->v[pk->nv], 0, sizeof pk->v[0]);
	pk->v[pk->nv].type = type;
	pk->v[pk->nv].first = pk->v[pk->nv].last = PK_END;
	return (uint32_t)pk->nv++;
}

/* Append val to the container c. */
static void
add(struct vm *m, uint32_t c, uint32_t val)
{
	struct pickle *pk = m->pk;
	struct pkval *v;

	if (pk->nc == m->ccap) {
		if (m->ccap >= MAX_NODES)
			fail(m, "more than %u container items", MAX_NODES);
		m->ccap = m->ccap ? 2 * m->ccap : 256;
		pk->c = job_own(pk->j, SLOT_C, m->ccap, sizeof *pk->c);
	}
	pk->c[pk->nc].val = val;
	pk->c[pk->nc].next = PK_END;
	v = &pk->v[c];
	if (v->last == PK_END)
		v->first = (uint32_t)pk->nc;
	else
		pk->c[v->last].next = (uint32_t)pk->nc;
	v->last = (uint32_t)pk->nc++;
	v->n++;
}

static void
push(struct vm *m, uint32_t x)
{
	if (m->sp == m->stcap) {
		m->stcap = m->stcap ? 2 * m->stcap : 256;
		m->st = job_own(m->pk->j, SLOT_ST, m->stcap, sizeof *m->st);
	}
	m->st[m->sp++] = x;
}

static size_t
floor_(struct vm *m)
{
	return m->nmk > 0 ? m->mk[m->nmk - 1] : 0;
}

static uint32_t
pop(struct vm *m)
{
	if (m->sp == floor_(m))
		fail(m, "stack underflow");
	return m->st[--m->sp];
}

static uint32_t
top(struct vm *m)
{
	if (m->sp == floor_(m))
		fail(m, "stack underflow");
	return m->st[m->sp - 1];
}

/* Where the items after the last MARK begin; the mark is gone. */
static size_t
pop_mark(struct vm *m)
{
	if (m->nmk == 0)
		fail(m, "no MARK");
	return m->mk[--m->nmk];
}

/* The object under the items of a MARK: what SETITEMS and APPENDS fill. */
static uint32_t
below(struct vm *m, size_t from)
{
	if (from == floor_(m))
		fail(m, "stack underflow");
	return m->st[from - 1];
}

static struct pkval *
val(struct vm *m, uint32_t x)
{
	return &m->pk->v[x];
}

static const char *
type_name(int t)
{
	static const char *names[] = { "None", "bool", "int", "float", "str", "tuple",
	    "list", "dict", "global", "storage", "tensor" };

	return names[t];
}

static uint32_t
tuple_of(struct vm *m, size_t from)
{
	uint32_t t = node(m, PK_TUPLE);
	size_t k;

	for (k = from; k < m->sp; k++)
		add(m, t, m->st[k]);
	m->sp = from;
	return t;
}

/* The k-th item of a tuple, which must be of type want (-1: any). */
static uint32_t
item(struct vm *m, uint32_t t, uint32_t k, int want, const char *what)
{
	uint32_t c = val(m, t)->first;

	while (k-- > 0)
		c = m->pk->c[c].next;
	c = m->pk->c[c].val;
	if (want >= 0 && val(m, c)->type != want)
		fail(m, "%s: expected %s, found %s", what, type_name(want),
		    type_name(val(m, c)->type));
	return c;
}

static int
str_is(struct vm *m, uint32_t x, const char *s)
{
	struct pkval *v = val(m, x);

	return v->type == PK_STR && v->len == strlen(s) &&
	    memcmp(m->pk->s + v->off, s, v->len) == 0;
}

static void
global(struct vm *m, const char *mod, size_t mlen, const char *name, size_t nlen)
{
	uint32_t g;
	size_t i;

	for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (strlen(allowed[i].module) == mlen && strlen(allowed[i].name) == nlen &&
		    memcmp(allowed[i].module, mod, mlen) == 0 &&
		    memcmp(allowed[i].name, name, nlen) == 0) {
			g = node(m, PK_GLOBAL);
			val(m, g)->sub = allowed[i].what;
			push(m, g);
			return;
		}
	if (mlen == 5 && memcmp(mod, "torch", 5) == 0)
		for (i = 0; pk_dtypes[i].global != NULL; i++)
			if (strlen(pk_dtypes[i].global) == nlen &&
			    memcmp(pk_dtypes[i].global, name, nlen) == 0) {
				g = node(m, PK_GLOBAL);
				val(m, g)->sub = G_STORAGE + (int)i;
				push(m, g);
				return;
			}
	fail(m, "forbidden global %s.%s", emb_quote_n(mod, mlen),
	    emb_quote_n(name, nlen));
}

static void
op_global(struct vm *m)
{
	const unsigned char *p = m->pk->s + m->pos, *end = m->pk->s + m->pk->len, *nl1, *nl2;
	size_t left = end - p;

	nl1 = memchr(p, '\n', left < MAX_GLOBAL ? left : MAX_GLOBAL);
	if (nl1 == NULL)
		fail(m, "GLOBAL: no module name");
	left = end - (nl1 + 1);
	nl2 = memchr(nl1 + 1, '\n', left < MAX_GLOBAL ? left : MAX_GLOBAL);
	if (nl2 == NULL)
		fail(m, "GLOBAL: no name");
	m->pos = nl2 + 1 - m->pk->s;
	global(m, (const char *)p, nl1 - p, (const char *)nl1 + 1, nl2 - (nl1 + 1));
}

static void
op_stack_global(struct vm *m)
{
	uint32_t name = pop(m), mod = pop(m);
	struct pkval *a = val(m, mod), *b = val(m, name);

	if (a->type != PK_STR || b->type != PK_STR)
		fail(m, "STACK_GLOBAL of a %s and a %s", type_name(a->type),
		    type_name(b->type));
	global(m, (const char *)m->pk->s + a->off, a->len,
	    (const char *)m->pk->s + b->off, b->len);
}

/* ('storage', torch.FloatStorage, key, location, elements) */
static void
op_persid(struct vm *m)
{
	uint32_t pid = pop(m), g, key, n, s;

	if (val(m, pid)->type != PK_TUPLE)
		fail(m, "unknown persistent id (a %s)", type_name(val(m, pid)->type));
	if (val(m, pid)->n != 5 || !str_is(m, item(m, pid, 0, -1, "persistent id"),
	    "storage"))
		fail(m, "unknown persistent id (a tuple of %u, not a storage)",
		    val(m, pid)->n);
	g = item(m, pid, 1, PK_GLOBAL, "persistent id storage type");
	key = item(m, pid, 2, PK_STR, "persistent id key");
	item(m, pid, 3, PK_STR, "persistent id location");
	n = item(m, pid, 4, PK_INT, "persistent id size");
	if (val(m, g)->sub < G_STORAGE)
		fail(m, "persistent id: not a storage type");
	if (val(m, n)->i < 0)
		fail(m, "persistent id: negative size");
	s = node(m, PK_STORAGE);
	val(m, s)->sub = val(m, g)->sub - G_STORAGE;
	val(m, s)->i = val(m, n)->i;
	val(m, s)->off = val(m, key)->off;
	val(m, s)->len = val(m, key)->len;
	push(m, s);
}

/* _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]) */
static uint32_t
rebuild(struct vm *m, uint32_t args)
{
	uint32_t t, st, off, size, stride;

	if (val(m, args)->n != 6 && val(m, args)->n != 7)
		fail(m, "_rebuild_tensor_v2 with %u arguments", val(m, args)->n);
	st = item(m, args, 0, PK_STORAGE, "_rebuild_tensor_v2 storage");
	off = item(m, args, 1, PK_INT, "_rebuild_tensor_v2 offset");
	size = item(m, args, 2, PK_TUPLE, "_rebuild_tensor_v2 size");
	stride = item(m, args, 3, PK_TUPLE, "_rebuild_tensor_v2 stride");
	t = node(m, PK_TENSOR);
	val(m, t)->first = st;
	val(m, t)->i = val(m, off)->i;
	val(m, t)->last = size;
	val(m, t)->n = stride;
	return t;
}

static void
op_reduce(struct vm *m)
{
	uint32_t args = pop(m), f = pop(m), n;
	struct pkval *g = val(m, f);

	if (g->type != PK_GLOBAL)
		fail(m, "REDUCE of a %s", type_name(g->type));
	if (val(m, args)->type != PK_TUPLE)
		fail(m, "REDUCE with a %s for arguments", type_name(val(m, args)->type));
	n = val(m, args)->n;
	switch (g->sub) {
	case G_ODICT:
		if (n != 0)
			fail(m, "OrderedDict with arguments");
		push(m, node(m, PK_DICT));
		return;
	case G_REBUILD:
		push(m, rebuild(m, args));
		return;
	case G_PARAM:
	case G_PARAM_STATE:
		if (n != (g->sub == G_PARAM ? 3u : 4u))
			fail(m, "_rebuild_parameter with %u arguments", n);
		push(m, item(m, args, 0, PK_TENSOR, "_rebuild_parameter"));
		return;
	default:
		fail(m, "REDUCE of torch.%s is not allowed",
		    pk_dtypes[g->sub - G_STORAGE].global);
	}
}

static void
memo_put(struct vm *m, uint64_t idx, uint32_t x)
{
	size_t old = m->memocap, i;

	if (idx > m->pk->len)
		fail(m, "memo index %llu out of range", (unsigned long long)idx);
	if (idx >= m->memocap) {
		m->memocap = idx + 1 > 2 * old ? idx + 1 : 2 * old;
		m->memo = job_own(m->pk->j, SLOT_MEMO, m->memocap, sizeof *m->memo);
		for (i = old; i < m->memocap; i++)
			m->memo[i] = PK_END;
	}
	m->nmemo += m->memo[idx] == PK_END;
	m->memo[idx] = x;
}

static void
memo_get(struct vm *m, uint64_t idx)
{
	if (idx >= m->memocap || m->memo[idx] == PK_END)
		fail(m, "memo entry %llu is not set", (unsigned long long)idx);
	push(m, m->memo[idx]);
}

static void
string(struct vm *m, uint64_t n)
{
	uint32_t s;

	if (n > m->pk->len - m->pos)
		fail(m, "string of %llu bytes runs past the pickle", (unsigned long long)n);
	s = node(m, PK_STR);
	val(m, s)->off = (uint32_t)m->pos;
	val(m, s)->len = (uint32_t)n;
	m->pos += n;
	push(m, s);
}

static void
integer(struct vm *m, int64_t i)
{
	uint32_t x = node(m, PK_INT);

	val(m, x)->i = i;
	push(m, x);
}

static uint64_t
le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

static void
step(struct vm *m, int op)
{
	const unsigned char *p;
	uint32_t x, y, c;
	size_t from, k;
	uint64_t u;
	int n;

	switch (op) {
	case 0x80:	/* PROTO */
		if (*take(m, 1) > 5)
			fail(m, "pickle protocol %d", m->pk->s[m->pos - 1]);
		break;
	case 0x95:	/* FRAME: a length we need not know */
		take(m, 8);
		break;
	case '}':
		push(m, node(m, PK_DICT));
		break;
	case ']':
		push(m, node(m, PK_LIST));
		break;
	case ')':
		push(m, node(m, PK_TUPLE));
		break;
	case 'N':
		push(m, node(m, PK_NONE));
		break;
	case 0x88: case 0x89:	/* NEWTRUE, NEWFALSE */
		x = node(m, PK_BOOL);
		val(m, x)->i = op == 0x88;
		push(m, x);
		break;
	case '(':
		if (m->nmk == m->mkcap) {
			m->mkcap = m->mkcap ? 2 * m->mkcap : 64;
			m->mk = job_own(m->pk->j, SLOT_MK, m->mkcap, sizeof *m->mk);
		}
		m->mk[m->nmk++] = m->sp;
		break;
	case 't':
		from = pop_mark(m);
		push(m, tuple_of(m, from));
		break;
	case 0x85: case 0x86: case 0x87:	/* TUPLE1, 2, 3 */
		n = op - 0x84;
		if (m->sp - floor_(m) < (size_t)n)
			fail(m, "stack underflow");
		push(m, tuple_of(m, m->sp - n));
		break;
	case 'X':
		string(m, le(take(m, 4), 4));
		break;
	case 0x8c:	/* SHORT_BINUNICODE */
		string(m, *take(m, 1));
		break;
	case 0x8d:	/* BINUNICODE8 */
		string(m, le(take(m, 8), 8));
		break;
	case 'J':
		integer(m, (int32_t)(uint32_t)le(take(m, 4), 4));
		break;
	case 'K':
		integer(m, *take(m, 1));
		break;
	case 'M':
		integer(m, (int64_t)le(take(m, 2), 2));
		break;
	case 0x8a:	/* LONG1 */
		n = *take(m, 1);
		if (n > 8)
			fail(m, "LONG1 of %d bytes: too large", n);
		p = take(m, n);
		u = le(p, n);
		if (n > 0 && n < 8 && (p[n - 1] & 0x80))
			u |= ~0ULL << (8 * n);
		integer(m, (int64_t)u);
		break;
	case 'G':	/* BINFLOAT, big-endian */
		p = take(m, 8);
		for (u = 0, k = 0; k < 8; k++)
			u = u << 8 | p[k];
		x = node(m, PK_FLOAT);
		val(m, x)->i = (int64_t)u;	/* the bits; nothing needs the value */
		push(m, x);
		break;
	case 'c':
		op_global(m);
		break;
	case 0x93:
		op_stack_global(m);
		break;
	case 'Q':
		op_persid(m);
		break;
	case 'R':
		op_reduce(m);
		break;
	case 'b':	/* BUILD: the state of a dict or tensor is attributes we ignore */
		pop(m);
		x = val(m, top(m))->type;
		if (x != PK_DICT && x != PK_TENSOR)
			fail(m, "BUILD of a %s", type_name((int)x));
		break;
	case 's':
		y = pop(m);
		x = pop(m);
		c = top(m);
		if (val(m, c)->type != PK_DICT)
			fail(m, "SETITEM on a %s", type_name(val(m, c)->type));
		add(m, c, x);
		add(m, c, y);
		break;
	case 'u':
		from = pop_mark(m);
		c = below(m, from);
		if (val(m, c)->type != PK_DICT || (m->sp - from) % 2 != 0)
			fail(m, "SETITEMS on a %s with %zu items",
			    type_name(val(m, c)->type), m->sp - from);
		for (k = from; k < m->sp; k++)
			add(m, c, m->st[k]);
		m->sp = from;
		break;
	case 'a':
		y = pop(m);
		c = top(m);
		if (val(m, c)->type != PK_LIST)
			fail(m, "APPEND to a %s", type_name(val(m, c)->type));
		add(m, c, y);
		break;
	case 'e':
		from = pop_mark(m);
		c = below(m, from);
		if (val(m, c)->type != PK_LIST)
			fail(m, "APPENDS to a %s", type_name(val(m, c)->type));
		for (k = from; k < m->sp; k++)
			add(m, c, m->st[k]);
		m->sp = from;
		break;
	case 'q':
		memo_put(m, *take(m, 1), top(m));
		break;
	case 'r':
		memo_put(m, le(take(m, 4), 4), top(m));
		break;
	case 0x94:	/* MEMOIZE: the next index, the memo's length */
		memo_put(m, m->nmemo, top(m));
		break;
	case 'h':
		memo_get(m, *take(m, 1));
		break;
	case 'j':
		memo_get(m, le(take(m, 4), 4));
		break;
	default:
		for (k = 0; k < sizeof refused / sizeof refused[0]; k++)
			if (refused[k].op == op)
				fail(m, "opcode %s is not allowed", refused[k].name);
		fail(m, "unknown or forbidden opcode 0x%02x", op);
	}
}

uint32_t
pickle_run(struct pickle *pk)
{
	struct vm m = { 0 };
	uint32_t root;
	int op;

	m.pk = pk;
	pk->nv = pk->nc = 0;
	for (;;) {
		m.at = m.pos;
		if (m.pos >= pk->len)
			fail(&m, "the pickle ends without STOP");
		op = pk->s[m.pos++];
		if (op == '.')
			break;
		step(&m, op);
	}
	root = pop(&m);
	if (m.sp != 0 || m.nmk != 0)
		fail(&m, "STOP with %zu more objects on the stack", m.sp + m.nmk);
	return root;
}
