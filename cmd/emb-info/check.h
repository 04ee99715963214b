/* emb-info --check: is there structure in a points frame? */
#include <stddef.h>
#include <stdint.h>

#include "emb.h"

#define CHECK_K		10	/* neighbours of the neighbourhood statistics */
#define CHECK_PAIRS	100000	/* random pairs for the mean cosine */
#define CHECK_EXAMPLES	5	/* labels shown for bad and duplicate rows */
#define CHECK_MAXEIG	4096	/* most dimensions of the eigenproblem */
#define CHECK_MAXPEAKS	32

struct check_opts {
	size_t		 n;		/* -n: sample size */
	uint64_t	 seed;
	const char	*class_field;	/* --class */
	int		 positions;	/* --positions */
	int		 tsv;		/* -t */
};

/* Statistics of one matrix: the data, or its column-shuffled null model. */
struct hood {
	size_t		 n;		/* rows the graph was built on */
	size_t		 ntwonn;	/* rows with r1 > 0 */
	double		 knn_mean;	/* mean distance to the k nearest */
	double		 twonn;		/* intrinsic dimension, TwoNN MLE */
	double		 hubness;	/* skewness of the k-occurrence counts */
	double		 same_class;	/* share of neighbours with the same label */
	const char	*method;	/* exact or nndescent */
};

struct check {
	const struct emb_frame *f;
	/* the whole frame */
	size_t		 nonfinite, zero, dup, dupgroups;
	size_t		 ex_nonfinite[CHECK_EXAMPLES], nex_nonfinite;
	size_t		 ex_zero[CHECK_EXAMPLES], nex_zero;
	size_t		 ex_dup[CHECK_EXAMPLES][2], nex_dup;	/* the row, its first copy */
	double		 norm_mean, norm_cv;
	/* the sample: finite rows */
	size_t		*rows;		/* frame rows, ascending */
	size_t		 m;
	float		*x;		/* m x d */
	double		 spread;	/* RMS distance to the mean row / RMS norm */
	double		 cos_pairs;	/* mean cosine of random pairs */
	double		 pc1_share, eff_rank;
	size_t		 eig_dim;	/* size of the eigenproblem */
	double		*pc1;		/* m scores on the first component, or NULL */
	/* neighbourhoods */
	int		 have_hood;
	size_t		 distinct;
	struct hood	 data, null;
	int		 cfield;	/* --class field, -1 */
	double		 class_chance;
	/* --positions */
	double		 adjacent_cos;
	double		 pc1_index;	/* |correlation| of row index and PC1 score */
	size_t		 npeaks;
	size_t		 peak_bin[CHECK_MAXPEAKS];
	double		 peak_share[CHECK_MAXPEAKS];
	size_t		 fft_n;
	/* the verdict */
	const char	*verdict;
	char		 why[256];
};

/* rows.c */
void	rows_scan(struct check *, const struct emb_frame *);
void	rows_sample(struct check *, const struct check_opts *);

/* anisotropy.c */
void	anisotropy(struct check *, const struct check_opts *);

/* twonn.c */
void	neighbourhoods(struct check *, const struct check_opts *);
double	twonn_mle(const float *dist, size_t n, size_t k, size_t *used);

/* positions.c */
void	positions(struct check *, const struct check_opts *);

/* report.c */
void	verdict(struct check *);
void	report(const struct check *, const struct check_opts *);

/* check.c */
void	check_options(struct check_opts *, int check, int mode, int more);
int	check_main(int argc, char *argv[], const struct check_opts *);
