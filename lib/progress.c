#include <time.h>
#include <unistd.h>

#include "emb.h"

void
emb_progress(const char *what, uint64_t done, uint64_t total)
{
	static struct timespec last;
	static int shown;
	struct timespec now;

	if (emb_verbose < 0 || (emb_verbose == 0 && !isatty(2)))
		return;
	if (done < total) {
		/* at most five updates a second */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (shown && (now.tv_sec - last.tv_sec) * 1000000000L +
		    (now.tv_nsec - last.tv_nsec) < 200000000L)
			return;
		last = now;
		shown = 1;
		fprintf(stderr, "\r%s: %s: %3d%%", emb_progname, what,
		    total ? (int)(100.0 * done / total) : 0);
	} else if (shown || emb_verbose > 0) {
		fprintf(stderr, "\r%s: %s: 100%%\n", emb_progname, what);
		shown = 0;
	}
}
