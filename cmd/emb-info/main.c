/* emb-info: what a stream holds, or its numbers and labels as TSV. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emb.h"
#include "check.h"

#define SYNOPSIS "emb-info [-h] [-g | -l | -t] [--check [-t] [-n rows] [--class field] " \
	"[--positions] [--seed n]] [file ...]"

enum { OPT_CHECK = 256, OPT_CLASS, OPT_POSITIONS, OPT_SEED };

static const struct option longopts[] = {
	{ "check",     no_argument,       NULL, OPT_CHECK },
	{ "class",     required_argument, NULL, OPT_CLASS },
	{ "help",      no_argument,       NULL, 'h' },
	{ "positions", no_argument,       NULL, OPT_POSITIONS },
	{ "seed",      required_argument, NULL, OPT_SEED },
	{ NULL, 0, NULL, 0 },
};

static void
stats(const char *what, const float *v, size_t n, size_t stride, size_t cols)
{
	double lo = INFINITY, hi = -INFINITY, sum = 0, x;
	size_t i, j, finite = 0, nan = 0, inf = 0;

	for (i = 0; i < n; i++) {
		if (cols == 0) {
			x = v[i * stride];
		} else {	/* the L2 norm of row i */
			double s = 0;
			for (j = 0; j < cols; j++)
				s += (double)v[i * cols + j] * v[i * cols + j];
			x = sqrt(s);
		}
		if (isnan(x)) {
			nan++;
			continue;
		}
		if (isinf(x)) {
			inf++;
			continue;
		}
		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
		sum += x;
		finite++;
	}
	if (finite == 0)
		emb_printf(stdout, "  %-10s none finite", what);
	else
		emb_printf(stdout, "  %-10s min %.6g  max %.6g  mean %.6g", what,
		    lo, hi, sum / finite);
	if (cols == 0)
		emb_printf(stdout, "  nan %zu  inf %zu", nan, inf);
	emb_printf(stdout, "\n");
}

static void
describe(const struct emb_frame *f, int n)
{
	size_t i;

	if (f->kind == EMB_GRAPH) {
		emb_printf(stdout, "frame %d: graph, %zu rows, k %zu\n", n, f->rows, f->cols);
	} else {
		emb_printf(stdout, "frame %d: points, %zu rows x %zu cols", n,
		    f->rows, f->cols);
		if (f->nfields > 0) {
			emb_printf(stdout, ", labels:");
			for (i = 0; i < f->nfields; i++) {
				emb_printf(stdout, i ? ", " : " ");
				emb_put_tsv(stdout, f->fieldnames[i]);
			}
		}
		emb_printf(stdout, "\n");
	}
	for (i = 0; i < f->nmeta; i++) {
		emb_printf(stdout, "  meta %s = ", f->meta[i].key);
		emb_put_tsv(stdout, f->meta[i].val);
		emb_printf(stdout, "\n");
	}
	if (f->rows == 0)
		return;
	if (f->kind == EMB_GRAPH) {
		stats("distances", f->data, f->rows * f->cols, 1, 0);
		return;
	}
	stats("values", f->data, f->rows * f->cols, 1, 0);
	stats("row norms", f->data, f->rows, 0, f->cols);
}

static void
write_tsv(const struct emb_frame *f)
{
	size_t i, j;

	for (i = 0; i < f->rows; i++)
		for (j = 0; j < f->cols; j++)
			emb_printf(stdout, "%.9g%c", f->data[i * f->cols + j],
			    j + 1 < f->cols ? '\t' : '\n');
}

static void
write_graph(const struct emb_frame *f)
{
	size_t i, j, k = f->cols;

	for (i = 0; i < f->rows; i++) {
		for (j = 0; j < k; j++)
			emb_printf(stdout, "%d\t", f->index[i * k + j]);
		for (j = 0; j < k; j++)
			emb_printf(stdout, "%.9g%c", f->data[i * k + j],
			    j + 1 < k ? '\t' : '\n');
	}
}

static void
write_labels(const struct emb_frame *f)
{
	size_t i, j;

	if (f->nfields > 1)
		for (j = 0; j < f->nfields; j++) {
			emb_put_tsv(stdout, f->fieldnames[j]);
			emb_fwrite(j + 1 < f->nfields ? "\t" : "\n", 1, stdout);
		}
	for (i = 0; i < f->rows; i++)
		for (j = 0; j < f->nfields; j++) {
			emb_put_tsv(stdout, emb_label(f, i, j));
			emb_fwrite(j + 1 < f->nfields ? "\t" : "\n", 1, stdout);
		}
}

/* An operand, or NULL when it cannot be read: said, and the others go on. */
static struct emb_reader *
open_operand(const char *path)
{
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0)
		return emb_open("-");
	if ((fd = open(path, O_RDONLY)) < 0) {
		emb_warn(path, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		emb_warn(path, "is a directory");
		close(fd);
		return NULL;
	}
	return emb_open_fd(fd, path);
}

int
main(int argc, char *argv[])
{
	struct emb_frame f, last = { 0 }, lastgraph = { 0 };
	struct emb_reader *r;
	struct check_opts co = { 20000, 1, NULL, 0, 0 };
	int c, mode = 0, n = 0, i, status = 0, check = 0, more = 0;

	emb_init(argv[0]);
	while ((c = getopt_long(argc, argv, "ghln:t", longopts, NULL)) != -1) {
		switch (c) {
		case 'g':
		case 'l':
		case 't':
			if (mode != 0 && mode != c)
				emb_usage(SYNOPSIS);
			mode = c;
			break;
		case 'h':
			emb_help(SYNOPSIS);
		case 'n':
			co.n = (size_t)emb_parse_int(optarg, 1, EMB_MAX_ROWS, "-n");
			more = 1;
			break;
		case OPT_CHECK:
			check = 1;
			break;
		case OPT_CLASS:
			co.class_field = optarg;
			more = 1;
			break;
		case OPT_POSITIONS:
			co.positions = more = 1;
			break;
		case OPT_SEED:
			co.seed = (uint64_t)emb_parse_int(optarg, 0, INT64_MAX, "--seed");
			more = 1;
			break;
		default:
			emb_usage(SYNOPSIS);
		}
	}
	argc -= optind;
	argv += optind;
	check_options(&co, check, mode, more);
	if (check)
		return check_main(argc, argv, &co);

	for (i = 0; i == 0 || i < argc; i++) {
		if ((r = open_operand(argc > 0 ? argv[i] : "-")) == NULL) {
			status = 1;
			continue;
		}
		while (emb_read(r, &f)) {
			n++;
			if (mode == 0) {
				describe(&f, n);
				emb_frame_free(&f);
			} else if (f.kind == EMB_POINTS) {
				emb_frame_free(&last);
				last = f;
			} else {
				emb_frame_free(&lastgraph);
				lastgraph = f;
			}
		}
		emb_close(r);
	}
	if (mode == 't' || mode == 'l') {
		if (last.kind != EMB_POINTS)
			emb_err(NULL, "no points frame in the input");
		if (mode == 'l' && last.nfields == 0)
			emb_err(NULL, "the last points frame has no labels");
		if (mode == 't')
			write_tsv(&last);
		else
			write_labels(&last);
	} else if (mode == 'g') {
		if (lastgraph.kind != EMB_GRAPH)
			emb_err(NULL, "no graph frame in the input");
		write_graph(&lastgraph);
	}
	emb_frame_free(&last);
	emb_frame_free(&lastgraph);
	emb_close_stdout();
	return status;
}
