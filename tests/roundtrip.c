/*
 * roundtrip: write frames through libemb and read them back, plain and
 * gzip-compressed; with -w, just write the test stream to stdout.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "emb.h"

#define NFRAMES 4

static int failures;

static void
check(int cond, const char *what)
{
	printf("%s - roundtrip: %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failures++;
}

/* Frame i of the test stream: points with and without labels and fields, and a graph. */
static void
make(struct emb_frame *f, int i, struct emb_rng *rng)
{
	static char *names1[] = { "word" };
	static char *names2[] = { "word", "class with space%", "idx" };
	/* labels real vocabularies have: tabs, newlines, quotes, backslashes, invalid UTF-8 */
	static const char *nasty[] = { "king", "a\tb", "line\nbreak", "\"q'`", "\\x",
	    "\xff\xfe", "EOD", "", "caf\xc3\xa9", "@m !ls" };
	size_t r, c, rows = 7 + 13 * i, cols = 1 + 5 * i;
	char buf[32];

	if (i == 2) {	/* a graph for frame 1 */
		emb_frame_init(f, EMB_GRAPH, 20, 3);
		for (r = 0; r < 20; r++)
			for (c = 0; c < 3; c++) {
				f->index[r * 3 + c] = (int32_t)((r + c + 1) % 20);
				f->data[r * 3 + c] = (float)(c + emb_rng_uniform(rng));	/* ascending */
			}
		emb_meta_set(f, "metric", "euclidean");
		return;
	}
	emb_frame_init(f, EMB_POINTS, rows, cols);
	for (r = 0; r < rows * cols; r++)
		f->data[r] = (float)(emb_rng_normal(rng) * 1e3);
	emb_meta_set(f, "source", "test %d\twith tab, newline\n and %% sign", i);
	emb_meta_set(f, "empty", "%s", "");
	if (i == 0)
		return;
	emb_labels_begin(f, i == 1 ? 1 : 3, i == 1 ? names1 : names2);
	for (r = 0; r < rows; r++) {
		emb_label_add(f, nasty[r % 10], strlen(nasty[r % 10]));
		if (i != 1) {
			emb_label_add(f, "c", 1);
			snprintf(buf, sizeof buf, "%zu", r);
			emb_label_add(f, buf, strlen(buf));
		}
	}
	emb_labels_end(f);
}

static int
same(const struct emb_frame *a, const struct emb_frame *b)
{
	size_t i, n = a->rows * a->cols;

	if (a->kind != b->kind || a->rows != b->rows || a->cols != b->cols ||
	    a->nfields != b->nfields || a->nmeta != b->nmeta ||
	    a->labelbytes != b->labelbytes)
		return 0;
	if (memcmp(a->data, b->data, n * sizeof(float)) != 0)
		return 0;
	if (a->kind == EMB_GRAPH && memcmp(a->index, b->index, n * 4) != 0)
		return 0;
	for (i = 0; i < a->nfields; i++)
		if (strcmp(a->fieldnames[i], b->fieldnames[i]) != 0)
			return 0;
	for (i = 0; i < a->rows * a->nfields; i++)
		if (strcmp(a->labels[i], b->labels[i]) != 0)
			return 0;
	for (i = 0; i < a->nmeta; i++)
		if (strcmp(a->meta[i].key, b->meta[i].key) != 0 ||
		    strcmp(a->meta[i].val, b->meta[i].val) != 0)
			return 0;
	return 1;
}

static void
readback(const char *path, struct emb_frame *want, const char *what)
{
	struct emb_reader *r = emb_open(path);
	struct emb_frame f;
	int i = 0, good = 1;

	while (emb_read(r, &f)) {
		if (i >= NFRAMES || !same(&f, &want[i]))
			good = 0;
		emb_frame_free(&f);
		i++;
	}
	emb_close(r);
	check(good && i == NFRAMES, what);
}

int
main(int argc, char *argv[])
{
	struct emb_frame want[NFRAMES];
	struct emb_rng rng;
	char path[] = "/tmp/emb-roundtrip-XXXXXX", gzpath[64];
	char buf[65536];
	FILE *fp;
	gzFile gz;
	size_t n;
	int i, fd;

	emb_init(argv[0]);
	emb_rng_seed(&rng, 42);
	for (i = 0; i < NFRAMES; i++)
		make(&want[i], i, &rng);
	if (argc > 1 && strcmp(argv[1], "-w") == 0) {
		for (i = 0; i < NFRAMES; i++)
			emb_write(stdout, &want[i]);
		emb_close_stdout();
		return 0;
	}

	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "wb")) == NULL)
		emb_err(path, "cannot create");
	for (i = 0; i < NFRAMES; i++)
		emb_write(fp, &want[i]);
	if (fclose(fp) != 0)
		emb_err(path, "write error");
	readback(path, want, "plain file, four frames, labels, fields, graph");

	snprintf(gzpath, sizeof gzpath, "%s.gz", path);
	if ((fp = fopen(path, "rb")) == NULL || (gz = gzopen(gzpath, "wb")) == NULL)
		emb_err(gzpath, "cannot create");
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		gzwrite(gz, buf, (unsigned)n);
	fclose(fp);
	gzclose(gz);
	readback(gzpath, want, "gzip-compressed file");

	unlink(path);
	unlink(gzpath);
	for (i = 0; i < NFRAMES; i++)
		emb_frame_free(&want[i]);
	return failures != 0;
}
