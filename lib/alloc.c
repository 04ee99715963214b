#include <stdlib.h>
#include <string.h>

#include "emb.h"

size_t
emb_mul(size_t a, size_t b)
{
	size_t r;

	if (__builtin_mul_overflow(a, b, &r))
		emb_err(NULL, "size overflow (%zu x %zu)", a, b);
	return r;
}

void *
emb_realloc(void *p, size_t n, size_t size)
{
	size_t bytes = emb_mul(n, size);

	p = realloc(p, bytes ? bytes : 1);
	if (p == NULL)
		emb_err(NULL, "out of memory (%zu bytes)", bytes);
	return p;
}

void *
emb_alloc(size_t n, size_t size)
{
	return emb_realloc(NULL, n, size);
}

void *
emb_zalloc(size_t n, size_t size)
{
	void *p = emb_alloc(n, size);

	memset(p, 0, emb_mul(n, size));
	return p;
}

char *
emb_strndup(const char *s, size_t n)
{
	char *p = emb_alloc(n + 1, 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
emb_strdup(const char *s)
{
	return emb_strndup(s, strlen(s));
}
