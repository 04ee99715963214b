/*
 * The model as an emb stream, and projecting rows with it.
 *
 * A model is one points frame of k + 1 rows: the mean, then the components
 * (unit vectors, "pc1" first).  Label fields give each row's name, explained
 * variance and ratio, so that emb-info -l shows them; metadata the settings.
 */
#include <cblas.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pca.h"

#define PROJECT_BLOCK	256	/* rows projected by one BLAS call */

static const char *const fields[] = {
	"name", "explained_variance", "explained_variance_ratio"
};

static const char *
method_name(enum method m)
{
	return m == RANDOMIZED ? "randomized" : "exact";
}

void
model_free(struct model *m)
{
	free(m->mean);
	free(m->components);
	free(m->variance);
	free(m->scale);
	memset(m, 0, sizeof *m);
}

static void
add_label(struct emb_frame *f, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	emb_label_add(f, buf, strlen(buf));
}

void
model_write(FILE *fp, const char *name, const struct model *m)
{
	struct emb_frame f;
	size_t i, d = m->cols;

	emb_frame_init(&f, EMB_POINTS, m->k + 1, d);
	memcpy(f.data, m->mean, d * sizeof *f.data);
	memcpy(f.data + d, m->components, m->k * d * sizeof *f.data);
	emb_labels_begin(&f, 3, (char *const *)fields);
	add_label(&f, "mean");
	add_label(&f, "");
	add_label(&f, "");
	for (i = 0; i < m->k; i++) {
		add_label(&f, "pc%zu", i + 1);
		add_label(&f, "%.17g", m->variance[i]);
		add_label(&f, "%.17g", m->variance[i] / m->total);
	}
	emb_labels_end(&f);
	emb_meta_set(&f, "reducer", "PCA");
	emb_meta_set(&f, "pca.model", "mean and components");
	emb_meta_set(&f, "pca.k", "%zu", m->k);
	emb_meta_set(&f, "pca.method", "%s", method_name(m->method));
	emb_meta_set(&f, "pca.center", m->center ? "yes" : "no");
	emb_meta_set(&f, "pca.whiten", m->whiten ? "yes" : "no");
	emb_meta_set(&f, "pca.rows", "%zu", m->rows);
	emb_meta_set(&f, "pca.total_variance", "%.17g", m->total);
	if (m->method == RANDOMIZED) {
		emb_meta_set(&f, "pca.power_iterations", "%d", m->power_iterations);
		emb_meta_set(&f, "pca.oversamples", "%zu", m->oversamples);
		emb_meta_set(&f, "pca.seed", "%llu", (unsigned long long)m->seed);
	}
	emb_write(fp, &f);
	if (fflush(fp) != 0 || ferror(fp))
		emb_err(name, "write error: %s", strerror(errno ? errno : EIO));
	emb_frame_free(&f);
}

/* A number in [0, max] from a model's label or metadata value. */
static double
number(const char *path, int frame, const char *s, double max, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = s == NULL ? NAN : strtod(s, &end);
	if (s == NULL || end == s || *end != '\0' || errno == ERANGE || !(v >= 0) ||
	    !(v <= max))
		emb_err(path, "model %d: bad %s", frame, what);
	return v;
}

static int
yes_no(const char *path, int frame, const struct emb_frame *f, const char *key)
{
	const char *v = emb_meta_get(f, key);

	if (v == NULL || (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0))
		emb_err(path, "model %d: %s is not 'yes' or 'no'", frame, key);
	return strcmp(v, "yes") == 0;
}

/* Check everything a model file says: it is untrusted input. */
static void
model_parse(struct model *m, struct emb_frame *f, const char *path, int frame)
{
	const char *v;
	char want[32];
	int fi[3];
	size_t i, j, d = f->cols;

	memset(m, 0, sizeof *m);
	if (f->kind != EMB_POINTS || (v = emb_meta_get(f, "pca.model")) == NULL ||
	    strcmp(v, "mean and components") != 0)
		emb_err(path, "frame %d is not a PCA model (made by emb-pca --save)",
		    frame);
	for (i = 0; i < 3; i++)
		if ((fi[i] = emb_field_index(f, fields[i])) < 0)
			emb_err(path, "model %d: no '%s' label field", frame,
			    fields[i]);
	if (f->rows < 2)
		emb_err(path, "model %d: no components", frame);
	m->cols = d;
	m->k = f->rows - 1;
	if ((v = emb_meta_get(f, "pca.method")) == NULL)
		v = "";
	if (strcmp(v, "exact") != 0 && strcmp(v, "randomized") != 0)
		emb_err(path, "model %d: pca.method is not 'exact' or 'randomized'",
		    frame);
	m->method = strcmp(v, "exact") == 0 ? EXACT : RANDOMIZED;
	m->center = yes_no(path, frame, f, "pca.center");
	m->whiten = yes_no(path, frame, f, "pca.whiten");
	m->total = number(path, frame, emb_meta_get(f, "pca.total_variance"), DBL_MAX,
	    "pca.total_variance");
	m->rows = number(path, frame, emb_meta_get(f, "pca.rows"), EMB_MAX_ROWS,
	    "pca.rows");
	m->power_iterations = -1;
	if (m->method == RANDOMIZED) {
		m->power_iterations = number(path, frame,
		    emb_meta_get(f, "pca.power_iterations"), 1000,
		    "pca.power_iterations");
		m->oversamples = number(path, frame,
		    emb_meta_get(f, "pca.oversamples"), 100000, "pca.oversamples");
		m->seed = number(path, frame, emb_meta_get(f, "pca.seed"),
		    9223372036854775807.0, "pca.seed");
	}
	if (!(m->total > 0))
		emb_err(path, "model %d: bad pca.total_variance", frame);
	for (i = 0; i < f->rows * d; i++)
		if (!isfinite(f->data[i]))
			emb_err(path, "model %d, row %zu: a value is not finite",
			    frame, i / d);
	if (strcmp(emb_label(f, 0, fi[0]), "mean") != 0)
		emb_err(path, "model %d: the first row is not named 'mean'", frame);
	m->variance = emb_alloc(m->k, sizeof *m->variance);
	m->scale = emb_alloc(m->k, sizeof *m->scale);
	for (i = 0; i < m->k; i++) {
		snprintf(want, sizeof want, "pc%zu", i + 1);
		if (strcmp(emb_label(f, i + 1, fi[0]), want) != 0)
			emb_err(path, "model %d: row %zu is not named '%s'",
			    frame, i + 1, want);
		m->variance[i] = number(path, frame, emb_label(f, i + 1, fi[1]),
		    DBL_MAX, "explained variance");
		if (m->whiten && !(m->variance[i] > 0))
			emb_err(path, "model %d: whitening by a variance of 0", frame);
		m->scale[i] = m->whiten ? (float)(1 / sqrt(m->variance[i])) : 1.0f;
	}
	m->mean = emb_alloc(d, sizeof *m->mean);
	m->components = emb_alloc(emb_mul(m->k, d), sizeof *m->components);
	memcpy(m->mean, f->data, d * sizeof *m->mean);
	for (j = 0; j < m->k * d; j++)
		m->components[j] = f->data[d + j];
}

size_t
model_read(const char *path, struct model **models)
{
	struct emb_reader *r = emb_open(path);
	struct emb_frame f;
	size_t n = 0;

	*models = NULL;
	while (emb_read(r, &f)) {
		*models = emb_realloc(*models, n + 1, sizeof **models);
		model_parse(&(*models)[n], &f, emb_reader_name(r), (int)n + 1);
		n++;
		emb_frame_free(&f);
	}
	emb_close(r);
	if (n == 0)
		emb_err(path, "no model in it");
	return n;
}

/* The explained variance ratios as a list; cut with "..." at the metadata limit. */
static void
ratio_list(char *buf, size_t cap, const struct model *m)
{
	size_t i, len = 0;
	int w;

	buf[0] = '\0';
	for (i = 0; i < m->k; i++) {
		w = snprintf(buf + len, cap - len, "%s%.6g", i ? " " : "",
		    m->variance[i] / m->total);
		if (w < 0 || (size_t)w + 4 >= cap - len) {
			snprintf(buf + len, cap - len, " ...");
			return;
		}
		len += w;
	}
}

/* What this program did, in the output frame's metadata. */
static void
model_describe(struct emb_frame *out, const struct model *m, const char *applied)
{
	char list[EMB_MAX_METAVAL + 1];
	double sum = 0;
	size_t i;

	for (i = 0; i < m->k; i++)
		sum += m->variance[i] / m->total;
	ratio_list(list, sizeof list, m);
	emb_meta_set(out, "reducer", "PCA");
	emb_meta_set(out, "pca.k", "%zu", m->k);
	emb_meta_set(out, "pca.method", "%s", method_name(m->method));
	emb_meta_set(out, "pca.center", m->center ? "yes" : "no");
	emb_meta_set(out, "pca.whiten", m->whiten ? "yes" : "no");
	emb_meta_set(out, "pca.explained_variance_ratio", "%s", list);
	emb_meta_set(out, "pca.explained_variance_ratio_sum", "%.6g", sum);
	if (m->method == RANDOMIZED) {
		emb_meta_set(out, "pca.power_iterations", "%d", m->power_iterations);
		emb_meta_set(out, "pca.oversamples", "%zu", m->oversamples);
		emb_meta_set(out, "pca.seed", "%llu", (unsigned long long)m->seed);
	}
	if (applied != NULL)
		emb_meta_set(out, "pca.model", "%s", applied);
}

void
model_report(const struct model *m, const char *name, int frame)
{
	double cum = 0, r;
	size_t i;

	if (emb_verbose <= 0)
		return;
	emb_warn(name, "frame %d: %zu rows x %zu cols, %s PCA, k = %zu", frame,
	    m->rows, m->cols, method_name(m->method), m->k);
	for (i = 0; i < m->k; i++) {
		r = m->variance[i] / m->total;
		cum += r;
		emb_warn(name, "frame %d: pc%zu explained variance %.6g, ratio %.6f, "
		    "cumulative %.6f", frame, i + 1, m->variance[i], r, cum);
	}
}

/* The input's metadata and this program's must fit in one header, emb(5). */
static void
check_room(const struct model *m, const struct source *s, const struct emb_frame *in,
    const char *applied)
{
	size_t kept = 0, added, i;

	for (i = 0; i < in->nmeta; i++)
		kept += strncmp(in->meta[i].key, "pca.", 4) != 0 &&
		    strcmp(in->meta[i].key, "reducer") != 0;
	added = 7 + (m->method == RANDOMIZED ? 3 : 0) + (applied != NULL);
	if (kept + added > EMB_MAX_META)
		emb_err(input_label(s->in), "frame %d: %zu metadata entries, and PCA "
		    "adds %zu: more than the %d of a header", s->frame, kept, added,
		    EMB_MAX_META);
}

/* y = xs components' for c rows, a fixed block of rows per BLAS call. */
static void
project_rows(const struct model *m, const float *xs, size_t c, float *y)
{
	size_t d = m->cols, k = m->k;
	long b, nb = (long)((c + PROJECT_BLOCK - 1) / PROJECT_BLOCK);

#pragma omp parallel for schedule(dynamic, 1) num_threads(pca_threads)
	for (b = 0; b < nb; b++) {
		size_t r0 = (size_t)b * PROJECT_BLOCK;
		size_t nr = c - r0 < PROJECT_BLOCK ? c - r0 : PROJECT_BLOCK;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nr, k, d, 1.0f,
		    xs + r0 * d, d, m->components, d, 0.0f, y + r0 * k, k);
	}
}

/*
 * Write the header and projected rows of the points frame in; its labels
 * are the caller's to copy.  The fit's output and --apply's go through here
 * with the same float mean and components, so they are the same bytes.
 */
void
project(const struct model *m, struct source *s, const struct emb_frame *in,
    const char *applied, FILE *fp)
{
	struct emb_frame out;
	size_t d = m->cols, k = m->k, c, i, j;
	const float *x;
	float *xs, *y;

	check_room(m, s, in, applied);
	memset(&out, 0, sizeof out);
	out.kind = EMB_POINTS;
	out.rows = in->rows;
	out.cols = k;
	out.nfields = in->nfields;
	out.fieldnames = in->fieldnames;
	out.labelbytes = in->labelbytes;
	/* an earlier PCA's keys would describe this one wrongly */
	for (i = 0; i < in->nmeta; i++)
		if (strncmp(in->meta[i].key, "pca.", 4) != 0)
			emb_meta_set(&out, in->meta[i].key, "%s", in->meta[i].val);
	model_describe(&out, m, applied);
	emb_write_header(fp, &out);
	out.nfields = 0;
	out.fieldnames = NULL;
	emb_frame_free(&out);

	xs = emb_alloc(emb_mul(s->chunk, d), sizeof *xs);
	y = emb_alloc(emb_mul(s->chunk, k), sizeof *y);
	source_begin(s, "projecting");
	while ((c = source_next(s, &x)) > 0) {
		for (i = 0; i < c; i++)
			for (j = 0; j < d; j++)
				xs[i * d + j] = x[i * d + j] - m->mean[j];
		project_rows(m, xs, c, y);
		for (i = 0; i < c; i++)
			for (j = 0; j < k; j++) {
				y[i * k + j] *= m->scale[j];
				if (!isfinite(y[i * k + j]))
					emb_err(input_label(s->in), "frame %d, row %zu: "
					    "the projection overflows a float", s->frame,
					    s->done - c + i);
			}
		emb_write_rows(fp, y, c * k);
	}
	source_end(s);
	free(y);
	free(xs);
}
