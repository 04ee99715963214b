/*
 * An emb stream in: its frames go out as they came, through the library's
 * reader (so a broken stream is an error here, not downstream), or through
 * the selection and transforms when options ask for them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "extract.h"

/*
 * The library reads from a descriptor.  A plain file is rewound to where
 * we started; otherwise (a pipe, whose first bytes we have read already) a
 * child writes what we hold and the rest, decompressed, into a new pipe.
 */
static struct emb_reader *
reopen(struct input *in, pid_t *child)
{
	int p[2], fd;
	size_t n;
	ssize_t w;

	*child = -1;
	if (in->fd >= 0 && in->regular) {
		if (lseek(in->fd, in->start, SEEK_SET) < 0 || (fd = dup(in->fd)) < 0)
			emb_err(in->name, "%s", strerror(errno));
		return emb_open_fd(fd, in->name);
	}
	if (in->fd < 0)
		return NULL;
	fflush(stdout);
	if (pipe(p) < 0 || (*child = fork()) < 0)
		emb_err(in->name, "%s", strerror(errno));
	if (*child == 0) {
		close(p[0]);
		while ((n = in_fill(in, 1)) > 0) {
			w = write(p[1], in_ptr(in), n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(1);
			in_take(in, w);
		}
		_exit(0);
	}
	close(p[1]);
	return emb_open_fd(p[0], in->name);
}

void
stream_passthrough(struct job *j, struct input *in)
{
	struct emb_reader *r;
	int changed = opts_change_rows(j->o), status;
	pid_t child;

	if ((r = reopen(in, &child)) == NULL)
		emb_err(in->name, "internal error: no descriptor for an emb stream");
	while (emb_read(r, &j->f)) {
		if (j->f.kind == EMB_GRAPH && changed)
			emb_err(in->name, "a graph frame cannot follow rows that were "
			    "selected or changed");
		if (j->f.kind == EMB_POINTS && changed) {
			j->cap = j->f.rows;
			j->complete = 1;
			job_collected(j);
			job_emit(j);
		} else {
			emb_write(j->out, &j->f);
		}
		emb_frame_free(&j->f);
		free(j->sel);
		j->sel = NULL;
	}
	emb_close(r);
	if (child > 0 && (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0))
		emb_err(in->name, "reading the stream failed");
}
