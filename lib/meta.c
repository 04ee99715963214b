#include <stdlib.h>
#include <string.h>

#include "emb.h"

const char *
emb_meta_get(const struct emb_frame *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nmeta; i++)
		if (strcmp(f->meta[i].key, key) == 0)
			return f->meta[i].val;
	return NULL;
}

static int
valid_key(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > EMB_MAX_METAKEY)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		    (*k >= '0' && *k <= '9') || *k == '_' || *k == '.' || *k == '-'))
			return 0;
	return 1;
}

void
emb_meta_set(struct emb_frame *f, const char *key, const char *fmt, ...)
{
	char buf[EMB_MAX_METAVAL + 1];
	va_list ap;
	size_t i;

	if (!valid_key(key))
		emb_err(NULL, "invalid metadata key '%s'", emb_quote(key));
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);	/* longer values are cut at the limit */
	va_end(ap);
	for (i = 0; i < f->nmeta; i++)
		if (strcmp(f->meta[i].key, key) == 0) {
			free(f->meta[i].val);
			f->meta[i].val = emb_strdup(buf);
			return;
		}
	if (f->nmeta >= EMB_MAX_META)
		emb_err(NULL, "more than %d metadata entries", EMB_MAX_META);
	f->meta = emb_realloc(f->meta, f->nmeta + 1, sizeof *f->meta);
	f->meta[f->nmeta].key = emb_strdup(key);
	f->meta[f->nmeta].val = emb_strdup(buf);
	f->nmeta++;
}

void
emb_meta_copy(struct emb_frame *dst, const struct emb_frame *src)
{
	size_t i;

	for (i = 0; i < src->nmeta; i++)
		emb_meta_set(dst, src->meta[i].key, "%s", src->meta[i].val);
}
