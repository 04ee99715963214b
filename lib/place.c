/*
 * Placing new points into a fitted map: the model file, the exact search
 * of the nearest reference points, and the chunked pass over the input.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emb.h"
#include "knn.h"
#include "place.h"

#define QBLOCK	32	/* query rows compared with one block of references */
#define RBLOCK	256	/* reference rows in a block: a few tens of KB, in cache */

static void
tag(struct emb_frame *f, const char *reducer, const char *part)
{
	emb_meta_set(f, "model", "%s", reducer);
	emb_meta_set(f, "model.version", "%d", PLACE_VERSION);
	emb_meta_set(f, "model.part", "%s", part);
}

void
place_save(const char *path, const char *reducer, struct emb_frame *ref,
    struct emb_frame *map)
{
	size_t len = strlen(path);
	char *tmp = emb_alloc(len + 16, 1);
	FILE *fp;
	int fd;

	snprintf(tmp, len + 16, "%s.tmpXXXXXX", path);
	mode_t mask = umask(0);

	umask(mask);
	if ((fd = mkstemp(tmp)) < 0 || fchmod(fd, 0666 & ~mask) != 0 ||
	    (fp = fdopen(fd, "w")) == NULL)
		emb_err(path, "cannot create a temporary file beside it: %s",
		    strerror(errno));
	tag(ref, reducer, "reference");
	tag(map, reducer, "map");
	emb_write(fp, ref);
	emb_write(fp, map);
	if (fflush(fp) != 0 || ferror(fp) || fsync(fd) != 0 || fclose(fp) != 0) {
		unlink(tmp);
		emb_err(path, "write error: %s", strerror(errno ? errno : EIO));
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		emb_err(path, "%s", strerror(errno));
	}
	free(tmp);
}

static void
check_part(const char *name, const struct emb_frame *f, const char *reducer,
    const char *part, int frame)
{
	const char *m = emb_meta_get(f, "model"), *v = emb_meta_get(f, "model.version");
	const char *p = emb_meta_get(f, "model.part");
	size_t bad;

	if (m == NULL || f->kind != EMB_POINTS)
		emb_err(name, "frame %d is not a model (made by emb-%s --save)", frame,
		    reducer);
	if (strcmp(m, reducer) != 0)
		emb_err(name, "a model of '%s', not of emb-%s", emb_quote(m), reducer);
	if (v == NULL || strcmp(v, "1") != 0)
		emb_err(name, "model version '%s': this emb-%s reads version %d",
		    emb_quote(v ? v : ""), reducer, PLACE_VERSION);
	if (p == NULL || strcmp(p, part) != 0)
		emb_err(name, "frame %d is not the model's %s", frame, part);
	if (f->rows == 0 || f->cols == 0)
		emb_err(name, "the model's %s is empty", part);
	if ((bad = knn_bad_row(f->data, f->rows, f->cols)) < f->rows)
		emb_err(name, "the model's %s, row %zu: a value is not finite", part, bad);
}

void
place_load(struct place_model *pm, const char *path, const char *reducer)
{
	struct emb_reader *r = emb_open(path);
	struct emb_frame extra;

	memset(pm, 0, sizeof *pm);
	pm->name = emb_strdup(emb_reader_name(r));
	if (!emb_read(r, &pm->ref))
		emb_err(pm->name, "empty: not a model (made by emb-%s --save)", reducer);
	check_part(pm->name, &pm->ref, reducer, "reference", 1);
	if (!emb_read(r, &pm->map))
		emb_err(pm->name, "the model ends after its reference points");
	check_part(pm->name, &pm->map, reducer, "map", 2);
	if (pm->map.rows != pm->ref.rows)
		emb_err(pm->name, "the model's map has %zu rows, its reference %zu",
		    pm->map.rows, pm->ref.rows);
	if (emb_read(r, &extra))
		emb_err(pm->name, "a third frame after the model");
	emb_close(r);
}

void
place_model_free(struct place_model *pm)
{
	emb_frame_free(&pm->ref);
	emb_frame_free(&pm->map);
	free((char *)pm->name);
	memset(pm, 0, sizeof *pm);
}

uint64_t
place_key(const float *row, size_t d, uint64_t seed)
{
	uint64_t h = emb_hash(row, d * sizeof *row) ^ (seed * 0x9e3779b97f4a7c15ULL);

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 29);
}

/* Insert (v, j) into the ascending list of k, if it belongs there. */
static inline void
keep(float *best, int32_t *bi, size_t k, float v, int32_t j)
{
	size_t p = k - 1;

	if (!(v < best[p]))
		return;
	while (p > 0 && best[p - 1] > v) {
		best[p] = best[p - 1];
		bi[p] = bi[p - 1];
		p--;
	}
	best[p] = v;
	bi[p] = j;
}

static inline float
sqdist(const float *a, const float *b, size_t d)
{
	float s = 0;
	size_t t;

#pragma omp simd reduction(+:s)
	for (t = 0; t < d; t++)
		s += (a[t] - b[t]) * (a[t] - b[t]);
	return s;
}

void
place_knn(const float *R, size_t n, size_t d, const float *Q, size_t m, size_t k,
    int32_t *idx, float *d2)
{
	long qb, nqb = (long)((m + QBLOCK - 1) / QBLOCK);

#pragma omp parallel for schedule(dynamic, 1)
	for (qb = 0; qb < nqb; qb++) {
		size_t q0 = (size_t)qb * QBLOCK, q1 = q0 + QBLOCK < m ? q0 + QBLOCK : m;
		size_t q, r0, r, i;

		for (q = q0; q < q1; q++)
			for (i = 0; i < k; i++) {
				d2[q * k + i] = INFINITY;
				idx[q * k + i] = -1;
			}
		for (r0 = 0; r0 < n; r0 += RBLOCK) {
			size_t r1 = r0 + RBLOCK < n ? r0 + RBLOCK : n;
			for (q = q0; q < q1; q++)
				for (r = r0; r < r1; r++)
					keep(d2 + q * k, idx + q * k, k,
					    sqdist(Q + q * d, R + r * d, d), (int32_t)r);
		}
	}
}

size_t
place_chunk(void)
{
	const char *s = getenv("EMB_CHUNK");

	if (s == NULL || *s == '\0')
		return PLACE_CHUNK;
	return (size_t)emb_parse_int(s, 1, 1 << 24, "EMB_CHUNK");
}

static void
write_header(const struct place_job *j, const struct emb_frame *in)
{
	struct emb_frame out;
	size_t i;

	memset(&out, 0, sizeof out);
	out.kind = EMB_POINTS;
	out.rows = in->rows;
	out.cols = j->dims;
	out.nfields = in->nfields;
	out.fieldnames = in->fieldnames;
	out.labelbytes = in->labelbytes;
	for (i = 0; i < in->nmeta; i++)	/* a model's keys would make this look like one */
		if (strncmp(in->meta[i].key, "model", 5) != 0)
			emb_meta_set(&out, in->meta[i].key, "%s", in->meta[i].val);
	j->describe(j->ctx, &out);
	emb_write_header(stdout, &out);
	out.nfields = 0;
	out.fieldnames = NULL;
	emb_frame_free(&out);
}

void
place_stream(const struct place_job *j)
{
	struct emb_reader *r = emb_open(j->path);
	const char *name = emb_reader_name(r);
	size_t chunk = place_chunk(), done, c, bad;
	struct emb_frame h;
	float *X = NULL, *Y = NULL;
	int frame;

	for (frame = 1; emb_read_header(r, &h); frame++) {
		if (h.kind != EMB_POINTS) {
			emb_read_rest(r, &h);
			emb_frame_free(&h);
			continue;
		}
		if (h.cols != j->d)
			emb_err(name, "frame %d has %zu columns; the model was fitted "
			    "on %zu", frame, h.cols, j->d);
		if (X == NULL) {
			X = emb_alloc(emb_mul(chunk, j->d), sizeof *X);
			Y = emb_alloc(emb_mul(chunk, j->dims), sizeof *Y);
		}
		write_header(j, &h);
		for (done = 0; done < h.rows; done += c) {
			c = h.rows - done < chunk ? h.rows - done : chunk;
			emb_read_rows(r, X, c);
			if ((bad = knn_bad_row(X, c, j->d)) < c)
				emb_err(name, "frame %d, row %zu has a NaN, infinite or "
				    "too large value", frame, done + bad);
			j->place(j->ctx, X, c, Y);
			emb_write_rows(stdout, Y, c * j->dims);
			emb_progress("placing", done + c, h.rows);
		}
		emb_read_rest(r, &h);
		emb_write_labels(stdout, &h);
		emb_frame_free(&h);
	}
	free(X);
	free(Y);
	emb_close(r);
}
