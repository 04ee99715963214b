/* emb-pca: what its files share. */
#include <sys/types.h>
#include <time.h>

#include "emb.h"

#define SYNOPSIS "emb-pca [-hqv] [-j threads] [-k k | --variance F] [-m method] [--no-center] " \
	"[--oversamples n] [--power-iterations n] [--seed n] [--whiten] " \
	"[--apply model | --save model] [file ...]"

enum method { AUTO, EXACT, RANDOMIZED };

struct options {
	size_t		 k;		/* 0: chosen by --variance */
	double		 variance;	/* 0: -k decides */
	enum method	 method;
	int		 center;
	int		 whiten;
	size_t		 oversamples;
	int		 power_iterations;	/* -1: as scikit-learn chooses */
	uint64_t	 seed;
	const char	*apply;
	const char	*save;
};

/* A fitted PCA: what --save writes and --apply reads. */
struct model {
	size_t		 cols;		/* of the data it was fitted on */
	size_t		 k;
	size_t		 rows;
	enum method	 method;	/* EXACT or RANDOMIZED */
	int		 center;
	int		 whiten;
	int		 power_iterations;	/* randomized only */
	size_t		 oversamples;
	uint64_t	 seed;
	double		 total;		/* the sum of the columns' variances */
	float		*mean;		/* cols */
	float		*components;	/* k x cols, one unit vector a row */
	double		*variance;	/* k eigenvalues, descending; divisor rows - 1 */
	float		*scale;		/* k: 1, or 1 / sqrt(variance) to whiten */
};

/* An operand, and what is needed to read it again from the start. */
struct input {
	const char	*name;
	int		 again;		/* a regular file: it can be read twice */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	off_t		 start;
	struct timespec	 mtime;
};

/*
 * The rows of one points frame, delivered a chunk at a time, as many times
 * as the fit needs: from memory, or by reading the input again.
 */
struct source {
	struct input	*in;
	int		 frame;		/* its number in the input, from 1 */
	size_t		 rows;
	size_t		 cols;
	const float	*data;		/* in memory; or NULL */
	struct emb_reader *first;	/* at the frame's rows, for the first pass */
	struct emb_reader *r;		/* the reader of this pass */
	float		*buf;
	size_t		 chunk;		/* rows a chunk */
	size_t		 done;		/* rows delivered in this pass */
	int		 passes;	/* passes begun */
	const char	*what;		/* for the progress meter */
};

/* main.c: -j, the threads the products are spread over */
extern int pca_threads;

/* input.c */
void	 input_init(struct input *, const char *name);
const char *input_label(const struct input *);
struct emb_reader *input_open(struct input *);
void	 source_init(struct source *, struct input *, int frame, size_t rows,
	    size_t cols);
void	 source_begin(struct source *, const char *what);
size_t	 source_next(struct source *, const float **rows);
void	 source_end(struct source *);
void	 source_free(struct source *);

/* fit.c */
void	 fit(struct model *, struct source *, const struct options *);

/* model.c */
void	 model_free(struct model *);
void	 model_write(FILE *, const char *name, const struct model *);
size_t	 model_read(const char *path, struct model **);
void	 model_report(const struct model *, const char *name, int frame);
void	 project(const struct model *, struct source *, const struct emb_frame *,
	    const char *applied, FILE *);
