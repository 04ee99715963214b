/*
 * NumPy .npz: a zip of .npy files, stored (np.savez) or deflated
 * (np.savez_compressed), with zip64 records as numpy writes them.  The
 * central directory is the table of contents; each entry's local header
 * must agree with it, and its data must have the size and CRC it says.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"

static uint16_t
le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static uint64_t
le64(const unsigned char *p)
{
	return emb_get_le32(p) | (uint64_t)emb_get_le32(p + 4) << 32;
}

/* n bytes at off of the zip file, which must be there. */
static void
zread(struct zip *z, uint64_t off, void *buf, size_t n, const char *what)
{
	ssize_t got;

	if (off > z->size || n > z->size - off)
		emb_err(z->name, "byte %llu: truncated %s", (unsigned long long)off,
		    what);
	if (z->in->fd < 0) {
		memcpy(buf, z->in->mem + off, n);
		return;
	}
	got = pread(z->in->fd, buf, n, z->in->start + (off_t)off);
	if (got != (ssize_t)n)
		emb_err(z->name, "byte %llu: cannot read the %s", (unsigned long long)off,
		    what);
}

static void
end_record(struct zip *z, uint64_t *count, uint64_t *cdsize)
{
	unsigned char tail[65536 + 22], *p, rec[56];
	size_t n = z->size < sizeof tail ? z->size : sizeof tail, i;
	uint64_t at, loc;

	zread(z, z->size - n, tail, n, "zip end record");
	for (i = n >= 22 ? n - 22 + 1 : 0; i-- > 0;)
		if (memcmp(tail + i, "PK\5\6", 4) == 0 &&
		    i + 22 + le16(tail + i + 20) == n)
			break;
	if (n < 22 || i == (size_t)-1)
		emb_err(z->name, "not a zip file (no end of central directory record)");
	p = tail + i;
	at = z->size - n + i;
	if (le16(p + 4) != 0 || le16(p + 6) != 0)
		emb_err(z->name, "byte %llu: multi-disk zip files are not supported",
		    (unsigned long long)at);
	*count = le16(p + 10);
	*cdsize = emb_get_le32(p + 12);
	z->cdoff = emb_get_le32(p + 16);
	if (*count == 0xffff || *cdsize == 0xffffffff || z->cdoff == 0xffffffff) {
		if (at < 20)
			emb_err(z->name, "byte %llu: no zip64 end record locator",
			    (unsigned long long)at);
		zread(z, at - 20, rec, 20, "zip64 locator");
		if (memcmp(rec, "PK\6\7", 4) != 0)
			emb_err(z->name, "byte %llu: no zip64 end record locator",
			    (unsigned long long)at - 20);
		loc = le64(rec + 8);
		zread(z, loc, rec, 56, "zip64 end record");
		if (memcmp(rec, "PK\6\6", 4) != 0)
			emb_err(z->name, "byte %llu: bad zip64 end record",
			    (unsigned long long)loc);
		*count = le64(rec + 32);
		*cdsize = le64(rec + 40);
		z->cdoff = le64(rec + 48);
		at = loc;
	}
	if (z->cdoff > at || *cdsize > at - z->cdoff)
		emb_err(z->name, "byte %llu: the central directory (%llu bytes at %llu) "
		    "is not before the end record", (unsigned long long)at,
		    (unsigned long long)*cdsize, (unsigned long long)z->cdoff);
	if (*count > *cdsize / 46)
		emb_err(z->name, "byte %llu: %llu entries cannot fit in a central "
		    "directory of %llu bytes", (unsigned long long)at,
		    (unsigned long long)*count, (unsigned long long)*cdsize);
}

/* The zip64 extra field gives the sizes and offset that are 0xffffffff. */
static void
zip64_extra(struct zip *z, struct entry *e, const unsigned char *x, size_t len,
    uint64_t at)
{
	size_t i, sz, k;

	for (i = 0; i + 4 <= len; i += 4 + sz) {
		sz = le16(x + i + 2);
		if (i + 4 + sz > len)
			emb_err(z->name, "byte %llu: bad extra field", (unsigned long long)at);
		if (le16(x + i) != 1)
			continue;
		k = i + 4;
		if (e->usize == 0xffffffff) {
			if (k + 8 > i + 4 + sz)
				goto bad;
			e->usize = le64(x + k);
			k += 8;
		}
		if (e->csize == 0xffffffff) {
			if (k + 8 > i + 4 + sz)
				goto bad;
			e->csize = le64(x + k);
			k += 8;
		}
		if (e->lho == 0xffffffff) {
			if (k + 8 > i + 4 + sz)
				goto bad;
			e->lho = le64(x + k);
		}
		return;
	}
	return;
bad:
	emb_err(z->name, "byte %llu: zip64 extra field too short", (unsigned long long)at);
}

void
zip_directory(struct job *j, struct zip *z)
{
	uint64_t count, cdsize, at, i;
	unsigned char *cd, *p;
	char *names;
	size_t nlen, xlen, clen, pos = 0;

	end_record(z, &count, &cdsize);
	free(j->hdr);
	j->hdr = cd = emb_alloc(cdsize + 1, 1);
	zread(z, z->cdoff, cd, cdsize, "central directory");
	/* the entries, then their names: no more room than the directory took */
	j->aux = emb_alloc(emb_mul(count, sizeof *z->e) + cdsize + 1, 1);
	z->e = j->aux;
	names = (char *)(z->e + count);
	z->n = count;
	for (i = 0, p = cd; i < count; i++) {
		at = z->cdoff + (p - cd);
		if ((size_t)(p - cd) + 46 > cdsize || memcmp(p, "PK\1\2", 4) != 0)
			emb_err(z->name, "byte %llu: bad central directory entry %llu",
			    (unsigned long long)at, (unsigned long long)i + 1);
		nlen = le16(p + 28);
		xlen = le16(p + 30);
		clen = le16(p + 32);
		if ((size_t)(p - cd) + 46 + nlen + xlen + clen > cdsize)
			emb_err(z->name, "byte %llu: central directory entry %llu runs "
			    "past the directory", (unsigned long long)at,
			    (unsigned long long)i + 1);
		z->e[i].flags = le16(p + 8);
		z->e[i].method = le16(p + 10);
		z->e[i].crc = emb_get_le32(p + 16);
		z->e[i].csize = emb_get_le32(p + 20);
		z->e[i].usize = emb_get_le32(p + 24);
		z->e[i].lho = emb_get_le32(p + 42);
		zip64_extra(z, &z->e[i], p + 46 + nlen, xlen, at);
		memcpy(names + pos, p + 46, nlen);
		names[pos + nlen] = '\0';
		z->e[i].name = names + pos;
		pos += nlen + 1;
		p += 46 + nlen + xlen + clen;
	}
	free(j->hdr);
	j->hdr = NULL;
}

/* The entry's name without ".npy", as np.load's keys are. */
static void
array_name(const struct entry *e, char *buf, size_t size)
{
	size_t n = strlen(e->name);

	if (n >= 4 && strcmp(e->name + n - 4, ".npy") == 0)
		n -= 4;
	snprintf(buf, size, "%.*s", (int)n, e->name);
}

static struct entry *
choose(struct job *j, struct zip *z)
{
	char buf[300], list[400];
	size_t i, n = 0;

	for (i = 0; i < z->n; i++) {
		array_name(&z->e[i], buf, sizeof buf);
		if (j->o->tensor != NULL && (strcmp(j->o->tensor, buf) == 0 ||
		    strcmp(j->o->tensor, z->e[i].name) == 0))
			return &z->e[i];
	}
	if (j->o->tensor != NULL)
		emb_err(z->name, "no array '%s' (--list shows them)",
		    emb_quote(j->o->tensor));
	if (z->n == 1)
		return &z->e[0];
	if (z->n == 0)
		emb_err(z->name, "the zip holds no arrays");
	list[0] = '\0';
	for (i = 0; i < z->n && n < 300; i++) {
		array_name(&z->e[i], buf, sizeof buf);
		n += snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
		    emb_quote_n(buf, strlen(buf) < 60 ? strlen(buf) : 60));
	}
	emb_err(z->name, "%zu arrays, choose one with -t: %s%s", z->n, list,
	    i < z->n ? ", ..." : "");
}

/* The entry's data as an input, checked against its local header. */
struct input *
zip_open_entry(struct job *j, struct zip *z, struct entry *e)
{
	unsigned char lh[30];
	char name[400], lname[300];
	uint64_t data;
	size_t nlen, xlen;

	if (e->flags & 1)
		emb_err(z->name, "entry '%s' is encrypted", emb_quote(e->name));
	if (e->method != 0 && e->method != 8)
		emb_err(z->name, "entry '%s': compression method %d is not "
		    "supported (stored or deflated)", emb_quote(e->name), e->method);
	zread(z, e->lho, lh, 30, "local header");
	if (memcmp(lh, "PK\3\4", 4) != 0)
		emb_err(z->name, "byte %llu: no local header for entry '%s'",
		    (unsigned long long)e->lho, emb_quote(e->name));
	nlen = le16(lh + 26);
	xlen = le16(lh + 28);
	if (nlen != strlen(e->name) || nlen >= sizeof lname)
		emb_err(z->name, "byte %llu: the local header's name differs from the "
		    "directory's '%s'", (unsigned long long)e->lho, emb_quote(e->name));
	zread(z, e->lho + 30, lname, nlen, "local header");
	if (memcmp(lname, e->name, nlen) != 0 || le16(lh + 8) != e->method)
		emb_err(z->name, "byte %llu: the local header of '%s' differs from "
		    "the directory", (unsigned long long)e->lho, emb_quote(e->name));
	data = e->lho + 30 + nlen + xlen;
	if (data > z->cdoff || e->csize > z->cdoff - data)
		emb_err(z->name, "byte %llu: entry '%s' (%llu bytes) runs into the "
		    "central directory", (unsigned long long)data, emb_quote(e->name),
		    (unsigned long long)e->csize);
	if (e->method == 0 && e->csize != e->usize)
		emb_err(z->name, "entry '%s': stored, but its sizes differ (%llu "
		    "and %llu)", emb_quote(e->name), (unsigned long long)e->csize,
		    (unsigned long long)e->usize);
	snprintf(name, sizeof name, "%s: %s", z->name, emb_quote(e->name));
	in_close(j->sub);
	j->sub = NULL;
	j->sub = in_range(z->in, data, e->csize, e->method == 8, name);
	j->sub->crc_on = 1;
	return j->sub;
}

/* The rest of the entry: all of it must be there, with the right CRC. */
static void
close_entry(struct job *j, struct entry *e, const struct array *a, uint64_t hdrlen)
{
	struct input *in = j->sub;
	uint64_t total;

	in_skip(in, UINT64_MAX);
	total = in_tell(in);
	if (total != e->usize)
		emb_err(in->name, "%llu bytes of data, the zip directory says %llu",
		    (unsigned long long)total, (unsigned long long)e->usize);
	if (in->crc != e->crc)
		emb_err(in->name, "CRC-32 is %08lx, the zip directory says %08lx",
		    (unsigned long)in->crc, (unsigned long)e->crc);
	if (in->zmode && (in->rawpos != in->rawlimit || in->z.avail_in != 0))
		emb_err(in->name, "the deflate data ends before its %llu bytes",
		    (unsigned long long)e->csize);
	if (hdrlen + a->nbytes != total)
		emb_err(in->name, "byte %llu: the npy header announces %llu bytes of "
		    "data, the entry has %llu", (unsigned long long)hdrlen,
		    (unsigned long long)a->nbytes, (unsigned long long)(total - hdrlen));
}

void
npz_read(struct job *j, struct input *in, int list)
{
	struct zip z = { 0 };
	struct entry *e;
	struct input *sub;
	struct array a;
	uint64_t hdrlen;
	char s[256];
	size_t i;

	if (in_fill(in, 4) < 4 || (memcmp(in_ptr(in), "PK\3\4", 4) != 0 &&
	    memcmp(in_ptr(in), "PK\5\6", 4) != 0))
		emb_err(in->name, "not a zip file (no PK magic)");
	/* the directory is at the end */
	if (!in->regular || in_compressed(in))
		in = j->whole = in_spool(in);
	z.name = in->name;
	z.in = in;
	z.size = in->rawsize;
	zip_directory(j, &z);
	if (list) {
		for (i = 0; i < z.n; i++) {
			sub = zip_open_entry(j, &z, &z.e[i]);
			npy_header(j, sub, &a);
			array_name(&z.e[i], s, sizeof s);
			emb_put_tsv(stdout, s);
			emb_printf(stdout, "\t%s\t", a.dt.name);
			array_shape_string(&a, s, sizeof s);
			emb_printf(stdout, "%s\n", s);
		}
		return;
	}
	e = choose(j, &z);
	array_name(e, s, sizeof s);
	j->tensor = emb_strdup(s);
	sub = zip_open_entry(j, &z, e);
	npy_header(j, sub, &a);
	hdrlen = in_tell(sub);
	if (e->method == 0 && hdrlen + a.nbytes != e->usize) {
		array_shape_string(&a, s, sizeof s);
		emb_err(sub->name, "byte %llu: shape %s of %s needs %llu bytes of data, "
		    "the entry has %llu", (unsigned long long)hdrlen, s, emb_quote(a.dt.name),
		    (unsigned long long)a.nbytes,
		    (unsigned long long)(e->usize - hdrlen));
	}
	array_extract(j, sub, &a);
	close_entry(j, e, &a, hdrlen);
}
