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

static void
vwarn(const char *file, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", emb_progname);
	if (file != NULL)
		fprintf(stderr, "%s: ", file);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
emb_err(const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(file, fmt, ap);
	va_end(ap);
	if (emb_fatal_hook != NULL)
		emb_fatal_hook();	/* a fuzz harness longjmps out instead of exiting */
	exit(1);
}

void
emb_warn(const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(file, fmt, ap);
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
