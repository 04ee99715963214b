/*
 * libFuzzer harness for the frame reader: the input is a stream, read once
 * from a regular file and once through a pipe (the two ways sizes are bounded).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emb.h"

static jmp_buf escape;
static char path[64];

static void
fatal(void)
{
	longjmp(escape, 1);
}

static void
read_all(int fd)
{
	static struct emb_reader *volatile r;
	static struct emb_frame f;

	r = NULL;
	memset(&f, 0, sizeof f);
	if (setjmp(escape) == 0) {
		r = emb_open_fd(fd, "fuzz");
		while (emb_read(r, &f))
			emb_frame_free(&f);
	}
	/* after an error the frame may be half-built; free what is there */
	emb_frame_free(&f);
	emb_close(r);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	int fd, p[2];

	if (path[0] == '\0') {
		snprintf(path, sizeof path, "/tmp/emb-fuzz-%d", (int)getpid());
		emb_fatal_hook = fatal;
	}
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	read_all(fd);

	if (size < 60000 && pipe(p) == 0) {	/* fits in the pipe buffer */
		if (write(p[1], data, size) != (ssize_t)size)
			abort();
		close(p[1]);
		read_all(p[0]);
	}
	return 0;
}
