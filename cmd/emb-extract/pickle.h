/*
 * pickle.c: the objects of a PyTorch checkpoint's data.pkl, as a tree of
 * nodes indexed by number.  Only what tensor checkpoints hold exists here.
 */
#ifndef PICKLE_H
#define PICKLE_H

enum pktype {
	PK_NONE, PK_BOOL, PK_INT, PK_FLOAT, PK_STR, PK_TUPLE, PK_LIST, PK_DICT,
	PK_GLOBAL, PK_STORAGE, PK_TENSOR
};

struct pkval {
	int	 type;
	int	 sub;		/* GLOBAL: index in the allow-list; STORAGE: its dtype */
	int64_t	 i;		/* INT, BOOL; STORAGE: elements; TENSOR: storage offset */
	uint32_t off, len;	/* STR, STORAGE key: bytes of the pickle */
	uint32_t first, last;	/* TUPLE, LIST, DICT: cells; TENSOR: storage, size */
	uint32_t n;		/* cells; TENSOR: stride */
};

struct pkcell {
	uint32_t val, next;	/* a DICT's cells alternate keys and values */
};

#define PK_END	UINT32_MAX	/* no next cell */

struct pickle {
	struct job *j;
	const char *name;	/* "file: archive/data.pkl" */
	const unsigned char *s;
	size_t	 len;
	struct pkval *v;
	size_t	 nv;
	struct pkcell *c;
	size_t	 nc;
};

/* The storage types a persistent id may name, and what their elements are. */
struct pkdtype {
	const char *global;	/* torch.FloatStorage */
	const char *name;	/* float32, as torch calls it */
	char	 kind;		/* as struct dtype; 0: listed, not extracted */
	int	 size;
};
extern const struct pkdtype pk_dtypes[];

uint32_t pickle_run(struct pickle *);	/* the root object */

#endif
