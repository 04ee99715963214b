/*
 * The body of the emb-extract harnesses: each defines FUZZ_FORMAT and includes this.
 * The first byte picks options (bit 0: -n 3, 1: --rows 1:5, 2: --sample 2,
 * 3: --center, 4: --normalize, 5: --allow-nonfinite, 6: --words 1,0,
 * 7: read as from a pipe, size unknown); the rest is the file.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/emb-extract/extract.h"

static jmp_buf escape;

#ifdef FUZZ_WRAP
/* A stored zip of archive/data.pkl = pkl and eight 64-byte storages. */
static unsigned char *
wrap_zip(const unsigned char *pkl, size_t n, size_t *size)
{
	static const char *names[9] = { "archive/data.pkl", "archive/data/0",
	    "archive/data/1", "archive/data/2", "archive/data/3", "archive/data/4",
	    "archive/data/5", "archive/data/6", "archive/data/7" };
	unsigned char store[64], *z, *p, *cd;
	uint32_t off[9], crc[9], len[9];
	size_t cap = n + 9 * 200 + 64 * 8 + 100, i, nl;
	int k;

	for (i = 0; i < 64; i++)
		store[i] = (unsigned char)(i * 37 + 11);
	p = z = malloc(cap);
	for (k = 0; k < 9; k++) {
		const unsigned char *d = k == 0 ? pkl : store;
		len[k] = k == 0 ? (uint32_t)n : 64;
		crc[k] = (uint32_t)crc32(0, d, len[k]);
		off[k] = (uint32_t)(p - z);
		nl = strlen(names[k]);
		memset(p, 0, 30);
		memcpy(p, "PK\3\4", 4);
		p[4] = 20;
		memcpy(p + 14, &crc[k], 4);
		memcpy(p + 18, &len[k], 4);
		memcpy(p + 22, &len[k], 4);
		p[26] = (unsigned char)nl;
		memcpy(p + 30, names[k], nl);
		p += 30 + nl;
		memcpy(p, d, len[k]);
		p += len[k];
	}
	cd = p;
	for (k = 0; k < 9; k++) {
		nl = strlen(names[k]);
		memset(p, 0, 46);
		memcpy(p, "PK\1\2", 4);
		p[4] = 20;
		p[6] = 20;
		memcpy(p + 16, &crc[k], 4);
		memcpy(p + 20, &len[k], 4);
		memcpy(p + 24, &len[k], 4);
		p[28] = (unsigned char)nl;
		memcpy(p + 42, &off[k], 4);
		memcpy(p + 46, names[k], nl);
		p += 46 + nl;
	}
	memset(p, 0, 22);
	memcpy(p, "PK\5\6", 4);
	p[8] = p[10] = 9;
	len[0] = (uint32_t)(p - cd);
	memcpy(p + 12, &len[0], 4);
	off[0] = (uint32_t)(cd - z);
	memcpy(p + 16, &off[0], 4);
	p += 22;
	*size = p - z;
	return z;
}
#endif

static void
fatal(void)
{
	longjmp(escape, 1);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static FILE *out;
	static struct opts o;
	static struct job j;
	static struct input *volatile in;
	unsigned flags;

	if (out == NULL) {
		out = fopen("/dev/null", "w");
		emb_fatal_hook = fatal;
		emb_verbose = -1;
	}
	if (size < 1)
		return 0;
	flags = data[0];
	memset(&o, 0, sizeof o);
	o.format = FUZZ_FORMAT;
	o.limit = flags & 1 ? 3 : SIZE_MAX;
	o.have_rows = (flags & 2) != 0;
	o.row_from = 1;
	o.row_to = 5;
	o.have_sample = (flags & 4) != 0;
	o.sample = 2;
	o.seed = 7;
	o.center = (flags & 8) != 0;
	o.normalize = (flags & 16) != 0;
	o.allow_nonfinite = (flags & 32) != 0;
	o.words = flags & 64 ? "1,0" : NULL;
	job_init(&j, &o, out);
	in = NULL;
	if (setjmp(escape) == 0) {
		if (o.words != NULL)
			wordlist_read(&j, o.words);
#ifdef FUZZ_WRAP
		static unsigned char *wrapped;
		size_t wsize;
		free(wrapped);
		wrapped = FUZZ_WRAP(data + 1, size - 1, &wsize);
		in = in_mem("fuzz", wrapped, wsize);
#else
		in = in_mem("fuzz", data + 1, size - 1);
#endif
		if (flags & 128)
			in->regular = 0;
		extract(&j, in);
	}
	job_reset(&j);
	in_close(in);
	while (j.nwordlist > 0)
		free(j.wordlist[--j.nwordlist]);
	free(j.wordlist);
	j.wordlist = NULL;
	return 0;
}
