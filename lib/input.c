/*
 * The one input layer: a file or a pipe, plain or gzip (told by its magic,
 * members one after another as gzip(1) writes them).  Unlike gzread, a
 * member cut short is an error, not an end, and so is anything after the
 * last member that is not another member: a reader never takes a part of
 * its input for the whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "emb.h"

#define RAWSIZE		(1u << 17)	/* compressed bytes read at a time */
#define BUFSIZE		(1u << 16)	/* decoded bytes kept for getc and lines */
#define DIRECT		(1u << 15)	/* reads this big skip the buffer */

struct emb_input {
	int	 fd;
	char	*name;
	int	 regular;	/* plain regular file */
	uint64_t size;		/* regular: bytes from the start offset to the end */
	uint64_t taken;		/* decoded bytes handed out */
	int	 gzip;
	int	 zinit;
	int	 member_end;	/* the last inflate ended a member */
	z_stream z;
	unsigned char *raw;	/* raw bytes raw[rpos..rend) not yet used */
	size_t	 rpos, rend;
	int	 raweof;
	unsigned char *buf;	/* decoded bytes buf[pos..end) */
	size_t	 pos, end, cap;
	int	 eof;		/* clean end reached */
	long	 lineno;
};

/* More raw bytes into in->raw; 0 at the end of the file. */
static size_t
raw_fill(struct emb_input *in)
{
	ssize_t got;

	if (in->rpos == in->rend)
		in->rpos = in->rend = 0;
	if (in->raweof || in->rend == RAWSIZE)
		return 0;
	do
		got = read(in->fd, in->raw + in->rend, RAWSIZE - in->rend);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		emb_err(in->name, "%s", strerror(errno));
	if (got == 0)
		in->raweof = 1;
	in->rend += got;
	return got;
}

/*
 * After a member: end of input, another member, or garbage.  A lone
 * first magic byte at the very end is a cut member, not garbage.
 */
static int
next_member(struct emb_input *in)
{
	while (in->rend - in->rpos < 2 && raw_fill(in) > 0)
		;
	if (in->rend == in->rpos)
		return 0;
	if (in->raw[in->rpos] != 0x1f ||
	    (in->rend - in->rpos >= 2 && in->raw[in->rpos + 1] != 0x8b))
		emb_err(in->name, "trailing garbage after gzip data");
	if (in->rend - in->rpos < 2)
		emb_err(in->name, "truncated gzip stream");
	if (inflateReset(&in->z) != Z_OK)
		emb_err(in->name, "bad gzip data");
	return 1;
}

/*
 * Up to n decoded bytes straight into dst; 0 only at the clean end.  It
 * returns what it has rather than wait for more, so a pipe read line by
 * line does not stall.
 */
static size_t
produce(struct emb_input *in, unsigned char *dst, size_t n)
{
	size_t got;
	ssize_t r;
	int rc;

	if (in->eof || n == 0)
		return 0;
	if (n > (1u << 30))
		n = 1u << 30;
	if (!in->gzip) {
		if (in->rpos < in->rend) {	/* the bytes read to look for the magic */
			got = in->rend - in->rpos < n ? in->rend - in->rpos : n;
			memcpy(dst, in->raw + in->rpos, got);
			in->rpos += got;
			return got;
		}
		do
			r = read(in->fd, dst, n);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			emb_err(in->name, "%s", strerror(errno));
		if (r == 0)
			in->eof = 1;
		return r;
	}
	in->z.next_out = dst;
	in->z.avail_out = n;
	for (;;) {
		if (in->member_end) {
			if (!next_member(in)) {
				in->eof = 1;
				break;
			}
			in->member_end = 0;
		}
		if (in->rpos == in->rend) {
			if (in->z.avail_out < n)
				break;		/* give what we have before blocking */
			if (raw_fill(in) == 0)
				emb_err(in->name, "truncated gzip stream");
		}
		in->z.next_in = in->raw + in->rpos;
		in->z.avail_in = in->rend - in->rpos;
		rc = inflate(&in->z, Z_NO_FLUSH);
		in->rpos = in->rend - in->z.avail_in;
		if (rc == Z_STREAM_END)
			in->member_end = 1;
		else if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR)
			emb_err(in->name, "bad gzip data: %s", in->z.msg ? in->z.msg :
			    "corrupt");
		else if (rc == Z_MEM_ERROR)
			emb_err(in->name, "out of memory");
		if (in->z.avail_out == 0)
			break;
	}
	return n - in->z.avail_out;
}

struct emb_input *
emb_input_fd(int fd, const char *name)
{
	struct emb_input *in;
	struct stat st;
	off_t off;

	if (fd < 0)
		emb_err(name, "%s", strerror(errno));
	if (fstat(fd, &st) < 0)
		emb_err(name, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		emb_err(name, "is a directory");
	in = emb_zalloc(1, sizeof *in);
	in->fd = fd;
	in->name = emb_strdup(name);
	in->raw = emb_alloc(RAWSIZE, 1);
	in->buf = emb_alloc(BUFSIZE, 1);
	in->cap = BUFSIZE;
	if (S_ISREG(st.st_mode) && (off = lseek(fd, 0, SEEK_CUR)) >= 0) {
		in->regular = 1;
		in->size = st.st_size > off ? (uint64_t)(st.st_size - off) : 0;
	}
	while (in->rend < 2 && raw_fill(in) > 0)
		;
	if (in->rend >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
		in->gzip = 1;
		in->regular = 0;	/* its length says little about what it unpacks to */
		if (inflateInit2(&in->z, 15 + 16) != Z_OK)
			emb_err(name, "out of memory");
		in->zinit = 1;
	}
	return in;
}

struct emb_input *
emb_input_open(const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return emb_input_fd(dup(0), "stdin");
	if ((fd = open(path, O_RDONLY)) < 0)
		emb_err(path, "%s", strerror(errno));
	return emb_input_fd(fd, path);
}

size_t
emb_input_read(struct emb_input *in, void *dst, size_t n)
{
	unsigned char *d = dst;
	size_t done = in->end - in->pos < n ? in->end - in->pos : n, got;

	memcpy(d, in->buf + in->pos, done);
	in->pos += done;
	while (done < n) {
		if (n - done < DIRECT) {
			in->pos = 0;
			in->end = produce(in, in->buf, in->cap);
			if (in->end == 0)
				break;
			got = in->end < n - done ? in->end : n - done;
			memcpy(d + done, in->buf, got);
			in->pos = got;
		} else if ((got = produce(in, d + done, n - done)) == 0) {
			break;
		}
		done += got;
	}
	in->taken += done;
	return done;
}

int
emb_input_getc(struct emb_input *in)
{
	if (in->pos == in->end) {
		in->pos = 0;
		if ((in->end = produce(in, in->buf, in->cap)) == 0)
			return EOF;
	}
	in->taken++;
	return in->buf[in->pos++];
}

long
emb_input_line(struct emb_input *in, char **bufp, size_t *capp, size_t max)
{
	size_t len = 0, n;
	unsigned char *nl;
	int atstart = in->taken == 0, any = 0;

	in->lineno++;
	for (;;) {
		if (in->pos == in->end) {
			in->pos = 0;
			if ((in->end = produce(in, in->buf, in->cap)) == 0)
				break;
		}
		any = 1;
		nl = memchr(in->buf + in->pos, '\n', in->end - in->pos);
		n = (nl != NULL ? (size_t)(nl - in->buf) : in->end) - in->pos;
		if (len + n > max + 1)	/* room for a \r that goes */
			emb_err(in->name, "line %ld: longer than %zu bytes", in->lineno,
			    max);
		if (len + n + 1 > *capp) {
			size_t cap = *capp ? *capp : 256;
			while (cap < len + n + 1)
				cap = emb_mul(cap, 2);
			*bufp = emb_realloc(*bufp, cap, 1);
			*capp = cap;
		}
		memcpy(*bufp + len, in->buf + in->pos, n);
		len += n;
		in->pos += n + (nl != NULL);
		in->taken += n + (nl != NULL);
		if (nl != NULL)
			break;
	}
	if (!any) {
		in->lineno--;
		return -1;
	}
	if (len > 0 && (*bufp)[len - 1] == '\r')
		len--;
	if (len > max)
		emb_err(in->name, "line %ld: longer than %zu bytes", in->lineno, max);
	if (atstart && len >= 3 && memcmp(*bufp, "\357\273\277", 3) == 0) {
		memmove(*bufp, *bufp + 3, len - 3);
		len -= 3;
	}
	(*bufp)[len] = '\0';
	return (long)len;
}

const char *
emb_input_name(const struct emb_input *in)
{
	return in->name;
}

int
emb_input_regular(const struct emb_input *in)
{
	return in->regular;
}

int
emb_input_compressed(const struct emb_input *in)
{
	return in->gzip;
}

uint64_t
emb_input_size(const struct emb_input *in)
{
	return in->regular && in->size > in->taken ? in->size - in->taken : 0;
}

long
emb_input_lineno(const struct emb_input *in)
{
	return in->lineno;
}

/* Give back n bytes just taken (a reader that looked ahead), to be read again. */
void
emb_input_unread(struct emb_input *in, const void *p, size_t n)
{
	size_t have = in->end - in->pos;
	unsigned char *b;

	if (n > in->taken)
		emb_err(in->name, "internal error: unread of bytes never read");
	if (n <= in->pos) {
		in->pos -= n;
		memmove(in->buf + in->pos, p, n);
	} else {
		b = emb_alloc(emb_mul(n + have > BUFSIZE ? n + have : BUFSIZE, 1), 1);
		memcpy(b, p, n);
		memcpy(b + n, in->buf + in->pos, have);
		free(in->buf);
		in->buf = b;
		in->cap = n + have > BUFSIZE ? n + have : BUFSIZE;
		in->pos = 0;
		in->end = n + have;
	}
	in->taken -= n;
}

/* Skip n bytes, by seeking in a plain file; returns how many there were. */
uint64_t
emb_input_skip(struct emb_input *in, uint64_t n)
{
	unsigned char tmp[BUFSIZE];
	uint64_t done = in->end - in->pos < n ? in->end - in->pos : n, left;
	size_t got;

	in->pos += done;
	in->taken += done;
	if (done < n && in->regular && in->rpos == in->rend) {
		left = emb_input_size(in);
		if (n - done < left)
			left = n - done;
		if (lseek(in->fd, (off_t)left, SEEK_CUR) < 0)
			emb_err(in->name, "%s", strerror(errno));
		in->taken += left;
		return done + left;
	}
	while (done < n) {
		got = emb_input_read(in, tmp, n - done < sizeof tmp ? n - done : sizeof tmp);
		done += got;
		if (got == 0)
			break;
	}
	return done;
}

/* The descriptor, for reading a plain file at offsets (pread, mmap). */
int
emb_input_fileno(const struct emb_input *in)
{
	return in->fd;
}

void
emb_input_close(struct emb_input *in)
{
	if (in == NULL)
		return;
	close(in->fd);
	if (in->zinit)
		inflateEnd(&in->z);
	free(in->raw);
	free(in->buf);
	free(in->name);
	free(in);
}
