/* emb-info --check: the first points frame of the input, checked for structure. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The --check options; a usage error in one line if they do not go together. */
void
check_options(struct check_opts *co, int check, int mode, int more)
{
	const char *msg = NULL;

	if (check && mode != 0 && mode != 't')
		msg = "--check cannot go with -g or -l";
	else if (!check && more)
		msg = "-n, --class, --positions and --seed are for --check";
	if (msg != NULL) {
		emb_warn(NULL, "%s", msg);
		exit(2);
	}
	co->tsv = mode == 't';
}

/* "--class F: no such label field (the fields are: a, b)", in one line. */
static void __attribute__((noreturn))
no_field(const struct emb_frame *f, const char *name)
{
	char list[1024] = "";
	size_t i, len = 0;

	for (i = 0; i < f->nfields && len + 8 < sizeof list; i++)
		len += snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
		    emb_quote(f->fieldnames[i]));
	if (f->nfields == 0)
		emb_err(NULL, "--class %s: the points have no labels", emb_quote(name));
	emb_err(NULL, "--class %s: no such label field (the fields are: %s)",
	    emb_quote(name), list);
}

int
check_main(int argc, char *argv[], const struct check_opts *o)
{
	struct emb_frame f;
	struct emb_reader *r;
	struct check c;
	int i, found = 0;

	for (i = 0; !found && (i == 0 || i < argc); i++) {
		r = emb_open(argc > 0 ? argv[i] : "-");
		while (!found && emb_read(r, &f))
			if (f.kind == EMB_POINTS)
				found = 1;
			else
				emb_frame_free(&f);
		emb_close(r);
	}
	if (!found)
		emb_err(NULL, "no points frame in the input");
	if (f.rows == 0 || f.cols == 0)
		emb_err(NULL, "the first points frame is empty (%zu x %zu)", f.rows, f.cols);
	memset(&c, 0, sizeof c);
	c.cfield = -1;
	if (o->class_field != NULL && (c.cfield = emb_field_index(&f, o->class_field)) < 0)
		no_field(&f, o->class_field);
	rows_scan(&c, &f);
	rows_sample(&c, o);
	anisotropy(&c, o);
	neighbourhoods(&c, o);
	if (o->positions)
		positions(&c, o);
	verdict(&c);
	report(&c, o);
	free(c.pc1);
	free(c.x);
	free(c.rows);
	emb_frame_free(&f);
	emb_close_stdout();
	return 0;
}
