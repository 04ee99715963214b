/*
 * Barnes-Hut repulsion over a quadtree (2-D) or octree (3-D): a cell seen
 * from a point at distance r with width w < theta r counts as its centre of
 * mass.  The tree is built by partitioning an index array, so equal points
 * end in one leaf instead of recursing forever.
 */
#include <stdlib.h>
#include <string.h>

#include "tsne.h"
#include "kernel.h"

#define MAX_DEPTH	40

struct node {
	float	 com[3];
	float	 width;		/* edge of the cubic cell */
	uint32_t count;
	uint32_t lo;		/* leaf: its points are perm[lo, lo + count) */
	int32_t	 child[8];	/* -1: empty; all -1: a leaf */
};

struct tree {
	struct node	*node;
	size_t		 nnodes, cap;
	uint32_t	*perm;
	const float	*Y;
	size_t		 dims;
};

static int32_t
build(struct tree *t, uint32_t lo, uint32_t hi, const float *centre, float width,
    int depth)
{
	struct node *nd;
	int32_t id;
	size_t c, q, nq = (size_t)1 << t->dims;
	uint32_t i, start[9], cnt[8] = { 0 }, *tmp;
	double com[3] = { 0, 0, 0 };

	if (t->nnodes == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->node = emb_realloc(t->node, t->cap, sizeof *t->node);
	}
	id = (int32_t)t->nnodes++;
	nd = &t->node[id];
	for (i = lo; i < hi; i++)
		for (c = 0; c < t->dims; c++)
			com[c] += t->Y[(size_t)t->perm[i] * t->dims + c];
	for (c = 0; c < 3; c++)
		nd->com[c] = c < t->dims ? (float)(com[c] / (hi - lo)) : 0;
	nd->width = width;
	nd->count = hi - lo;
	nd->lo = lo;
	for (q = 0; q < 8; q++)
		nd->child[q] = -1;
	if (hi - lo <= 1 || depth >= MAX_DEPTH)
		return id;

	/* partition the points among the 2^dims sub-cells, keeping their order */
	tmp = emb_alloc(hi - lo, sizeof *tmp);
	for (i = lo; i < hi; i++) {
		const float *y = &t->Y[(size_t)t->perm[i] * t->dims];
		for (q = 0, c = 0; c < t->dims; c++)
			q |= (size_t)(y[c] > centre[c]) << c;
		cnt[q]++;
	}
	start[0] = 0;
	for (q = 0; q < nq; q++)
		start[q + 1] = start[q] + cnt[q];
	memset(cnt, 0, sizeof cnt);
	for (i = lo; i < hi; i++) {
		const float *y = &t->Y[(size_t)t->perm[i] * t->dims];
		for (q = 0, c = 0; c < t->dims; c++)
			q |= (size_t)(y[c] > centre[c]) << c;
		tmp[start[q] + cnt[q]++] = t->perm[i];
	}
	memcpy(&t->perm[lo], tmp, (hi - lo) * sizeof *tmp);
	free(tmp);
	if (cnt[0] == hi - lo && width < 1e-30f)
		return id;
	for (q = 0; q < nq; q++) {
		float sub[3];
		int32_t ch;
		if (start[q + 1] == start[q])
			continue;
		for (c = 0; c < t->dims; c++)
			sub[c] = centre[c] + (((q >> c) & 1) ? width : -width) / 4;
		ch = build(t, lo + start[q], lo + start[q + 1], sub, width / 2,
		    depth + 1);
		t->node[id].child[q] = ch;	/* t->node may have moved */
	}
	return id;
}

static double
visit(const struct tree *t, size_t i, double dof, double theta2, int32_t *stack,
    double *acc)
{
	const float *yi = &t->Y[i * t->dims];
	double z = 0, w, f, d2, x[3];
	size_t c, top = 0, q, m;
	int leaf;

	stack[top++] = 0;
	while (top > 0) {
		const struct node *nd = &t->node[stack[--top]];

		leaf = 1;
		for (q = 0; q < 8; q++)
			leaf &= nd->child[q] < 0;
		if (leaf) {
			for (m = nd->lo; m < nd->lo + nd->count; m++) {
				size_t j = t->perm[m];
				if (j == i)
					continue;
				d2 = 0;
				for (c = 0; c < t->dims; c++) {
					x[c] = (double)yi[c] - t->Y[j * t->dims + c];
					d2 += x[c] * x[c];
				}
				kernel(d2, dof, &w, &f);
				z += w;
				for (c = 0; c < t->dims; c++)
					acc[c] += f * x[c];
			}
			continue;
		}
		d2 = 0;
		for (c = 0; c < t->dims; c++) {
			x[c] = (double)yi[c] - nd->com[c];
			d2 += x[c] * x[c];
		}
		if ((double)nd->width * nd->width < theta2 * d2) {
			kernel(d2, dof, &w, &f);
			z += nd->count * w;
			for (c = 0; c < t->dims; c++)
				acc[c] += nd->count * f * x[c];
			continue;
		}
		for (q = 8; q-- > 0;)
			if (nd->child[q] >= 0)
				stack[top++] = nd->child[q];
	}
	return z;
}

double
repulsion_bh(const float *Y, size_t n, size_t dims, double dof, double theta,
    float *R)
{
	struct tree t;
	float lo[3], hi[3], centre[3] = { 0, 0, 0 }, width = 0;
	double *z = emb_alloc(n ? n : 1, sizeof *z), Z = 0;
	size_t i, c;

	memset(&t, 0, sizeof t);
	t.Y = Y;
	t.dims = dims;
	t.perm = emb_alloc(n ? n : 1, sizeof *t.perm);
	for (i = 0; i < n; i++)
		t.perm[i] = (uint32_t)i;
	for (c = 0; c < dims; c++) {
		lo[c] = hi[c] = Y[c];
		for (i = 1; i < n; i++) {
			if (Y[i * dims + c] < lo[c])
				lo[c] = Y[i * dims + c];
			if (Y[i * dims + c] > hi[c])
				hi[c] = Y[i * dims + c];
		}
		centre[c] = (lo[c] + hi[c]) / 2;
		if (hi[c] - lo[c] > width)
			width = hi[c] - lo[c];
	}
	width = width * 1.0001f + 1e-30f;
	build(&t, 0, (uint32_t)n, centre, width, 0);

#pragma omp parallel
	{
		int32_t *stack = emb_alloc(8 * MAX_DEPTH + 8, sizeof *stack);
#pragma omp for schedule(dynamic, 256)
		for (i = 0; i < n; i++) {
			double acc[3] = { 0, 0, 0 };
			z[i] = visit(&t, i, dof, theta * theta, stack, acc);
			for (size_t k = 0; k < dims; k++)
				R[i * dims + k] = (float)acc[k];
		}
		free(stack);
	}
	for (i = 0; i < n; i++)
		Z += z[i];
	free(z);
	free(t.perm);
	free(t.node);
	return Z;
}
