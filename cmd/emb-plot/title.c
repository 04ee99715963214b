/*
 * The default title, from what the filters upstream recorded: the reducer
 * and its main parameters, the source file, and the size, as in
 * "t-SNE (perplexity 30) of glove.6B.100d.txt, 5,000 x 100".  Any of them
 * may be missing, and every value is untrusted text (cleaned later).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

static const struct {
	const char	*id;		/* the reducer as recorded, lower case, no '-' or '_' */
	const char	*name;
	const char	*params[4];	/* worth a place in the title */
} reducers[] = {
	{ "tsne",	"t-SNE",	{ "perplexity" } },
	{ "opentsne",	"t-SNE",	{ "perplexity" } },
	{ "umap",	"UMAP",		{ "n_neighbors", "neighbors", "min_dist" } },
	{ "pca",	"PCA",		{ "explained_variance_ratio_sum" } },
	{ "svd",	"SVD",		{ NULL } },
	{ "mds",	"MDS",		{ NULL } },
	{ "isomap",	"Isomap",	{ "n_neighbors", "neighbors" } },
	{ "lle",	"LLE",		{ "n_neighbors", "neighbors" } },
	{ "trimap",	"TriMap",	{ NULL } },
	{ "pacmap",	"PaCMAP",	{ NULL } },
	{ "largevis",	"LargeVis",	{ NULL } },
	{ "random",	"random projection", { NULL } },
};

/* Keys that may hold the width of the vectors the map was made from. */
static const char *const dimkeys[] = {
	"source.cols", "source.dims", "extract.cols", "input.cols", "dims",
};

static void
append(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);

	if (n + 1 < cap)
		snprintf(buf + n, cap - n, "%s", s);
}

static int
whole(const char *s, unsigned long long *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return 0;
	*v = strtoull(s, &end, 10);
	return *end == '\0';
}

char *
title_from_meta(const struct emb_frame *f)
{
	char buf[3 * 4096], id[64], key[160], num[32];
	const char *reducer = emb_meta_get(f, "reducer"), *source, *val, *slash;
	size_t i, j, n, nparam = 0;
	unsigned long long dims = 0;

	buf[0] = '\0';
	if (reducer != NULL && *reducer != '\0') {
		for (i = n = 0; reducer[i] && n + 1 < sizeof id; i++)
			if (reducer[i] != '-' && reducer[i] != '_')
				id[n++] = tolower((unsigned char)reducer[i]);
		id[n] = '\0';
		for (i = 0; i < sizeof reducers / sizeof reducers[0]; i++)
			if (strcmp(id, reducers[i].id) == 0)
				break;
		append(buf, sizeof buf, i < sizeof reducers / sizeof reducers[0] ?
		    reducers[i].name : reducer);
		for (j = 0; i < sizeof reducers / sizeof reducers[0] && j < 4 &&
		    reducers[i].params[j] != NULL; j++) {
			/* the key's prefix: the reducer as recorded, or in lower case */
			snprintf(key, sizeof key, "%.60s.%s", reducer, reducers[i].params[j]);
			if ((val = emb_meta_get(f, key)) == NULL) {
				snprintf(key, sizeof key, "%s.%s", id, reducers[i].params[j]);
				val = emb_meta_get(f, key);
			}
			if (val == NULL || *val == '\0')
				continue;
			if (strcmp(reducers[i].params[j], "explained_variance_ratio_sum") == 0) {
				char *end;
				double r = strtod(val, &end);
				if (*end != '\0' || !(r >= 0 && r <= 1))
					continue;
				snprintf(num, sizeof num, "%.1f%% of variance", 100 * r);
				append(buf, sizeof buf, nparam++ ? ", " : " (");
				append(buf, sizeof buf, num);
				continue;
			}
			append(buf, sizeof buf, nparam++ ? ", " : " (");
			append(buf, sizeof buf, reducers[i].params[j]);
			append(buf, sizeof buf, " ");
			append(buf, sizeof buf, val);
		}
		if (nparam > 0)
			append(buf, sizeof buf, ")");
	}
	if ((source = emb_meta_get(f, "source")) != NULL && *source != '\0') {
		slash = strrchr(source, '/');
		if (slash != NULL && slash[1] != '\0')
			source = slash + 1;
		append(buf, sizeof buf, *buf ? " of " : "");
		append(buf, sizeof buf, source);
	}
	for (i = 0; i < sizeof dimkeys / sizeof dimkeys[0]; i++)
		if ((val = emb_meta_get(f, dimkeys[i])) != NULL && whole(val, &dims))
			break;
	append(buf, sizeof buf, *buf ? ", " : "");
	fmt_thousands(num, sizeof num, f->rows);
	append(buf, sizeof buf, num);
	if (dims > 0) {
		fmt_thousands(num, sizeof num, dims);
		append(buf, sizeof buf, " x ");
		append(buf, sizeof buf, num);
	} else {
		append(buf, sizeof buf, f->rows == 1 ? " point" : " points");
	}
	return emb_strdup(buf);
}
