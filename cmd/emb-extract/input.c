/*
 * Buffered input over the library's (which decompresses gzip and is strict
 * about its end), memory, or a range of a plain file (a zip entry, raw or
 * deflated), so every reader can look ahead and has a decoded byte offset
 * for its messages.  Big reads go straight into the caller's memory; skips
 * on a plain file are seeks.
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
start_inflate(struct input *in)
{
	in->zmode = 1;
	in->zcap = ZBUFSIZE;
	in->zbuf = emb_alloc(in->zcap, 1);
	if (inflateInit2(&in->z, -15) != Z_OK)
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
	if (in->src != NULL) {
		got = emb_input_read(in->src, dst, n);
		in->rawpos += got;
	} else if (in->zmode == 0) {
		got = raw_read(in, dst, n);
	} else {
		in->z.next_out = dst;
		in->z.avail_out = n > (1u << 30) ? 1u << 30 : (unsigned)n;
		while (in->z.avail_out > 0 && !in->zend) {
			if (in->z.avail_in == 0) {
				in->z.avail_in = raw_read(in, in->zbuf, in->zcap);
				in->z.next_in = in->zbuf;
				if (in->z.avail_in == 0)
					emb_err(in->name, "byte %llu: truncated deflate data",
					    (unsigned long long)(in->off + in_avail(in) +
					    (in->z.next_out - dst)));
			}
			rc = inflate(&in->z, Z_NO_FLUSH);
			if (rc == Z_STREAM_END)
				in->zend = 1;
			else if (rc != Z_OK && rc != Z_BUF_ERROR)
				emb_err(in->name, "compressed byte %llu: bad deflate data: %s",
				    (unsigned long long)(in->rawpos - in->z.avail_in),
				    in->z.msg ? in->z.msg : "error");
		}
		got = in->z.next_out - dst;
	}
	if (got == 0)
		in->eof = 1;
	if (in->crc_on && got > 0)
		in->crc = crc32_z(in->crc, dst, got);
	return got;
}

/* A file or a pipe, through the library; start is the descriptor's offset. */
static struct input *
in_src(struct emb_input *src, off_t start)
{
	struct input *in = in_new(emb_input_name(src), emb_input_regular(src) ?
	    emb_input_size(src) : UINT64_MAX);

	in->src = src;
	in->fd = emb_input_fileno(src);
	in->regular = emb_input_regular(src);
	in->rawsize = emb_input_size(src);
	in->start = start;
	return in;
}

struct input *
in_open(const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0) {
		path = "stdin";
		fd = dup(0);
	} else if ((fd = open(path, O_RDONLY)) < 0) {
		emb_err(path, "%s", strerror(errno));
	}
	return in_fd(fd, path);
}

struct input *
in_fd(int fd, const char *name)
{
	off_t start = fd >= 0 ? lseek(fd, 0, SEEK_CUR) : 0;

	return in_src(emb_input_fd(fd, name), start);
}

/* The library's input, with what we have read ahead given back; in is spent. */
struct emb_input *
in_release(struct input *in)
{
	struct emb_input *src = in->src;

	if (src == NULL)
		emb_err(in->name, "internal error: not a file or a pipe");
	emb_input_unread(src, in_ptr(in), in_avail(in));
	in->src = NULL;
	in->fd = -1;
	in->pos = in->end = 0;
	return src;
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

	if (!parent->regular || in_compressed(parent) || off > parent->rawsize ||
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
		start_inflate(in);
	return in;
}

void
in_close(struct input *in)
{
	if (in == NULL)
		return;
	emb_input_close(in->src);	/* and its descriptor; ranges only borrow theirs */
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
	return in->src != NULL ? emb_input_compressed(in->src) : in->zmode != 0;
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
	if (done < n && in->src != NULL && !in->crc_on) {
		m = emb_input_skip(in->src, n - done);
		in->rawpos += m;
		in->off += m;
		return done + m;
	}
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

	cap = in->regular && !in_compressed(in) ? n : (n < BUFSIZE ? n : BUFSIZE);
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
 * valid until the next read.  A line longer than max bytes is an error,
 * naming it by lineno.
 */
char *
in_line(struct input *in, size_t *len, size_t lineno, size_t max)
{
	size_t scanned = 0, avail;
	char *p, *nl;

	for (;;) {
		avail = in_avail(in);
		p = (char *)in_ptr(in);
		nl = memchr(p + scanned, '\n', avail - scanned);
		if (nl != NULL && (size_t)(nl - p) <= max + (nl > p && nl[-1] == '\r')) {
			*len = nl - p;
			in_take(in, *len + 1);
			return p;
		}
		scanned = avail;
		if (nl != NULL || avail > max)
			emb_err(in->name, "line %zu: longer than %zu bytes", lineno, max);
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

/*
 * For the formats that must seek (a zip's directory is at its end): a
 * pipe's or a gzip file's bytes go to a temporary file, gone from the file
 * system at once, so memory stays small however long the input.  The
 * caller checks the magic first, so /dev/zero fails at once.
 */
struct input *
in_spool(struct input *in)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	size_t got;
	ssize_t w;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof path, "%s/emb-extract.XXXXXX", dir) >=
	    sizeof path)
		emb_err(NULL, "TMPDIR: too long");
	if ((fd = mkstemp(path)) < 0)
		emb_err(path, "%s", strerror(errno));
	unlink(path);
	while ((got = in_fill(in, 1)) > 0) {
		w = write(fd, in_ptr(in), got);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			emb_err(dir, "spooling %s: %s", in->name, strerror(w < 0 ?
			    errno : ENOSPC));
		in_take(in, w);
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		emb_err(path, "%s", strerror(errno));
	return in_fd(fd, in->name);
}
