#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>

#include "emb.h"

static void
write_failed(FILE *fp)
{
	int e = errno;

	if (e == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	emb_err(fp == stdout ? "stdout" : NULL, "write error: %s",
	    strerror(e ? e : EIO));
}

void
emb_fwrite(const void *buf, size_t n, FILE *fp)
{
	if (n > 0 && fwrite(buf, 1, n, fp) != n)
		write_failed(fp);
}

void
emb_printf(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(fp, fmt, ap);
	va_end(ap);
	if (r < 0)
		write_failed(fp);
}

void
emb_close_stdout(void)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		write_failed(stdout);
	if (fclose(stdout) != 0)
		write_failed(stdout);
}

void
emb_put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

uint32_t
emb_get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

int
emb_host_le(void)
{
	uint32_t one = 1;
	unsigned char c;

	memcpy(&c, &one, 1);
	return c == 1;
}

void
emb_floats_le(float *v, size_t n)
{
	uint32_t u;
	size_t i;

	if (emb_host_le())
		return;
	for (i = 0; i < n; i++) {
		memcpy(&u, &v[i], 4);
		u = __builtin_bswap32(u);
		memcpy(&v[i], &u, 4);
	}
}

/* A TSV cell: tab, newline, carriage return and backslash as \t \n \r \\. */
void
emb_put_tsv(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\t': emb_fwrite("\\t", 2, fp); break;
		case '\n': emb_fwrite("\\n", 2, fp); break;
		case '\r': emb_fwrite("\\r", 2, fp); break;
		case '\\': emb_fwrite("\\\\", 2, fp); break;
		default: emb_fwrite(s, 1, fp);
		}
	}
}
