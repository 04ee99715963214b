/*
 * emb-extract: embeddings out of the files people have.  What the readers,
 * the selection and the output share.
 */
#ifndef EXTRACT_H
#define EXTRACT_H

#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <zlib.h>

#include "emb.h"

#define MAX_DIMS	64		/* of an array's shape */
#define MAX_WORD	65536		/* bytes of a word in a word2vec binary file */
#define MAX_NUMBER	64		/* bytes of one number and its blanks in text */

enum format {
	FMT_AUTO, FMT_EMB, FMT_NPY, FMT_NPZ, FMT_SAFETENSORS, FMT_WORD2VEC,
	FMT_WORD2VEC_BIN, FMT_GLOVE, FMT_FASTTEXT, FMT_TSV, FMT_CSV
};

/*
 * input.c: buffered reading of a file or a pipe (through the library's
 * emb_input, which decompresses gzip), memory, or a range of a plain file
 * or memory, raw or deflated (a zip entry).
 */
struct input {
	char	*name;
	struct emb_input *src;	/* a file or a pipe; NULL: mem or a range */
	int	 fd;		/* -1: reading mem */
	int	 regular;	/* fd is a plain file we can seek in */
	uint64_t rawsize;	/* regular: bytes from where we started to its end */
	off_t	 start;		/* the fd's offset when we started */
	uint64_t rawpos;	/* raw bytes taken so far */
	uint64_t rawlimit;	/* raw bytes we may take at most */
	const unsigned char *mem;
	int	 zmode;		/* 0 plain, 1 raw deflate */
	int	 zinit, zend;
	z_stream z;
	unsigned char *zbuf;
	size_t	 zcap;
	unsigned char *buf;	/* decoded bytes buf[pos..end), buf[end] writable */
	size_t	 cap, pos, end;
	uint64_t off;		/* decoded offset of buf[pos] */
	int	 eof;
	int	 crc_on;
	uint32_t crc;		/* of every decoded byte produced */
};

struct input *in_open(const char *path);
struct input *in_fd(int fd, const char *name);	/* takes fd */
struct emb_input *in_release(struct input *);
struct input *in_mem(const char *name, const void *data, size_t size);
struct input *in_range(struct input *parent, uint64_t off, uint64_t len, int deflated,
	    const char *name);
void	 in_close(struct input *);
size_t	 in_fill(struct input *, size_t want);
char	*in_line(struct input *, size_t *len, size_t lineno, size_t max);
size_t	 in_read(struct input *, void *, size_t);
uint64_t in_skip(struct input *, uint64_t);
int	 in_at_end(struct input *);
int	 in_compressed(const struct input *);
unsigned char *in_read_alloc(struct input *, size_t n, const char *what);
static inline unsigned char *in_ptr(struct input *in) { return in->buf + in->pos; }
static inline size_t in_avail(const struct input *in) { return in->end - in->pos; }
static inline uint64_t in_tell(const struct input *in) { return in->off; }
static inline void
in_take(struct input *in, size_t n)
{
	in->pos += n;
	in->off += n;
}

/* number.c: decimal text to float32, correctly rounded. */
const char *parse_float(const char *s, float *v);

/* convert.c: array elements of the file's type to float32. */
struct dtype {
	char	 kind;		/* 'f' IEEE float, 'b' bfloat16, 'i' signed, 'u' unsigned */
	int	 size;		/* bytes */
	int	 big;		/* big-endian */
	char	 name[16];	/* as the file spells it */
};
void	 convert(const struct dtype *, void *buf, size_t n);
float	 convert_one(const struct dtype *, const unsigned char *);
size_t	 first_nonfinite(const void *, size_t n);	/* host-order floats, any alignment */

/* An array in a file: npy (also inside npz) or a safetensors tensor. */
struct array {
	struct dtype dt;
	int	 fortran;
	int	 ndim;
	uint64_t shape[MAX_DIMS];
	size_t	 rows, cols;	/* shape[0] and the product of the rest */
	uint64_t nbytes;
};
void	 array_shape(const char *name, uint64_t where, struct array *);
void	 array_shape_string(const struct array *, char *, size_t);

struct opts {
	enum format format;
	const char *tensor;
	const char *labelfile;
	size_t	 limit;		/* -n; SIZE_MAX: every row */
	int	 have_rows;
	size_t	 row_from, row_to;
	int	 have_shard;
	size_t	 shard, nshards;	/* --shard I/N */
	int	 have_sample;
	size_t	 sample;
	uint64_t seed;
	const char *words;
	const char *match;
	regex_t	 re;
	int	 normalize, center, list, allow_nonfinite;
};

/* The work on one input: what it holds, which rows we keep, the frame we write. */
struct job {
	const struct opts *o;
	FILE	*out;
	struct emb_frame labfile;	/* -l: rows x fields, rows = its lines */
	int	 have_labfile;
	char	**wordlist;		/* --words */
	size_t	 nwordlist;

	/* per input */
	const char *name;
	enum format fmt;
	char	*tensor;
	char	*dtype;
	struct emb_frame f;		/* the frame we write */
	size_t	 cap;			/* rows f.data has room for */
	int	 complete;		/* the reader saw every row of the input */
	int	 index_labels;		/* label rows by their number in the input */
	size_t	*sel;			/* rows to write, in order; NULL: a range */
	size_t	 sel_from, nsel;
	int	 sel_ascending;
	int	 selected;		/* the reader selected, knowing its rows */
	int	 streaming;		/* writing rows as they are read */
	int	 header_out;
	/* scratch the readers own, freed by job_reset */
	unsigned char *hdr;
	unsigned char *raw;		/* Fortran-order data, all of it */
	void	*aux, *aux2;
	size_t	*rowmap;
	float	*block;
	uint32_t *perm;
	struct input *whole;		/* a zip from a pipe, spooled to a file */
	struct input *sub;		/* an entry of a zip */
};

/* extract.c: one input from start to end. */
void	 job_init(struct job *, const struct opts *, FILE *out);
void	 job_reset(struct job *);
void	 extract(struct job *, struct input *);
void	 extract_list(struct job *, struct input *);
enum format format_by_name(const char *);
float	*table_row(struct job *);
float	*table_rows(struct job *, size_t);
void	 table_reserve(struct job *, size_t rows);
void	 add_word(struct job *, const char *, size_t, const char *unit, uint64_t at);
void	 job_collected(struct job *);
void	 job_emit(struct job *);
void	 job_known_rows(struct job *, size_t rows, struct emb_frame *own);
void	 job_write_rows(struct job *, const float *, size_t rows);
struct iovec;
void	 job_write_iov(struct job *, struct iovec *, int n);

/* detect.c */
enum format detect(struct input *, const char *name);

/* labelfile.c: -l and --words @FILE */
void	 labelfile_read(struct job *, const char *path);
void	 wordlist_read(struct job *, const char *spec);

/* select.c */
void	 select_rows(struct job *, size_t nrows, const struct emb_frame *lab);
void	 select_apply(struct job *, const struct emb_frame *lab);
void	 select_labels(struct job *, const struct emb_frame *lab);
void	 write_index_labels(struct job *);
void	 labels_end(struct emb_frame *);
size_t	 read_limit(const struct opts *);
int	 opts_change_rows(const struct opts *);
static inline size_t
sel_row(const struct job *j, size_t k)
{
	return j->sel != NULL ? j->sel[k] : j->sel_from + k;
}

/* transform.c */
void	 center_columns(struct emb_frame *);
void	 normalize_rows(float *, size_t rows, size_t cols);

/* the readers */
void	 text_read(struct job *, struct input *, enum format);
void	 w2vbin_read(struct job *, struct input *);
void	 npy_header(struct job *, struct input *, struct array *);
void	 npy_read(struct job *, struct input *);
void	 npz_read(struct job *, struct input *, int list);
void	 safetensors_read(struct job *, struct input *, int list);
void	 array_extract(struct job *, struct input *, const struct array *);
void	 stream_passthrough(struct job *, struct input *);

/* json.c: a cursor over the JSON of a safetensors header */
struct json {
	const char *name;
	const char *what;
	char	*s;
	size_t	 pos, len;
	uint64_t base;		/* offset of s in the input */
};
void	 json_error(struct json *, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));
int	 json_peek(struct json *);
void	 json_expect(struct json *, int c);
char	*json_string(struct json *);
uint64_t json_uint(struct json *);
void	 json_skip(struct json *);

#endif
