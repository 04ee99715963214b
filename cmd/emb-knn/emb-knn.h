/* emb-knn: what its parts share. */
#ifndef EMB_KNN_H
#define EMB_KNN_H

#include <stddef.h>
#include <stdint.h>

#include "emb.h"
#include "knn.h"

#define DEFAULT_K_GRAPH	15	/* umap-learn's and uwot's */
#define DEFAULT_K_TEXT	10	/* queries and --against */

struct opts {
	size_t		 k;		/* 0: the mode's default */
	enum knn_metric	 metric;
	int		 metric_set;
	struct knn_opts	 knn;
	size_t		 recall;	/* --recall rows */
	char		**queries;	/* -q */
	size_t		 nqueries;
	char		**analogies;	/* -a */
	size_t		 nanalogies;
	int		 cosmul;
	const char	*questions;	/* --analogies file */
	size_t		 vocab;		/* -n; 0: every row */
	const char	*field;		/* -f: the label field of the words */
	const char	*against;	/* --against file */
	const char	*classfield;	/* --class */
	size_t		 sample;	/* --sample rows; 0: every row */
	const char	*input;		/* the operand; NULL: stdin */
};

/* graph.c */
void	graph_stage(const struct opts *);

/* query.c */
void	query_words(const struct opts *);

/* analogies.c */
void	evaluate_analogies(const struct opts *);

/* against.c */
void	score_against(const struct opts *);

/* common.c */
void	read_points(const char *path, struct emb_frame *);	/* the last points frame */
void	check_finite(const char *name, const struct emb_frame *);
size_t	*sample_rows(size_t n, size_t m, uint64_t seed);	/* m sorted random rows */
void	top_scores(const float *s, size_t n, size_t m, int32_t *idx);	/* m largest, ties by index */

/* text.c: words as Python's str.upper() and str.split() see them */
size_t	 text_char(const char *s, const char *end, int *space);	/* its bytes */
size_t	 text_words(const char *s, const char *end, const char **w, size_t *len,
	    size_t max);	/* split as str.split(); max + 1: more than max words */
char	*text_upper(const char *s, size_t len);		/* a new string */

/* words.c: a table from words to rows */
struct words;
struct words *words_new(size_t cap);
int64_t	 words_get(const struct words *, const char *);	/* -1: none */
int64_t	 words_add(struct words *, const char *, int64_t row);	/* the row kept */
void	 words_free(struct words *);

/* upper.c, made by tests/knn_upper.py */
extern const int32_t upper_runs[][4];
extern const size_t upper_nruns;
extern const int32_t upper_multi[][4];
extern const size_t upper_nmulti;
extern const int32_t split_spaces[];
extern const size_t split_nspaces;

#endif
