/*
 * An emb stream in: its frames go out as they came, through the library's
 * reader (so a broken stream is an error here, not downstream), or through
 * the selection and transforms when options ask for them.
 */
#include <stdlib.h>

#include "extract.h"

void
stream_passthrough(struct job *j, struct input *in)
{
	/* the library's reader goes on from the bytes detect() looked at */
	struct emb_reader *r = emb_open_input(in_release(in));
	int changed = opts_change_rows(j->o);

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
}
