/*
 * libemb: what the emb programs share.  The stream format is described in
 * emb(5); this header is the whole interface.
 */
#ifndef EMB_H
#define EMB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Documented limits of the stream format, emb(5). */
#define EMB_VERSION	1
#define EMB_MAX_ROWS	2147483647ULL	/* graph indices are int32 */
#define EMB_MAX_COLS	1048576ULL
#define EMB_MAX_K	4096ULL
#define EMB_MAX_FIELDS	64
#define EMB_MAX_FIELDNAME 256
#define EMB_MAX_LABEL	4096		/* bytes in one label field */
#define EMB_MAX_META	256		/* meta lines in one header */
#define EMB_MAX_METAKEY	64
#define EMB_MAX_METAVAL	4096		/* bytes, decoded */
#define EMB_MAX_HEADER	(1 << 20)	/* bytes of header text */
#define EMB_MAX_PAYLOAD	(1ULL << 40)	/* bytes of one frame's payload */

enum emb_kind { EMB_POINTS = 1, EMB_GRAPH = 2 };

struct emb_meta {
	char	*key;
	char	*val;
};

struct emb_frame {
	enum emb_kind	 kind;
	size_t		 rows;
	size_t		 cols;		/* graph: k */
	float		*data;		/* points: rows x cols; graph: distances rows x k */
	int32_t		*index;		/* graph: rows x k neighbour indices */
	size_t		 nfields;	/* 0: no labels */
	char		**fieldnames;
	char		*labelbuf;	/* rows x nfields NUL-terminated strings */
	size_t		 labelbytes;
	size_t		 labelcap;
	char		**labels;	/* rows x nfields pointers into labelbuf */
	size_t		 nmeta;
	struct emb_meta	*meta;
};

/* err.c: "prog: file: message" on stderr; emb_err exits 1, emb_usage exits 2. */
extern const char *emb_progname;
extern int emb_verbose;		/* -1 quiet (-q), 0 default, 1 verbose (-v) */
extern void (*emb_fatal_hook)(void);	/* fuzz harnesses: called instead of exit(1) */
void	emb_init(const char *argv0);
void	emb_err(const char *file, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));
void	emb_warn(const char *file, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* the same with a place in the file ("frame 2", "byte 80"; NULL: none) before the message */
void	emb_verr(const char *file, const char *where, const char *fmt, va_list)
	    __attribute__((noreturn, format(printf, 3, 0)));
void	emb_usage(const char *synopsis) __attribute__((noreturn));	/* stderr, exit 2 */
void	emb_help(const char *synopsis) __attribute__((noreturn));	/* -h: stdout, exit 0 */

/* io.c: checked output; EPIPE ends the program as SIGPIPE would. */
void	emb_fwrite(const void *, size_t, FILE *);
void	emb_printf(FILE *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void	emb_close_stdout(void);
void	emb_put_tsv(FILE *, const char *);	/* a TSV cell, \t \n \r \\ escaped */
void	emb_put_le32(unsigned char *, uint32_t);
uint32_t emb_get_le32(const unsigned char *);
int	emb_host_le(void);			/* 1 on a little-endian host */
void	emb_floats_le(float *, size_t);	/* host <-> little-endian, in place */

/*
 * quote.c: untrusted text made safe for a one-line message (control bytes
 * and invalid UTF-8 as \xNN, a backslash doubled, cut at 200 bytes); the
 * result lives until four more calls.  emb_hash: FNV-1a 64 of n bytes.
 */
const char *emb_quote(const char *);
const char *emb_quote_n(const char *, size_t n);
uint64_t emb_hash(const void *, size_t n);

/* alloc.c: overflow-checked allocation; failure is fatal. */
void	*emb_alloc(size_t n, size_t size);
void	*emb_zalloc(size_t n, size_t size);
void	*emb_realloc(void *, size_t n, size_t size);
char	*emb_strdup(const char *);
char	*emb_strndup(const char *, size_t);
size_t	 emb_mul(size_t, size_t);	/* fatal on overflow */

/* parse.c: numbers from the command line, range-checked. */
long long emb_parse_int(const char *s, long long min, long long max, const char *what);
double	emb_parse_double(const char *s, double min, double max, const char *what);

/* rng.c: xoshiro256**, seeded by splitmix64: same numbers everywhere. */
struct emb_rng { uint64_t s[4]; };
void	 emb_rng_seed(struct emb_rng *, uint64_t seed);
uint64_t emb_rng_next(struct emb_rng *);
double	 emb_rng_uniform(struct emb_rng *);		/* [0, 1) */
uint64_t emb_rng_below(struct emb_rng *, uint64_t n);	/* [0, n), unbiased */
double	 emb_rng_normal(struct emb_rng *);

/* progress.c: a meter on stderr when it is a terminal or with -v. */
void	emb_progress(const char *what, uint64_t done, uint64_t total);

/*
 * input.c: the one way the programs read a file or a pipe, plain or gzip
 * (by its magic; several members allowed).  A cut gzip member, bytes after
 * the last one, corrupt data or a read error are fatal, with the name.
 */
struct emb_input;
struct emb_input *emb_input_open(const char *path);	/* NULL or "-": stdin */
struct emb_input *emb_input_fd(int fd, const char *name);	/* takes fd */
size_t	emb_input_read(struct emb_input *, void *, size_t n);	/* < n: the end */
int	emb_input_getc(struct emb_input *);			/* EOF: the end */
/*
 * One line without its newline and a \r before it, NUL-terminated in *buf
 * (grown as needed); a UTF-8 byte-order mark at the start of the input is
 * dropped; a line of more than max bytes is fatal.  Its length, or -1 at
 * the end.
 */
long	emb_input_line(struct emb_input *, char **buf, size_t *cap, size_t max);
const char *emb_input_name(const struct emb_input *);
int	emb_input_regular(const struct emb_input *);	/* a plain, uncompressed file */
int	emb_input_compressed(const struct emb_input *);	/* gzip */
uint64_t emb_input_size(const struct emb_input *);	/* regular: bytes left */
long	emb_input_lineno(const struct emb_input *);	/* of the last line read */
uint64_t emb_input_skip(struct emb_input *, uint64_t n);	/* what there was */
void	emb_input_unread(struct emb_input *, const void *, size_t n);	/* n just read */
int	emb_input_fileno(const struct emb_input *);	/* regular: for pread, mmap */
void	emb_input_close(struct emb_input *);

/* frame.c: reading and writing frames. */
struct emb_reader;
struct emb_reader *emb_open(const char *path);	/* "-" or NULL: stdin */
struct emb_reader *emb_open_fd(int fd, const char *name);	/* takes fd */
struct emb_reader *emb_open_input(struct emb_input *);	/* takes it */
const char *emb_reader_name(const struct emb_reader *);
int	emb_reader_regular(const struct emb_reader *);	/* a plain, uncompressed file */
void	emb_close(struct emb_reader *);
int	emb_read(struct emb_reader *, struct emb_frame *);	/* 1 frame, 0 end */
int	emb_read_header(struct emb_reader *, struct emb_frame *);
void	emb_read_rows(struct emb_reader *, float *, size_t nrows);
void	emb_read_rest(struct emb_reader *, struct emb_frame *);
void	emb_write(FILE *, const struct emb_frame *);
void	emb_write_header(FILE *, const struct emb_frame *);
void	emb_write_rows(FILE *, const float *, size_t nvalues);
void	emb_write_labels(FILE *, const struct emb_frame *);
void	emb_frame_init(struct emb_frame *, enum emb_kind, size_t rows, size_t cols);
void	emb_frame_free(struct emb_frame *);

/* meta.c: key/value metadata of a frame. */
const char *emb_meta_get(const struct emb_frame *, const char *key);
void	emb_meta_set(struct emb_frame *, const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	emb_meta_copy(struct emb_frame *dst, const struct emb_frame *src);

/* labels.c: per-row labels with named fields. */
void	emb_labels_begin(struct emb_frame *, size_t nfields, char *const *names);
void	emb_label_add(struct emb_frame *, const char *, size_t len);
void	emb_labels_end(struct emb_frame *);
const char *emb_label(const struct emb_frame *, size_t row, size_t field);
int	emb_field_index(const struct emb_frame *, const char *name);	/* -1: none */
void	emb_labels_move(struct emb_frame *dst, struct emb_frame *src);
void	emb_frame_select(struct emb_frame *dst, const struct emb_frame *src,
	    const size_t *rows, size_t n);

#endif
