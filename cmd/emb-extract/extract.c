/*
 * One input from start to end: find its format, let the reader deliver rows
 * (all of them into memory, or, when the rows are known from a header,
 * straight to the output), select, transform, write.  Nothing that could
 * pass for a complete frame is written before the input is validated: the
 * label block, the last bytes of every frame we write, comes last.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "extract.h"

#define HUGE	(2u << 20)	/* a huge page */

static const struct {
	const char *name;
	enum format fmt;
} formats[] = {
	{ "csv", FMT_CSV }, { "emb", FMT_EMB }, { "fasttext", FMT_FASTTEXT },
	{ "glove", FMT_GLOVE }, { "npy", FMT_NPY }, { "npz", FMT_NPZ },
	{ "safetensors", FMT_SAFETENSORS }, { "tsv", FMT_TSV },
	{ "word2vec", FMT_WORD2VEC }, { "word2vec-binary", FMT_WORD2VEC_BIN },
};

static const char *
format_name(enum format fmt)
{
	size_t i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (formats[i].fmt == fmt)
			return formats[i].name;
	return "auto";
}

enum format
format_by_name(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(formats[i].name, s) == 0)
			return formats[i].fmt;
	return FMT_AUTO;
}

void
job_init(struct job *j, const struct opts *o, FILE *out)
{
	memset(j, 0, sizeof *j);
	j->o = o;
	j->out = out;
}

/* Free what one input left; the -l labels and the word list stay. */
void
job_reset(struct job *j)
{
	emb_frame_free(&j->f);
	free(j->sel);
	free(j->tensor);
	free(j->dtype);
	free(j->hdr);
	free(j->raw);
	free(j->aux);
	free(j->aux2);
	free(j->rowmap);
	free(j->block);
	free(j->perm);
	in_close(j->sub);
	in_close(j->whole);
	j->whole = NULL;
	j->sel = NULL;
	j->tensor = j->dtype = NULL;
	j->hdr = j->raw = NULL;
	j->aux = j->aux2 = NULL;
	j->rowmap = NULL;
	j->block = NULL;
	j->perm = NULL;
	j->sub = NULL;
	j->name = NULL;
	j->fmt = FMT_AUTO;
	j->cap = j->sel_from = j->nsel = 0;
	j->complete = j->index_labels = j->sel_ascending = 0;
	j->streaming = j->header_out = j->selected = 0;
}

static void
grow(struct job *j, size_t rows, int exact)
{
	size_t bytes;
	uintptr_t lo, hi;

	if (rows <= j->cap)
		return;
	bytes = emb_mul(emb_mul(rows, j->f.cols), sizeof(float));
	j->f.data = emb_realloc(j->f.data, bytes, 1);
	j->cap = rows;
	if (!exact)
		return;
	lo = ((uintptr_t)j->f.data + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
	hi = ((uintptr_t)j->f.data + bytes) & ~(uintptr_t)(HUGE - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

/*
 * Room for exactly rows rows, all of which will be filled.  Faulting in a
 * big matrix 4 KB at a time costs as much as reading it: huge pages, where
 * the system lends them on request.
 */
void
table_reserve(struct job *j, size_t rows)
{
	grow(j, rows, 1);
}

/*
 * Room for n more rows, growing the matrix as rows arrive: a header's row
 * count is not trusted for memory.  Large blocks are mremap(2)ed by the C
 * library, so growing costs no copy and no peak of twice the matrix.
 */
float *
table_rows(struct job *j, size_t n)
{
	size_t rows;

	if (n > EMB_MAX_ROWS - j->f.rows)
		emb_err(j->name, "more than %llu rows", EMB_MAX_ROWS);
	if (j->f.rows + n > j->cap) {
		/* half as much again, from 64 KB: what arrived bounds what we take */
		rows = j->cap + j->cap / 2;
		if (rows < (64u << 10) / (j->f.cols * sizeof(float)))
			rows = (64u << 10) / (j->f.cols * sizeof(float));
		if (rows < j->f.rows + n)
			rows = j->f.rows + n;
		if (rows > EMB_MAX_ROWS)
			rows = EMB_MAX_ROWS;
		grow(j, rows, 0);
	}
	j->f.rows += n;
	return j->f.data + (j->f.rows - n) * j->f.cols;
}

float *
table_row(struct job *j)
{
	return table_rows(j, 1);
}

void
add_word(struct job *j, const char *s, size_t len, const char *unit, uint64_t at)
{
	static char *word[] = { "word" };

	if (memchr(s, '\0', len) != NULL)
		emb_err(j->name, "%s %llu: the word contains a NUL byte", unit,
		    (unsigned long long)at);
	if (len > EMB_MAX_LABEL)
		emb_err(j->name, "%s %llu: a word longer than %d bytes, the most a "
		    "label may have", unit, (unsigned long long)at, EMB_MAX_LABEL);
	if (j->f.nfields == 0)
		emb_labels_begin(&j->f, 1, word);
	emb_label_add(&j->f, s, len);
}

/* A metadata entry, or an error naming the input when the header has no room. */
static void __attribute__((format(printf, 3, 4)))
meta(struct job *j, const char *key, const char *fmt, ...)
{
	char val[EMB_MAX_METAVAL + 1];
	va_list ap;

	if (emb_meta_get(&j->f, key) == NULL && j->f.nmeta >= EMB_MAX_META)
		emb_err(j->name, "%zu metadata entries, no room for %s (at most %d)",
		    j->f.nmeta, key, EMB_MAX_META);
	va_start(ap, fmt);
	vsnprintf(val, sizeof val, fmt, ap);
	va_end(ap);
	emb_meta_set(&j->f, key, "%s", val);
}

static void
set_meta(struct job *j)
{
	const struct opts *o = j->o;
	struct emb_frame *f = &j->f;

	if (j->fmt != FMT_EMB) {
		meta(j, "source", "%s", j->name);
		meta(j, "format", "%s", format_name(j->fmt));
		/* the width of the original vectors, for plot titles after a reducer */
		meta(j, "source.cols", "%zu", f->cols);
		if (j->tensor != NULL)
			meta(j, "tensor", "%s", j->tensor);
		if (j->dtype != NULL)
			meta(j, "dtype", "%s", j->dtype);
	}
	if (o->limit != SIZE_MAX)
		meta(j, "extract.n", "%zu", o->limit);
	if (o->have_rows) {
		if (o->row_to == SIZE_MAX)
			meta(j, "extract.rows", "%zu:", o->row_from);
		else
			meta(j, "extract.rows", "%zu:%zu", o->row_from, o->row_to);
	}
	if (o->have_shard)
		meta(j, "extract.shard", "%zu/%zu", o->shard, o->nshards);
	if (o->match != NULL)
		meta(j, "extract.match", "%s", o->match);
	if (o->words != NULL)
		meta(j, "extract.words", "%s", o->words);
	if (o->have_sample) {
		meta(j, "extract.sample", "%zu", o->sample);
		meta(j, "extract.seed", "%llu", (unsigned long long)o->seed);
	}
	if (o->labelfile != NULL)
		meta(j, "extract.labels", "%s", o->labelfile);
	if (o->center)
		meta(j, "extract.center", "mean");
	if (o->normalize)
		meta(j, "extract.normalize", "l2");
}

static void
check_label_count(struct job *j, size_t rows, int exact)
{
	if (!j->have_labfile)
		return;
	if (exact ? j->labfile.rows != rows : j->labfile.rows < rows)
		emb_err(j->o->labelfile, "%zu labels for %s%zu rows of %s",
		    j->labfile.rows, exact ? "" : "at least ", rows, j->name);
}

/* A reader has all its rows in j->f (with its words, if any): select. */
void
job_collected(struct job *j)
{
	struct emb_frame *f = &j->f;
	const struct emb_frame *lab;

	if (f->nfields > 0 && f->labels == NULL)
		emb_labels_end(f);
	if (f->rows > EMB_MAX_ROWS)
		emb_err(j->name, "%zu rows, more than the %llu a stream can hold",
		    f->rows, EMB_MAX_ROWS);
	check_label_count(j, f->rows, j->complete);
	lab = j->have_labfile ? &j->labfile : f->nfields > 0 ? f : NULL;
	j->index_labels = lab == NULL;
	select_rows(j, f->rows, lab);
	select_apply(j, lab);
}

/*
 * A reader knows its rows before their data: select now.  own: the file's
 * own labels for its first rows (words), NULL for none.
 */
void
job_known_rows(struct job *j, size_t rows, struct emb_frame *own)
{
	size_t n = rows < j->o->limit ? rows : j->o->limit;
	const struct emb_frame *lab;

	if (rows > EMB_MAX_ROWS)
		emb_err(j->name, "%zu rows, more than the %llu a stream can hold",
		    rows, EMB_MAX_ROWS);
	if (j->f.cols > EMB_MAX_COLS)
		emb_err(j->name, "%zu columns, more than the %llu a stream can hold",
		    j->f.cols, EMB_MAX_COLS);
	check_label_count(j, rows, 1);
	lab = j->have_labfile ? &j->labfile : own;
	j->index_labels = lab == NULL;
	select_rows(j, n, lab);
	select_labels(j, lab);
	j->f.rows = 0;
	j->selected = 1;
}

/* Rows go out as they are read; the header first, with what we know by now. */
void
job_write_rows(struct job *j, const float *v, size_t rows)
{
	if (!j->header_out) {
		size_t n = j->f.rows;
		j->f.rows = j->nsel;
		set_meta(j);
		emb_write_header(j->out, &j->f);
		j->f.rows = n;
		j->header_out = 1;
	}
	if (rows > 0)
		emb_write_rows(j->out, v, rows * j->f.cols);
	j->f.rows += rows;
}

/* Rows of the frame being streamed, written from where they lie (iov, n of them). */
void
job_write_iov(struct job *j, struct iovec *iov, int n)
{
	ssize_t w;
	size_t rows = n;

	job_write_rows(j, NULL, 0);
	if (fflush(j->out) != 0)
		emb_fwrite("", 1, j->out);	/* reports the error */
	while (n > 0) {
		w = writev(fileno(j->out), iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EPIPE)
			raise(SIGPIPE);
		if (w < 0)
			emb_err("stdout", "write error: %s", strerror(errno));
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= w;
		}
	}
	j->f.rows += rows;
}

void
job_emit(struct job *j)
{
	struct emb_frame *f = &j->f;

	if (j->streaming) {
		if (f->rows != j->nsel && j->header_out)
			emb_err(j->name, "internal error: %zu rows written, %zu announced",
			    f->rows, j->nsel);
		if (!j->header_out) {
			f->rows = j->nsel;
			set_meta(j);
			emb_write_header(j->out, f);
		}
		if (j->index_labels)
			write_index_labels(j);
		else
			emb_write_labels(j->out, f);
		return;
	}
	if (f->cols == 0)
		emb_err(j->name, "no columns");
	if (j->o->center)
		center_columns(f);
	if (j->o->normalize)
		normalize_rows(f->data, f->rows, f->cols);
	set_meta(j);
	emb_write_header(j->out, f);
	emb_write_rows(j->out, f->data, f->rows * f->cols);
	if (j->index_labels)
		write_index_labels(j);
	else
		emb_write_labels(j->out, f);
}

static void
need_no_tensor(struct job *j)
{
	if (j->o->tensor != NULL)
		emb_err(j->name, "-t is for npz and safetensors files, this is %s",
		    format_name(j->fmt));
}

void
extract(struct job *j, struct input *in)
{
	j->name = in->name;
	j->fmt = j->o->format != FMT_AUTO ? j->o->format : detect(in, in->name);
	j->f.kind = EMB_POINTS;
	switch (j->fmt) {
	case FMT_EMB:
		need_no_tensor(j);
		stream_passthrough(j, in);
		return;
	case FMT_NPY:
		need_no_tensor(j);
		npy_read(j, in);
		break;
	case FMT_NPZ:
		npz_read(j, in, 0);
		break;
	case FMT_SAFETENSORS:
		safetensors_read(j, in, 0);
		break;
	case FMT_WORD2VEC_BIN:
		need_no_tensor(j);
		w2vbin_read(j, in);
		if (!j->selected)
			job_collected(j);
		break;
	default:
		need_no_tensor(j);
		text_read(j, in, j->fmt);
		job_collected(j);
		break;
	}
	job_emit(j);
}

/* --list: the arrays of a container, names escaped as emb-info -l escapes labels. */
void
extract_list(struct job *j, struct input *in)
{
	j->name = in->name;
	j->fmt = j->o->format != FMT_AUTO ? j->o->format : detect(in, in->name);
	if (j->fmt == FMT_NPZ)
		npz_read(j, in, 1);
	else if (j->fmt == FMT_SAFETENSORS)
		safetensors_read(j, in, 1);
	else
		emb_err(j->name, "--list: %s is not a container (npz, safetensors)",
		    format_name(j->fmt));
}
