#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emb.h"

const char *emb_progname = "emb";
int emb_verbose;
void (*emb_fatal_hook)(void);

void
emb_init(const char *argv0)
{
	const char *p;

	if (argv0 != NULL && *argv0 != '\0') {
		p = strrchr(argv0, '/');
		emb_progname = p != NULL ? p + 1 : argv0;
	}
	/* A reader that goes away (| head) ends us quietly, even if our parent ignored SIGPIPE. */
	signal(SIGPIPE, SIG_DFL);
}

/* A file name with control bytes (a zip entry's, say) is quoted like any input. */
static const char *
safe_name(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return emb_quote(s);
	return s;
}

/* One line, written at once, so messages of programs in one pipe do not mix. */
static void
vwarn(const char *file, const char *where, const char *fmt, va_list ap)
{
	char msg[4096];
	int n;

	fflush(stdout);
	n = snprintf(msg, sizeof msg, "%s: %s%s%s%s", emb_progname,
	    file != NULL ? safe_name(file) : "", file != NULL ? ": " : "",
	    where != NULL ? where : "", where != NULL ? ": " : "");
	if (n < 0 || (size_t)n >= sizeof msg)
		n = sizeof msg - 1;
	vsnprintf(msg + n, sizeof msg - n, fmt, ap);
	fprintf(stderr, "%s\n", msg);
}

void
emb_verr(const char *file, const char *where, const char *fmt, va_list ap)
{
	vwarn(file, where, fmt, ap);
	if (emb_fatal_hook != NULL)
		emb_fatal_hook();
	exit(1);
}

void
emb_err(const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emb_verr(file, NULL, fmt, ap);	/* a fuzz harness's hook longjmps out */
}

void
emb_warn(const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(file, NULL, fmt, ap);
	va_end(ap);
}

void
emb_usage(const char *synopsis)
{
	fprintf(stderr, "usage: %s\n", synopsis);
	exit(2);
}

void
emb_help(const char *synopsis)
{
	printf("usage: %s\n", synopsis);
	emb_close_stdout();
	exit(0);
}
