/* The verdict, and the report as text or TSV. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#define COLLAPSED_SPREAD 0.05	/* RMS distance to the mean row / RMS norm */
#define KNN_TOL		0.05	/* mean 10-NN distance against the null's */
#define TWONN_TOL	0.15	/* TwoNN dimension against the null's, at least */

/*
 * collapsed: the rows lie within 5% of their mean (relative to their norm);
 * random: the mean 10-NN distance within 5% of the null's and the TwoNN
 * dimension within max(15%, 5 sqrt(2 / N)) of it (N points: about 5 standard
 * deviations of the ratio of two estimates); structured: otherwise.
 */
void
verdict(struct check *c)
{
	double kr, ir, tol;
	size_t n;

	if (c->m == 0) {
		c->verdict = "undetermined";
		snprintf(c->why, sizeof c->why, "no finite rows");
		return;
	}
	if (c->spread < COLLAPSED_SPREAD || c->distinct == 1) {
		c->verdict = "collapsed";
		snprintf(c->why, sizeof c->why, "the rows lie within %.2g%% of their mean",
		    100 * c->spread);
		return;
	}
	if (!c->have_hood) {
		c->verdict = "undetermined";
		snprintf(c->why, sizeof c->why, "%zu distinct finite rows, too few for "
		    "%d-NN statistics", c->distinct, CHECK_K);
		return;
	}
	kr = c->data.knn_mean / c->null.knn_mean;
	ir = c->data.twonn / c->null.twonn;
	n = c->data.ntwonn < c->null.ntwonn ? c->data.ntwonn : c->null.ntwonn;
	tol = n > 0 ? 5 * sqrt(2.0 / n) : INFINITY;
	tol = tol > TWONN_TOL ? tol : TWONN_TOL;
	c->verdict = fabs(kr - 1) <= KNN_TOL && fabs(ir - 1) <= tol ? "random" : "structured";
	snprintf(c->why, sizeof c->why, "%d-NN distance %.3f and TwoNN dimension %.3f "
	    "times the null model's; random is within %.0f%% and %.0f%%", CHECK_K, kr, ir,
	    100 * KNN_TOL, 100 * tol);
}

/* A row's first label, or its number, for the text report. */
static void
row_name(const struct check *c, size_t row)
{
	if (c->f->nfields > 0)
		emb_printf(stdout, " '%s'", emb_quote(emb_label(c->f, row, 0)));
	else
		emb_printf(stdout, " row %zu", row);
}

static void
text_rows(const struct check *c, const char *what, size_t count, const size_t *ex,
    size_t nex)
{
	size_t i;

	emb_printf(stdout, "  %-28s %zu", what, count);
	for (i = 0; i < nex; i++) {
		emb_printf(stdout, "%s", i ? "," : ", e.g.");
		row_name(c, ex[i]);
	}
	emb_printf(stdout, "%s\n", count > nex ? ", ..." : "");
}

static void
text(const struct check *c, const struct check_opts *o)
{
	const struct emb_frame *f = c->f;
	size_t i;

	emb_printf(stdout, "frame: %zu rows x %zu cols\n", f->rows, f->cols);
	emb_printf(stdout, "sample: %zu finite rows (%s), seed %llu\n", c->m,
	    o->positions ? "the first ones, in order" : c->m + c->nonfinite < f->rows ?
	    "at random" : "all", (unsigned long long)o->seed);
	emb_printf(stdout, "rows:\n");
	text_rows(c, "not finite (NaN, inf)", c->nonfinite, c->ex_nonfinite, c->nex_nonfinite);
	text_rows(c, "all zero", c->zero, c->ex_zero, c->nex_zero);
	emb_printf(stdout, "  %-28s %zu", "duplicates of earlier rows", c->dup);
	if (c->dup > 0)
		emb_printf(stdout, " (%zu distinct rows repeated)", c->dupgroups);
	for (i = 0; i < c->nex_dup; i++) {
		emb_printf(stdout, "%s", i ? "," : ", e.g.");
		row_name(c, c->ex_dup[i][0]);
		emb_printf(stdout, " =");
		row_name(c, c->ex_dup[i][1]);
	}
	emb_printf(stdout, "%s\n", c->dup > c->nex_dup ? ", ..." : "");
	emb_printf(stdout, "  %-28s mean %.4g, coefficient of variation %.3f\n", "norms",
	    c->norm_mean, c->norm_cv);
	emb_printf(stdout, "anisotropy:\n");
	emb_printf(stdout, "  %-28s %.3f\n", "spread about the mean row", c->spread);
	emb_printf(stdout, "  %-28s %.3f\n", "mean cosine of random pairs", c->cos_pairs);
	emb_printf(stdout, "  %-28s %.3f\n", "variance in PC1", c->pc1_share);
	emb_printf(stdout, "  %-28s %.1f of %zu\n", "effective rank", c->eff_rank, f->cols);
	if (c->have_hood) {
		emb_printf(stdout, "neighbourhoods (%d-NN, euclidean, %zu distinct rows, %s):\n",
		    CHECK_K, c->distinct, c->data.method);
		emb_printf(stdout, "  %-28s %10s %10s %8s\n", "", "data", "null", "ratio");
		emb_printf(stdout, "  %-28s %10.4g %10.4g %8.3f\n", "mean 10-NN distance",
		    c->data.knn_mean, c->null.knn_mean, c->data.knn_mean / c->null.knn_mean);
		emb_printf(stdout, "  %-28s %10.4g %10.4g %8.3f\n", "TwoNN intrinsic dimension",
		    c->data.twonn, c->null.twonn, c->data.twonn / c->null.twonn);
		emb_printf(stdout, "  %-28s %10.3f %10.3f\n", "hubness (10-occurrence skew)",
		    c->data.hubness, c->null.hubness);
		if (c->cfield >= 0)
			emb_printf(stdout, "  %-28s %10.3f %10.3f (chance)\n", "same class",
			    c->data.same_class, c->class_chance);
	}
	if (o->positions) {
		emb_printf(stdout, "positions:\n");
		emb_printf(stdout, "  %-28s %.3f (random pairs %.3f)\n", "adjacent-row cosine",
		    c->adjacent_cos, c->cos_pairs);
		emb_printf(stdout, "  %-28s %.3f\n", "|corr(row index, PC1)|", c->pc1_index);
		emb_printf(stdout, "  %-28s", "periods (share of power)");
		for (i = 0; i < c->npeaks; i++)
			emb_printf(stdout, "%s %.4g (%.1f%%)", i ? "," : "",
			    (double)c->fft_n / c->peak_bin[i], 100 * c->peak_share[i]);
		emb_printf(stdout, "%s\n", c->npeaks ? "" : " none");
	}
	emb_printf(stdout, "verdict: %s (%s)\n", c->verdict, c->why);
}

static void
tsv_line(const char *key, const char *fmt, double v, double ref)
{
	emb_printf(stdout, "%s\t", key);
	emb_printf(stdout, fmt, v);
	emb_printf(stdout, "\t");
	if (!isnan(ref))
		emb_printf(stdout, "%.6g", ref);
	emb_printf(stdout, "\n");
}

static void
tsv(const struct check *c, const struct check_opts *o)
{
	size_t i;

	emb_printf(stdout, "statistic\tvalue\treference\n");
	tsv_line("rows", "%.0f", c->f->rows, NAN);
	tsv_line("cols", "%.0f", c->f->cols, NAN);
	tsv_line("sample", "%.0f", c->m, NAN);
	emb_printf(stdout, "seed\t%llu\t\n", (unsigned long long)o->seed);
	tsv_line("nonfinite_rows", "%.0f", c->nonfinite, NAN);
	tsv_line("zero_rows", "%.0f", c->zero, NAN);
	tsv_line("duplicate_rows", "%.0f", c->dup, c->dupgroups);
	for (i = 0; i < c->nex_nonfinite; i++)
		tsv_line("nonfinite_row", "%.0f", c->ex_nonfinite[i], NAN);
	for (i = 0; i < c->nex_zero; i++)
		tsv_line("zero_row", "%.0f", c->ex_zero[i], NAN);
	for (i = 0; i < c->nex_dup; i++)
		tsv_line("duplicate_row", "%.0f", c->ex_dup[i][0], c->ex_dup[i][1]);
	tsv_line("norm_mean", "%.6g", c->norm_mean, NAN);
	tsv_line("norm_cv", "%.6g", c->norm_cv, NAN);
	tsv_line("spread", "%.6g", c->spread, NAN);
	tsv_line("cos_pairs", "%.6g", c->cos_pairs, NAN);
	tsv_line("pc1_share", "%.6g", c->pc1_share, NAN);
	tsv_line("effective_rank", "%.6g", c->eff_rank, c->f->cols);
	if (c->have_hood) {
		tsv_line("distinct_rows", "%.0f", c->distinct, NAN);
		tsv_line("knn_mean", "%.6g", c->data.knn_mean, c->null.knn_mean);
		tsv_line("twonn", "%.6g", c->data.twonn, c->null.twonn);
		tsv_line("hubness", "%.6g", c->data.hubness, c->null.hubness);
		if (c->cfield >= 0)
			tsv_line("same_class", "%.6g", c->data.same_class, c->class_chance);
	}
	if (o->positions) {
		tsv_line("adjacent_cos", "%.6g", c->adjacent_cos, c->cos_pairs);
		tsv_line("pc1_index", "%.6g", c->pc1_index, NAN);
		for (i = 0; i < c->npeaks; i++)
			tsv_line("period", "%.6g", (double)c->fft_n / c->peak_bin[i],
			    c->peak_share[i]);
	}
	emb_printf(stdout, "verdict\t%s\t\n", c->verdict);
}

void
report(const struct check *c, const struct check_opts *o)
{
	if (o->tsv)
		tsv(c, o);
	else
		text(c, o);
}
