/*
 * inputcat MODE [MAX] [FILE]: a file or stdin through lib's emb_input, to
 * stdout.  MODE read: emb_input_read in odd-sized pieces; getc:
 * emb_input_getc; line: emb_input_line with at most MAX bytes, each line
 * written as "LENGTH:BYTES\n"; size: emb_input_regular and emb_input_size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emb.h"

int
main(int argc, char *argv[])
{
	struct emb_input *in;
	const char *mode = argc > 1 ? argv[1] : "";
	static unsigned char buf[70001];
	char *line = NULL;
	size_t cap = 0, n, step = 1;
	long len;
	int c;

	emb_init(argv[0]);
	if (strcmp(mode, "line") == 0) {
		if (argc < 3)
			emb_usage("inputcat line max [file]");
		in = emb_input_open(argc > 3 ? argv[3] : NULL);
		n = (size_t)emb_parse_int(argv[2], 0, 1 << 30, "max");
		while ((len = emb_input_line(in, &line, &cap, n)) >= 0) {
			emb_printf(stdout, "%ld:", len);
			emb_fwrite(line, (size_t)len, stdout);
			emb_printf(stdout, "\n");
		}
		free(line);
	} else if (strcmp(mode, "getc") == 0) {
		in = emb_input_open(argc > 2 ? argv[2] : NULL);
		while ((c = emb_input_getc(in)) != EOF)
			putchar(c);
	} else if (strcmp(mode, "read") == 0) {
		in = emb_input_open(argc > 2 ? argv[2] : NULL);
		/* pieces of 1, 8, 57 ... bytes, past the buffer's size and back */
		while ((n = emb_input_read(in, buf, step)) > 0) {
			emb_fwrite(buf, n, stdout);
			if (n < step)
				break;
			step = step * 7 + 1 < sizeof buf ? step * 7 + 1 : 1;
		}
		if (emb_input_read(in, buf, 1) != 0)
			emb_err(emb_input_name(in), "data after the end");
	} else if (strcmp(mode, "size") == 0) {
		in = emb_input_open(argc > 2 ? argv[2] : NULL);
		emb_printf(stdout, "regular %d size %llu compressed %d\n",
		    emb_input_regular(in), (unsigned long long)emb_input_size(in),
		    emb_input_compressed(in));
	} else {
		emb_usage("inputcat read|getc|line max|size [file]");
	}
	emb_input_close(in);
	emb_close_stdout();
	return 0;
}
