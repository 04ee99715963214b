/*
 * Operands, and the rows of a points frame delivered in chunks.  A regular
 * file is read again for every pass over its rows instead of being held in
 * memory; a pipe's frame is buffered whole.
 */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pca.h"

#define CHUNK_VALUES	(1u << 21)	/* floats in a chunk of rows: 8 MB */

const char *
input_label(const struct input *in)
{
	return strcmp(in->name, "-") == 0 ? "stdin" : in->name;
}

void
input_init(struct input *in, const char *name)
{
	struct stat st;
	int isstdin = strcmp(name, "-") == 0;

	memset(in, 0, sizeof *in);
	in->name = name;
	if ((isstdin ? fstat(0, &st) : stat(name, &st)) != 0 || !S_ISREG(st.st_mode))
		return;
	if (isstdin) {
		/* it is read again through /proc, if there is one */
		int fd = open("/proc/self/fd/0", O_RDONLY);
		if (fd < 0)
			return;
		close(fd);
		if ((in->start = lseek(0, 0, SEEK_CUR)) < 0)
			return;
	}
	in->again = 1;
	in->dev = st.st_dev;
	in->ino = st.st_ino;
	in->size = st.st_size;
	in->mtime = st.st_mtim;
}

/* Open the input from its start; a file read twice must not change in between. */
struct emb_reader *
input_open(struct input *in)
{
	struct stat st;
	int fd;

	if (!in->again)
		return emb_open(in->name);
	/* A new open file description, so that earlier readers keep their offsets. */
	if (strcmp(in->name, "-") == 0) {
		if ((fd = open("/proc/self/fd/0", O_RDONLY)) < 0 ||
		    lseek(fd, in->start, SEEK_SET) != in->start)
			emb_err("stdin", "cannot open it again for a second pass");
	} else if ((fd = open(in->name, O_RDONLY)) < 0) {
		return emb_open(in->name);	/* reports why */
	}
	if (fstat(fd, &st) != 0 || st.st_dev != in->dev || st.st_ino != in->ino ||
	    st.st_size != in->size || st.st_mtim.tv_sec != in->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != in->mtime.tv_nsec)
		emb_err(input_label(in), "the file changed while it was being read");
	return emb_open_fd(fd, input_label(in));
}

static size_t
chunk_rows(size_t cols)
{
	return cols >= CHUNK_VALUES ? 1 : CHUNK_VALUES / cols;
}

void
source_init(struct source *s, struct input *in, int frame, size_t rows, size_t cols)
{
	memset(s, 0, sizeof *s);
	s->in = in;
	s->frame = frame;
	s->rows = rows;
	s->cols = cols;
	s->chunk = chunk_rows(cols);
}

/* Read and drop the rows of a points frame whose header was just read. */
static void
skip_rows(struct emb_reader *r, const struct emb_frame *f)
{
	size_t n, left, chunk = chunk_rows(f->cols);
	float *buf = emb_alloc(emb_mul(chunk, f->cols), sizeof *buf);

	for (left = f->rows; left > 0; left -= n) {
		n = left < chunk ? left : chunk;
		emb_read_rows(r, buf, n);
	}
	free(buf);
}

/* Open the input again and read up to the rows of the source's frame. */
static void
reopen(struct source *s)
{
	struct emb_frame f;
	int i;

	if (!s->in->again)
		emb_err(input_label(s->in), "internal error: reading a pipe twice");
	s->r = input_open(s->in);
	for (i = 1;; i++) {
		if (!emb_read_header(s->r, &f))
			emb_err(input_label(s->in), "the file changed while it was "
			    "being read");
		if (i == s->frame)
			break;
		if (f.kind == EMB_POINTS)
			skip_rows(s->r, &f);
		emb_read_rest(s->r, &f);
		emb_frame_free(&f);
	}
	if (f.kind != EMB_POINTS || f.rows != s->rows || f.cols != s->cols)
		emb_err(input_label(s->in), "the file changed while it was "
		    "being read");
	emb_frame_free(&f);
}

void
source_begin(struct source *s, const char *what)
{
	s->done = 0;
	s->what = what;
	if (s->data == NULL) {
		if (s->buf == NULL)
			s->buf = emb_alloc(emb_mul(s->chunk, s->cols),
			    sizeof *s->buf);
		if (s->passes == 0 && s->first != NULL)
			s->r = s->first;
		else
			reopen(s);
	}
	s->passes++;
}

static void
check_finite(const struct source *s, const float *v, size_t n)
{
	size_t i;

	for (i = 0; i < n * s->cols; i++)
		if (!isfinite(v[i]))
			emb_err(input_label(s->in), "frame %d, row %zu: %s value",
			    s->frame, s->done + i / s->cols,
			    isnan(v[i]) ? "NaN" : "infinite");
}

/* The next chunk of rows, or 0 at the end of the frame. */
size_t
source_next(struct source *s, const float **rows)
{
	size_t n = s->rows - s->done;
	const float *p;

	if (n == 0)
		return 0;
	n = n < s->chunk ? n : s->chunk;
	if (s->data != NULL) {
		p = s->data + s->done * s->cols;
	} else {
		emb_read_rows(s->r, s->buf, n);
		p = s->buf;
	}
	if (s->passes == 1)
		check_finite(s, p, n);
	s->done += n;
	emb_progress(s->what, s->done, s->rows);
	*rows = p;
	return n;
}

void
source_end(struct source *s)
{
	if (s->r != NULL && s->r != s->first)
		emb_close(s->r);
	s->r = NULL;
}

void
source_free(struct source *s)
{
	source_end(s);
	free(s->buf);
	s->buf = NULL;
}
