/* emb-tsne: what its files share. */
#include <stddef.h>
#include <stdint.h>

#include "emb.h"
#include "knn.h"

#define SYNOPSIS "emb-tsne [-hqv] [-d dims] [-j threads] [-k k] [-m method] " \
	"[-p perplexity[,perplexity ...]] [--affinity gauss | uniform] " \
	"[--affinities-out file] [--dof x] [--early-exaggeration x] " \
	"[--early-iter n] [--exaggeration x] [--gradient] " \
	"[--init pca | random | file] [--iter n] [--learning-rate x | auto] " \
	"[--perplexity-fit] [--seed n] [--snapshots K] [--theta x] " \
	"[--save model | --apply model] [file]"

#define MAX_SCALES	8
/* Automatic method: exact gradients up to this many rows. */
#define EXACT_ROWS	1000
#define DEFAULT_ITER	750

enum method { M_AUTO, M_EXACT, M_BH, M_FFT };
enum affinity { A_GAUSS, A_UNIFORM };
enum init { I_PCA, I_RANDOM, I_FILE };

struct options {
	size_t		 dims;
	int		 threads;
	size_t		 k;		/* uniform: neighbours; 0: from -p */
	enum method	 method;
	double		 perplexity[MAX_SCALES];
	size_t		 nscales;
	enum affinity	 affinity;
	const char	*affinities_out;
	double		 dof;
	double		 early_exaggeration;
	size_t		 early_iter;
	double		 exaggeration;
	int		 gradient;	/* write the gradient at the start instead */
	enum init	 init;
	const char	*init_file;
	size_t		 iter;		/* after the early phase */
	double		 learning_rate;	/* 0: auto */
	int		 perplexity_fit;
	uint64_t	 seed;
	size_t		 snapshots;
	double		 theta;
	const char	*save;		/* --save: the model, written here */
	const char	*apply;		/* --apply: place the input into this model */
	unsigned	 given;		/* GIVEN_*: what --apply takes from the command line */
};
#define GIVEN_P		1
#define GIVEN_ITER	2
#define GIVEN_LR	4
#define GIVEN_EXAG	8

/* The symmetric joint probabilities, rows sorted by column. */
struct csr {
	size_t		 n;
	size_t		*ptr;		/* n + 1 */
	int32_t		*col;
	float		*val;
	double		 total;		/* sum of the entries */
	double		 plogp;		/* sum of p log p, for the KL divergence */
};

/* Seconds spent per phase, for -v. */
struct timing {
	double	knn, affinities, attraction, repulsion, other;
};
double	now(void);

/* place.c: --save and --apply */
void	save_keep(const struct options *, const float *X, size_t n, size_t d);
void	save_model(const struct options *, const struct emb_frame *map);
void	apply_model(const struct options *, const char *path);

/* run.c */
void	run(const struct options *, const char *path);

/* affinity.c */
size_t	needed_k(const struct options *, size_t n);
void	affinities(struct csr *, int32_t *idx, float *dist, size_t n,
	    size_t gk, size_t k, int square, const struct options *);
void	csr_free(struct csr *);
void	write_affinities(const char *path, const struct csr *);

/* attract.c: sum_j p_ij w_ij^(1/dof) (y_i - y_j) into F (n x dims). */
void	attraction(const struct csr *, const float *Y, size_t dims, double dof,
	    float *F);
/* sum_ij p_ij log(p_ij / (w_ij / Z)) */
double	kl_divergence(const struct csr *, const float *Y, size_t dims,
	    double dof, double Z);

/*
 * Repulsion: R (n x dims) gets sum_j w_ij^((dof+1)/dof) (y_i - y_j), not
 * yet divided by Z; the return value is Z = sum_{i != j} w_ij.
 */
double	repulsion_exact(const float *Y, size_t n, size_t dims, double dof, float *R);
double	repulsion_bh(const float *Y, size_t n, size_t dims, double dof,
	    double theta, float *R);
struct fft;
struct fft *fft_new(void);
double	repulsion_fft(struct fft *, const float *Y, size_t n, double dof, float *R);
void	fft_free(struct fft *);

/* init.c */
void	init_pca(float *Y, const float *X, size_t n, size_t d, size_t dims);
void	init_random(float *Y, size_t n, size_t dims, uint64_t seed);
float	*init_read(const char *path, size_t n, size_t dims);

/* optimise.c */
struct snapshot_sink {
	void	(*write)(void *ctx, const float *Y, size_t iteration, double kl);
	void	*ctx;
};
struct result {
	double	kl;
	double	learning_rate;
	size_t	iterations;
};
void	optimise(float *Y, size_t n, const struct csr *, const struct options *,
	    enum method, struct timing *, const struct snapshot_sink *,
	    struct result *);
void	gradient_at(float *G, const float *Y, size_t n, const struct csr *,
	    const struct options *, enum method, double *kl);
const char *method_name(enum method);
