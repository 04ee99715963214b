/*
 * Buffered input that decompresses gzip on the way, so every reader sees
 * plain bytes and a decoded byte offset for its messages.  Big reads go
 * straight into the caller's memory; skips on a plain file are seeks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"

#define BUFSIZE		(1u << 20)
#define ZBUFSIZE	(1u << 18)

/* size: what there is to read, when known; small inputs get a small buffer */
static struct input *
in_new(const char *name, uint64_t size)
{
	struct input *in = emb_zalloc(1, sizeof *in);

	in->name = emb_strdup(name);
	in->fd = -1;
	in->rawlimit = UINT64_MAX;
	in->cap = size < 4096 ? 4096 : size < BUFSIZE ? size : BUFSIZE;
	in->buf = emb_alloc(in->cap + 1, 1);
	in->buf[0] = '\0';
	return in;
}

static void
start_inflate(struct input *in, int mode)
{
	in->zmode = mode;
	in->zcap = ZBUFSIZE;
	in->zbuf = emb_alloc(in->zcap, 1);
	if (inflateInit2(&in->z, mode == 1 ? 15 + 16 : -15) != Z_OK)
		emb_err(in->name, "out of memory");
	in->zinit = 1;
}

static size_t
raw_read(struct input *in, unsigned char *dst, size_t n)
{
	ssize_t got;

	if (n > in->rawlimit - in->rawpos)
		n = in->rawlimit - in->rawpos;
	if (n == 0)
		return 0;
	if (in->fd < 0) {
		memcpy(dst, in->mem + in->rawpos, n);
		in->rawpos += n;
		return n;
	}
	if (n > (1u << 30))
		n = 1u << 30;
	do
		got = read(in->fd, dst, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		emb_err(in->name, "%s", strerror(errno));
	in->rawpos += got;
	return got;
}

/* Up to n decoded bytes into dst; 0 only at the end of the input. */
static size_t
produce(struct input *in, unsigned char *dst, size_t n)
{
	size_t got = 0;
	int rc;

	if (in->eof || n == 0)
		return 0;
	if (in->zmode == 0) {
		got = raw_read(in, dst, n);
	} else {
		in->z.next_out = dst;
		in->z.avail_out = n > (1u << 30) ? 1u << 30 : (unsigned)n;
		while (in->z.avail_out > 0 && !in->zend) {
			if (in->z.avail_in == 0) {
				in->z.avail_in = raw_read(in, in->zbuf, in->zcap);
				in->z.next_in = in->zbuf;
				if (in->z.avail_in == 0)
					emb_err(in->name, "byte %llu: truncated %s data",
					    (unsigned long long)(in->off + in_avail(in) +
					    (in->z.next_out - dst)),
					    in->zmode == 1 ? "gzip" : "deflate");
			}
			rc = inflate(&in->z, Z_NO_FLUSH);
			if (rc == Z_STREAM_END) {
				if (in->zmode == 2) {
					in->zend = 1;
					break;
				}
				/* another gzip member may follow, as gzip(1) allows */
				if (in->z.avail_in == 0) {
					in->z.avail_in = raw_read(in, in->zbuf, in->zcap);
					in->z.next_in = in->zbuf;
				}
				if (in->z.avail_in == 0) {
					in->zend = 1;
					break;
				}
				if (in->z.next_in[0] != 0x1f)
					emb_err(in->name, "compressed byte %llu: data "
					    "after the end of the gzip stream",
					    (unsigned long long)(in->rawpos -
					    in->z.avail_in));
				inflateReset(&in->z);
			} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
				emb_err(in->name, "compressed byte %llu: bad %s data: %s",
				    (unsigned long long)(in->rawpos - in->z.avail_in),
				    in->zmode == 1 ? "gzip" : "deflate",
				    in->z.msg ? in->z.msg : "error");
			}
		}
		got = in->z.next_out - dst;
	}
	if (got == 0)
		in->eof = 1;
	if (in->crc_on && got > 0)
		in->crc = crc32_z(in->crc, dst, got);
	return got;
}

static struct input *
in_fd(int fd, const char *name, int ownfd)
{
	struct input *in = in_new(name, UINT64_MAX);
	struct stat st;

	in->fd = fd;
	in->ownfd = ownfd;
	if (fstat(fd, &st) < 0)
		emb_err(name, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		emb_err(name, "is a directory");
	if (S_ISREG(st.st_mode)) {
		in->start = lseek(fd, 0, SEEK_CUR);
		if (in->start >= 0) {
			in->regular = 1;
			in->rawsize = st.st_size > in->start ?
			    (uint64_t)(st.st_size - in->start) : 0;
		}
	}
	/* the gzip magic: from here on every reader sees decompressed bytes */
	in->end = produce(in, in->buf, 2);
	if (in->end == 1)
		in->end += produce(in, in->buf + 1, 1);
	in->eof = 0;
	if (in->end == 2 && in->buf[0] == 0x1f && in->buf[1] == 0x8b) {
		start_inflate(in, 1);
		memcpy(in->zbuf, in->buf, 2);
		in->z.next_in = in->zbuf;
		in->z.avail_in = 2;
		in->end = 0;
	}
	in->buf[in->end] = '\0';
	return in;
}

struct input *
in_open(const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return in_fd(0, "stdin", 0);
	if ((fd = open(path, O_RDONLY)) < 0)
		emb_err(path, "%s", strerror(errno));
	return in_fd(fd, path, 1);
}

struct input *
in_mem(const char *name, const void *data, size_t size)
{
	struct input *in = in_new(name, size);

	in->mem = data;
	in->regular = 1;
	in->rawsize = size;
	in->rawlimit = size;
	return in;
}

/*
 * A range of a plain file or memory (a zip entry), raw or deflated; it
 * shares the parent's descriptor, so the parent is not read meanwhile.
 */
struct input *
in_range(struct input *parent, uint64_t off, uint64_t len, int deflated,
    const char *name)
{
	struct input *in = in_new(name, deflated ? UINT64_MAX : len);

	if (!parent->regular || parent->zmode != 0 || off > parent->rawsize ||
	    len > parent->rawsize - off)
		emb_err(parent->name, "internal error: bad input range");
	in->fd = parent->fd;
	in->regular = 1;
	if (in->fd < 0) {
		in->mem = parent->mem + off;
	} else if (lseek(in->fd, parent->start + (off_t)off, SEEK_SET) < 0) {
		emb_err(parent->name, "%s", strerror(errno));
	}
	in->rawsize = len;
	in->rawlimit = len;
	if (deflated)
		start_inflate(in, 2);
	return in;
}

void
in_close(struct input *in)
{
	if (in == NULL)
		return;
	if (in->ownfd && in->fd >= 0)
		close(in->fd);
	if (in->zinit)
		inflateEnd(&in->z);
	free(in->zbuf);
	free(in->buf);
	free(in->name);
	free(in);
}

int
in_compressed(const struct input *in)
{
	return in->zmode != 0;
}

/* Have at least want bytes in the buffer, or all that is left; returns what is there. */
size_t
in_fill(struct input *in, size_t want)
{
	size_t got;

	if (in_avail(in) >= want || in->eof)
		return in_avail(in);
	if (in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, in_avail(in));
		in->end -= in->pos;
		in->pos = 0;
	}
	if (want > in->cap) {
		size_t cap = in->cap;
		while (cap < want)
			cap = emb_mul(cap, 2);
		in->buf = emb_realloc(in->buf, cap + 1, 1);
		in->cap = cap;
	}
	while (in->end < want) {
		got = produce(in, in->buf + in->end, in->cap - in->end);
		if (got == 0)
			break;
		in->end += got;
	}
	in->buf[in->end] = '\0';
	return in_avail(in);
}

/* n bytes into dst, fewer only at the end of the input. */
size_t
in_read(struct input *in, void *dst, size_t n)
{
	unsigned char *d = dst;
	size_t done = in_avail(in) < n ? in_avail(in) : n, got;

	memcpy(d, in_ptr(in), done);
	in_take(in, done);
	while (done < n) {
		if (n - done < (64u << 10)) {
			size_t have = in_fill(in, n - done);
			size_t m = have < n - done ? have : n - done;
			if (m == 0)
				break;
			memcpy(d + done, in_ptr(in), m);
			in_take(in, m);
			done += m;
			continue;
		}
		/* big reads skip the buffer */
		got = produce(in, d + done, n - done);
		if (got == 0)
			break;
		done += got;
		in->off += got;
	}
	return done;
}

/* Skip n bytes; returns how many there were. */
uint64_t
in_skip(struct input *in, uint64_t n)
{
	uint64_t done = in_avail(in) < n ? in_avail(in) : n, left;
	size_t m;

	in_take(in, done);
	if (done < n && in->zmode == 0 && in->regular && in->fd >= 0 && !in->crc_on) {
		left = in->rawsize - in->rawpos;
		if (left > in->rawlimit - in->rawpos)
			left = in->rawlimit - in->rawpos;
		m = n - done < left ? n - done : left;
		if (lseek(in->fd, (off_t)m, SEEK_CUR) < 0)
			emb_err(in->name, "%s", strerror(errno));
		in->rawpos += m;
		in->off += m;
		return done + m;
	}
	if (done < n && in->fd < 0 && in->zmode == 0 && !in->crc_on) {
		left = in->rawlimit - in->rawpos;
		m = n - done < left ? n - done : left;
		in->rawpos += m;
		in->off += m;
		return done + m;
	}
	while (done < n) {
		m = in_fill(in, 1);
		if (m == 0)
			break;
		if (m > n - done)
			m = n - done;
		in_take(in, m);
		done += m;
	}
	return done;
}

int
in_at_end(struct input *in)
{
	return in_fill(in, 1) == 0;
}

/*
 * n bytes a header announced, in a new buffer (NUL-terminated).  From a
 * plain file the caller has checked n against its size; otherwise the
 * buffer grows only as the bytes really arrive.
 */
unsigned char *
in_read_alloc(struct input *in, size_t n, const char *what)
{
	size_t have = 0, cap, step, got;
	unsigned char *buf;

	cap = in->regular && !in->zmode ? n : (n < BUFSIZE ? n : BUFSIZE);
	buf = emb_alloc(emb_mul(cap, 1) + 1, 1);
	while (have < n) {
		if (have == cap) {
			cap = cap > n / 2 ? n : cap * 2;
			buf = emb_realloc(buf, cap + 1, 1);
		}
		step = cap - have;
		got = in_read(in, buf + have, step);
		have += got;
		if (got < step) {
			free(buf);
			emb_err(in->name, "byte %llu: truncated %s (%zu of %zu bytes)",
			    (unsigned long long)in_tell(in), what, have, n);
		}
	}
	buf[n] = '\0';
	return buf;
}

/*
 * The next line, from *len bytes at the returned pointer up to (not
 * including) its newline; NULL at the end of the input.  The bytes stay
 * valid until the next read.  lineno names the line in the error a line
 * longer than MAX_LINE gives.
 */
char *
in_line(struct input *in, size_t *len, size_t lineno)
{
	size_t scanned = 0, avail;
	char *p, *nl;

	for (;;) {
		avail = in_avail(in);
		p = (char *)in_ptr(in);
		nl = memchr(p + scanned, '\n', avail - scanned);
		if (nl != NULL) {
			*len = nl - p;
			in_take(in, *len + 1);
			return p;
		}
		scanned = avail;
		if (avail >= MAX_LINE)
			emb_err(in->name, "line %zu: longer than %u bytes", lineno,
			    MAX_LINE);
		if (in->regular)
			emb_progress("reading", in->rawpos, in->rawsize);
		if (in_fill(in, avail + 1) == avail) {
			if (avail == 0)
				return NULL;
			p = (char *)in_ptr(in);	/* in_fill left a NUL after the data */
			*len = avail;
			in_take(in, avail);
			return p;
		}
	}
}
