/* emb-plot: what its files share. */
#include <stdint.h>
#include <stdio.h>

#include "emb.h"

#define MAX_TEXT	80	/* characters of a label, legend entry or hover text */
#define MAX_TITLE	160	/* characters of a title */
#define MAX_CLASSES	20	/* legend entries: 19 classes and "other" beyond this */

/* Extra substitutions a terminal needs, beyond what text_clean always does. */
#define TEXT_SVG	1u	/* svg: "&#" is passed through raw, so break it */
#define TEXT_HTML	2u	/* canvas: text lands in <script> and JS strings */
#define TEXT_HOVER	4u	/* svg hypertext: a JS string inside an XML attribute */

enum term_id { T_DUMB, T_GIF, T_HTML, T_PDF, T_PNG, T_QT, T_SIXEL, T_SVG, T_WXT, T_X11 };

struct term {
	const char	*name;		/* -T */
	const char	*gpname;	/* gnuplot's name for it */
	enum term_id	 id;
	int		 tofile;	/* writes bytes that -o can redirect */
	int		 hover;		/* hypertext labels */
	int		 cells;		/* size in characters */
	int		 defw, defh;
	unsigned	 textflags;
};

struct opts {
	const struct term *term;
	const char	*output;	/* -o */
	int		 width, height;	/* -s, or from the terminal */
	const char	*title;		/* NULL: made from the metadata */
	int		 col[3];	/* -x -y -z, 0-based; -1: not given */
	int		 dim;		/* 2 or 3, once the frame is known */
	int		 view;
	double		 rot, tilt;
	const char	*colour;	/* -c */
	int		 path;
	long long	 nlabels;	/* -L: -1 none */
	const char	*label_match;
	int		 all_labels;
	const char	*label_field;
	const char	*highlight;
	const char	*arrows;
	int		 density;
	int		 animate;
	const char	*jsdir;
	int		 heatmap;	/* --similarity, --matrix: HEAT_*; 0: none */
};

/* One picture's points: the chosen columns of a points frame. */
struct view {
	const struct emb_frame *f;
	size_t		 n;
	int		 dim;
	float		*p;		/* n x dim */
	int		 textfield;	/* label field for text; -1: none */
	int		 cfield;	/* label field to colour by; -1: none */
	double		 lo[3], hi[3];	/* axis ranges, padded */
};

enum colour_mode { CM_NONE, CM_CLASS, CM_VALUE };

struct colouring {
	enum colour_mode mode;
	const char	*field;		/* name shown in the legend or colour box */
	int		 fieldno;	/* -1: row index */
	/* CM_CLASS: the legend; names are raw label bytes */
	size_t		 nclass;
	char		**name;
	uint32_t	*rgb;
	size_t		 folded;	/* classes folded into "other" (the last entry) */
	struct classtab	*tab;
	/* CM_VALUE */
	double		 lo, hi;
};

/* The picture's geometry as emb-plot expects gnuplot to lay it out. */
struct layout {
	double		 w, h;			/* canvas, device units */
	double		 x0, x1, y0, y1;	/* plot area */
	double		 cw, ch;		/* a label character */
	double		 xmax;			/* labels may reach this far right */
	double		 ps, alpha;		/* point size, opacity */
	int		 fontsize, labelsize;
};

struct labelset {
	size_t		*rows;		/* text labels that survived overlap removal */
	size_t		 n;
	size_t		*hl;		/* --highlight rows and arrow ends */
	unsigned char	*hlshow;	/* their labels that survived overlap removal */
	signed char	*hlside;	/* label right (1) or left (-1) of the point */
	size_t		 nhl;
	size_t		(*arrow)[2];	/* --arrows: from and to rows */
	size_t		 narrows;
};

/* text.c */
size_t	 text_clean(char *out, size_t cap, const char *in, size_t maxchars, unsigned flags);
size_t	 text_width(const char *clean);
void	 text_wrap(char *clean, size_t width);
void	 gp_string(FILE *, const char *clean);
char	*gp_string_buf(char *out, const char *clean);
void	 safe_err(const char *what, const char *s) __attribute__((noreturn));

/* numfmt.c */
char	*fmt_float(char *p, float v);
char	*fmt_uint(char *p, unsigned long long v);
void	 fmt_thousands(char *buf, size_t cap, unsigned long long v);
void	 range_tidy(double lo, double hi, double *rlo, double *rhi);

/* term.c */
const struct term *term_find(const char *name);
const struct term *term_for_file(const char *path);
void	 term_size(struct opts *);
void	 layout_init(struct layout *, const struct opts *, const struct view *,
	    const struct colouring *, int has_title);

/* colour.c */
void	 colour_setup(struct colouring *, const struct opts *, const struct emb_frame *);
uint32_t colour_row(const struct colouring *, const struct view *, size_t row);
void	 colour_free(struct colouring *);
void	 no_field(const char *opt, const struct emb_frame *, const char *name)
	    __attribute__((noreturn));
extern const char *const viridis[17];

/* title.c */
char	*title_from_meta(const struct emb_frame *);

/* labels.c */
void	 labels_select(struct labelset *, const struct opts *, const struct view *,
	    const struct layout *);
void	 labels_free(struct labelset *);
void	 project(const struct view *, const struct opts *, const struct layout *,
	    size_t row, double *px, double *py);

/* density.c */
void	 density_write(FILE *, const char *name, const struct view *, const struct layout *,
	    const struct opts *, unsigned long long *maxcount);

/* heatmap.c */
#define HEAT_BINS	512	/* cells along an axis; more rows or columns are averaged */
#define HEAT_BINS_HTML	128	/* the same for -T html */
enum { HEAT_SIMILARITY = 1, HEAT_MATRIX };
void	 heatmap_opts(const struct opts *);
void	 heatmap_main(const struct opts *, struct emb_frame *f);

/* script.c */
void	 script_begin(FILE *, const struct opts *);
void	 script_frame(FILE *, const struct opts *, struct view *,
	    const struct colouring *, const char *title, int frameno);
void	 script_end(FILE *, const struct opts *);
