/*
 * word2vec binary, as the C tool and gensim write it: a "rows cols" line,
 * then per row a word, a space, cols little-endian float32 and, from the C
 * tool, a newline.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "extract.h"

static void
header(struct job *j, struct input *in, size_t *rows, size_t *cols)
{
	size_t n = in_fill(in, 128), len;
	char *p = (char *)in_ptr(in), *nl, *end;
	unsigned long long r, c;

	nl = memchr(p, '\n', n);
	if (nl == NULL)
		emb_err(j->name, "byte 0: no 'rows cols' line as word2vec files "
		    "start with");
	len = nl - p;
	*nl = '\0';
	r = strtoull(p, &end, 10);
	if (end == p || (*end != ' ' && *end != '\t'))
		goto bad;
	c = strtoull(end, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\r')
		end++;
	if (*end != '\0' || p[0] == '-' || strchr(p, '-') != NULL)
		goto bad;
	if (c == 0 || c > EMB_MAX_COLS || r > EMB_MAX_ROWS)
		emb_err(j->name, "byte 0: %llu rows of %llu values: out of range", r, c);
	*rows = r;
	*cols = c;
	in_take(in, len + 1);
	return;
bad:
	emb_err(j->name, "byte 0: not a 'rows cols' line as word2vec files start with");
}

static void
check_row(struct job *j, const void *v, size_t cols, uint64_t at, size_t row)
{
	size_t bad;

	if (!j->o->allow_nonfinite && (bad = first_nonfinite(v, cols)) < cols)
		emb_err(j->name, "byte %llu: row %zu: non-finite value (allowed with "
		    "--allow-nonfinite)", (unsigned long long)(at + 4 * bad), row + 1);
}

/*
 * A plain file (mapped) or memory: the words first, then only the rows
 * wanted, copied straight to the output as an npy file's would be; the
 * matrix is never held, and the labels can go in the header.
 */
static int
indexed(struct job *j, struct input *in, size_t rows, size_t cols)
{
	const unsigned char *base, *sp;
	size_t i, n, k, c, b, rowbytes = cols * 4, limit = read_limit(j->o), *off;
	uint64_t size = in->rawsize, pos = in_tell(in), at;
	void *map = NULL;
	size_t maplen = 0;
	float *dst, *row;
	struct iovec iov[256];

	if (in->fd < 0) {
		base = in->mem;
	} else {
		maplen = (size_t)in->start + size;
		map = mmap(NULL, maplen ? maplen : 1, PROT_READ,
		    MAP_PRIVATE, in->fd, 0);
		if (map == MAP_FAILED)
			return 0;
		madvise(map, maplen, MADV_SEQUENTIAL);
		base = (const unsigned char *)map + in->start;
	}
	n = rows < limit ? rows : limit;
	/* every row takes at least a space and its floats */
	k = size / (rowbytes + 1) + 1;
	j->rowmap = off = emb_alloc(n < k ? n : k, sizeof *off);
	j->block = row = emb_alloc(cols, sizeof *row);
	for (i = 0; i < n; i++) {
		while (pos < size && base[pos] == '\n')
			pos++;
		at = pos;
		sp = memchr(base + pos, ' ', size - pos < MAX_WORD ? size - pos : MAX_WORD);
		if (sp == NULL && size - pos < MAX_WORD)
			emb_err(j->name, "byte %llu: truncated: row %zu of the %zu the "
			    "header announces has no word", (unsigned long long)at,
			    i + 1, rows);
		if (sp == NULL)
			emb_err(j->name, "byte %llu: no space within %d bytes (a word of "
			    "row %zu)", (unsigned long long)at, MAX_WORD, i + 1);
		add_word(j, (const char *)base + pos, sp - (base + pos), "byte", at);
		pos = sp - base + 1;
		if (size - pos < rowbytes)
			emb_err(j->name, "byte %llu: truncated: row %zu has %llu of its %zu "
			    "bytes", (unsigned long long)pos, i + 1,
			    (unsigned long long)(size - pos), rowbytes);
		off[i] = pos;
		if (emb_host_le()) {	/* check the mapped row in place */
			check_row(j, base + pos, cols, pos, i);
		} else {
			memcpy(row, base + pos, rowbytes);
			emb_floats_le(row, cols);
			check_row(j, row, cols, pos, i);
		}
		pos += rowbytes;
	}
	j->complete = n == rows;
	if (j->complete) {
		while (pos < size && (base[pos] == '\n' || base[pos] == '\r'))
			pos++;
		if (pos < size)
			emb_err(j->name, "byte %llu: data after the %zu rows the header "
			    "announces", (unsigned long long)pos, rows);
	}
	j->f.rows = n;
	labels_end(&j->f);
	job_known_rows(j, rows, j->f.nfields > 0 ? &j->f : NULL);
	j->streaming = !j->o->center;
	if (j->streaming && !j->o->normalize && emb_host_le()) {
		/* straight from the file to the output: the data was checked above */
		for (k = 0; k < j->nsel; k += c) {
			for (c = 0; c < 256 && k + c < j->nsel; c++) {
				iov[c].iov_base = (void *)(base + off[sel_row(j, k + c)]);
				iov[c].iov_len = rowbytes;
			}
			job_write_iov(j, iov, c);
		}
	} else {
		if (!j->streaming)
			table_reserve(j, j->nsel);
		b = (128u << 10) / rowbytes;
		b = b == 0 ? 1 : b > j->nsel ? j->nsel : b;
		free(j->block);
		j->block = NULL;
		j->block = emb_alloc(emb_mul(b ? b : 1, cols), sizeof(float));
		for (k = 0; k < j->nsel; k += c) {
			dst = j->streaming ? j->block : j->f.data + k * cols;
			for (c = 0; c < b && k + c < j->nsel; c++) {
				i = sel_row(j, k + c);
				memcpy(dst + c * cols, base + off[i], rowbytes);
				emb_floats_le(dst + c * cols, cols);
			}
			if (j->streaming) {
				if (j->o->normalize)
					normalize_rows(dst, c, cols);
				job_write_rows(j, dst, c);
			}
		}
	}
	if (!j->streaming)
		j->f.rows = j->nsel;
	if (map != NULL)
		munmap(map, maplen);
	return 1;
}

void
w2vbin_read(struct job *j, struct input *in)
{
	size_t rows, cols, i, n, want, rowbytes, limit = read_limit(j->o);
	unsigned char *p, *sp;
	uint64_t at;
	float *slot;

	header(j, in, &rows, &cols);
	j->f.cols = cols;
	if (in->regular && !in_compressed(in) && indexed(j, in, rows, cols))
		return;
	rowbytes = emb_mul(cols, 4);
	for (i = 0; i < rows && i < limit; i++) {
		/* the C tool ends each row with a newline, gensim does not */
		while (in_fill(in, 1) > 0 && *in_ptr(in) == '\n')
			in_take(in, 1);
		at = in_tell(in);
		for (want = 64;; want *= 2) {
			n = in_fill(in, want);
			p = in_ptr(in);
			if ((sp = memchr(p, ' ', n)) != NULL)
				break;
			if (n < want)
				emb_err(j->name, "byte %llu: truncated: row %zu of the %zu the "
				    "header announces has no word", (unsigned long long)at,
				    i + 1, rows);
			if (n >= MAX_WORD)
				emb_err(j->name, "byte %llu: no space within %d bytes "
				    "(a word of row %zu)", (unsigned long long)at, MAX_WORD,
				    i + 1);
		}
		add_word(j, (char *)p, sp - p, "byte", at);
		in_take(in, sp - p + 1);
		at = in_tell(in);
		slot = table_row(j);
		if ((n = in_read(in, slot, rowbytes)) < rowbytes)
			emb_err(j->name, "byte %llu: truncated: row %zu has %zu of its %zu "
			    "bytes", (unsigned long long)at, i + 1, n, rowbytes);
		emb_floats_le(slot, cols);
		check_row(j, slot, cols, at, i);
	}
	j->complete = i == rows;
	if (j->complete) {
		while (in_fill(in, 1) > 0 && (*in_ptr(in) == '\n' || *in_ptr(in) == '\r'))
			in_take(in, 1);
		if (!in_at_end(in))
			emb_err(j->name, "byte %llu: data after the %zu rows the header "
			    "announces", (unsigned long long)in_tell(in), rows);
	}
}
