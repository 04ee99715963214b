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
		in = in_mem("fuzz", data + 1, size - 1);
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
