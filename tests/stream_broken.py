"""Writes the corpus of broken streams into DIR and prints, per file,
"name<TAB>regex of the one-line error emb-info must give"."""
import gzip
import os
import struct
import sys

d = sys.argv[1]
H = b"EMB 1 points\nrows 2\ncols 2\nENDHDR\n"
DATA = struct.pack("<4f", 1, 2, 3, 4)
LAB = b"EMB 1 points\nrows 2\ncols 1\nfields 1 word\nlabelbytes %d\nENDHDR\n"
POINTS3 = b"EMB 1 points\nrows 3\ncols 1\nENDHDR\n" + struct.pack("<3f", 1, 2, 3)


def graph(rows, k, idx, dist=None):
    dist = dist if dist is not None else [0.5] * len(idx)
    return (b"EMB 1 graph\nrows %d\nk %d\nENDHDR\n" % (rows, k) +
            struct.pack("<%di" % len(idx), *idx) + struct.pack("<%df" % len(idx), *dist))


cases = [
    ("bad-magic", b"XMB 1 points\nrows 2\ncols 2\nENDHDR\n" + DATA, "not an emb stream"),
    ("not-emb-text", b"king 0.1 0.2\nqueen 0.3 0.4\n", "not an emb stream"),
    ("unknown-version", b"EMB 2 points\nrows 2\ncols 2\nENDHDR\n" + DATA, "unsupported format version 2"),
    ("unknown-kind", b"EMB 1 pictures\nrows 2\ncols 2\nENDHDR\n" + DATA, "unknown frame kind 'pictures'"),
    ("unknown-key", b"EMB 1 points\nrows 2\ncols 2\ncolour red\nENDHDR\n" + DATA, "unknown or repeated header key 'colour'"),
    ("repeated-key", b"EMB 1 points\nrows 2\nrows 2\ncols 2\nENDHDR\n" + DATA, "repeated header key 'rows'"),
    ("header-truncated", b"EMB 1 points\nrows 2\nco", "truncated header"),
    ("header-no-end", b"EMB 1 points\nrows 2\ncols 2\n", "truncated header"),
    ("nul-in-header", b"EMB 1 points\nrows 2\0\ncols 2\nENDHDR\n" + DATA, "control byte 0x00 in header"),
    ("no-cols", b"EMB 1 points\nrows 2\nENDHDR\n" + DATA, "header has no cols"),
    ("zero-cols", b"EMB 1 points\nrows 2\ncols 0\nENDHDR\n", "zero columns"),
    ("bad-number", b"EMB 1 points\nrows -2\ncols 2\nENDHDR\n" + DATA, "rows: not a number"),
    ("rows-overflow-64", b"EMB 1 points\nrows 99999999999999999999999\ncols 2\nENDHDR\n", "rows: .*(too large|over the limit)"),
    ("rows-over-limit", b"EMB 1 points\nrows 4294967296\ncols 4294967296\nENDHDR\n", "rows: 4294967296 is over the limit"),
    ("payload-over-limit", b"EMB 1 points\nrows 2147483647\ncols 1048576\nENDHDR\n", "over the limit"),
    ("data-truncated", H + DATA[:12], "truncated"),
    ("far-more-announced", b"EMB 1 points\nrows 1000000\ncols 1000\nENDHDR\n" + DATA, "truncated"),
    ("second-frame-truncated", H + DATA + b"EMB 1 poi", "frame 2: truncated header"),
    ("garbage-after-frame", H + DATA + b"x", "frame 2: truncated header|frame 2: not an emb stream"),
    ("labels-truncated", LAB % 6 + DATA[:8] + b"ab\0c", "truncated"),
    ("labels-too-few", LAB % 3 + DATA[:8] + b"ab\0", "labelbytes 3 cannot hold|1 labels for 2 rows"),
    ("labels-no-nul-end", LAB % 5 + DATA[:8] + b"ab\0cd", "do not end with a NUL"),
    ("labels-too-many", LAB % 6 + DATA[:8] + b"a\0b\0c\0", "more than 2 labels"),
    ("label-too-long", LAB % 5002 + DATA[:8] + b"a" * 5000 + b"\0\0", "longer than 4096 bytes"),
    ("fields-no-labelbytes", b"EMB 1 points\nrows 2\ncols 1\nfields 1 w\nENDHDR\n" + DATA[:8], "fields without labelbytes"),
    ("fields-count", b"EMB 1 points\nrows 2\ncols 1\nfields 2 w\nlabelbytes 4\nENDHDR\n" + DATA[:8] + b"a\0b\0", "2 names announced, 1 given"),
    ("escape-nul", b"EMB 1 points\nrows 2\ncols 2\nmeta a b%00\nENDHDR\n" + DATA, "bad %-escape in meta value"),
    ("escape-short", b"EMB 1 points\nrows 2\ncols 2\nmeta a b%4\nENDHDR\n" + DATA, "bad %-escape in meta value"),
    ("header-line-65536", b"EMB 1 points\nrows 2\ncols 2\nmeta a " + b"x" * 65529 + b"\nENDHDR\n" + DATA, "header line longer than 65535 bytes"),
    ("header-over-1MiB", b"EMB 1 points\nrows 2\ncols 2\n" + b"".join(b"meta k%03d " % i + b"v" * 4096 + b"\n" for i in range(256)) + b"ENDHDR\n" + DATA, "header longer than 1048576 bytes"),
    ("meta-257", b"EMB 1 points\nrows 2\ncols 2\n" + b"".join(b"meta k%03d v\n" % i for i in range(257)) + b"ENDHDR\n" + DATA, "more than 256 meta lines"),
    ("meta-twice", b"EMB 1 points\nrows 2\ncols 2\nmeta a 1\nmeta a 2\nENDHDR\n" + DATA, "meta: key 'a' given twice"),
    ("meta-value-4097", b"EMB 1 points\nrows 2\ncols 2\nmeta a " + b"%41" * 4097 + b"\nENDHDR\n" + DATA, "meta: value longer than 4096 bytes"),
    ("meta-key-65", b"EMB 1 points\nrows 2\ncols 2\nmeta " + b"k" * 65 + b" v\nENDHDR\n" + DATA, "meta: bad key"),
    ("meta-key-c1", b"EMB 1 points\nrows 2\ncols 2\nmeta a\xc2\x9b2J v\nENDHDR\n" + DATA, r"meta: bad key 'a\\xc2\\x9b2J'$"),
    ("kind-c1", b"EMB 1 p\xc2\x9bts\nrows 2\ncols 2\nENDHDR\n" + DATA, r"unknown frame kind 'p\\xc2\\x9bts'$"),
    ("meta-key-char", b"EMB 1 points\nrows 2\ncols 2\nmeta a/b v\nENDHDR\n" + DATA, "meta: bad key"),
    ("fields-65", b"EMB 1 points\nrows 1\ncols 1\nfields 65" + b" f" * 65 + b"\nlabelbytes 65\nENDHDR\n" + DATA[:4] + b"\0" * 65, "fields: 65 is over the limit of 64"),
    ("field-name-257", b"EMB 1 points\nrows 1\ncols 1\nfields 1 " + b"n" * 257 + b"\nlabelbytes 1\nENDHDR\n" + DATA[:4] + b"\0", "field name longer than 256 bytes"),
    ("field-twice", b"EMB 1 points\nrows 1\ncols 1\nfields 2 a a\nlabelbytes 2\nENDHDR\n" + DATA[:4] + b"\0\0", "fields: 'a' given twice"),
    ("cols-over-limit", b"EMB 1 points\nrows 1\ncols 1048577\nENDHDR\n", "cols: 1048577 is over the limit"),
    ("k-over-limit", POINTS3 + b"EMB 1 graph\nrows 3\nk 4097\nENDHDR\n", "k: 4097 is over the limit"),
    ("number-plus", b"EMB 1 points\nrows +2\ncols 2\nENDHDR\n" + DATA, "rows: not a number"),
    ("number-space", b"EMB 1 points\nrows 2 \ncols 2\nENDHDR\n" + DATA, "rows: not a number"),
    ("bad-escape", b"EMB 1 points\nrows 2\ncols 2\nmeta a b%zz\nENDHDR\n" + DATA, "bad %-escape"),
    ("graph-first", graph(3, 1, [1, 2, 0]), "graph frame without a points frame"),
    ("graph-index-range", POINTS3 + graph(3, 1, [1, 7, 0]), "neighbour index 7 of row 1 is out of range"),
    ("graph-negative-index", POINTS3 + graph(3, 1, [1, -1, 0]), "out of range"),
    ("graph-row-mismatch", POINTS3 + graph(4, 1, [1, 2, 3, 0]), "graph frame has 4 rows, its points frame 3"),
    ("graph-self", POINTS3 + graph(3, 2, [1, 2, 0, 1, 0, 2], [0, 1, 0, 1, 0, 1]), "frame 2: row 1 is listed as its own neighbour$"),
    ("graph-nan", POINTS3 + graph(3, 2, [1, 2, 0, 2, 0, 1], [0, 1, 0, float("nan"), 0, 1]), "frame 2: row 1: neighbour 1 has a NaN distance$"),
    ("graph-unsorted", POINTS3 + graph(3, 2, [1, 2, 0, 2, 0, 1], [0, 1, 0, 1, 2, 1]), "frame 2: row 2: distances are not in ascending order"),
    ("graph-k-too-big", POINTS3 + graph(3, 3, [1] * 9), "k = 3 with 3 rows"),
    ("gzip-corrupt", gzip.compress(H + DATA)[:10] + b"\xff" * 30, ": bad gzip data: "),
    ("gzip-crc", gzip.compress(H + DATA)[:-8] + b"\0\0\0\0" + gzip.compress(H + DATA)[-4:], ": bad gzip data: incorrect data check$"),
    ("gzip-truncated", gzip.compress(H + DATA)[:-12], ": truncated gzip stream$"),
    # cut after the frame's last byte, before the member's trailer
    ("gzip-cut-at-frame-end", gzip.compress(H + DATA)[:-1], ": truncated gzip stream$"),
    ("gzip-cut-second-member", gzip.compress(H + DATA) + gzip.compress(H + DATA)[:-8], ": truncated gzip stream$"),
    ("gzip-magic-only", b"\037\213", ": truncated gzip stream$"),
    ("gzip-magic-after-member", gzip.compress(H + DATA) + b"\037\213", ": truncated gzip stream$"),
    ("gzip-trailing-garbage", gzip.compress(H + DATA) + b"EMB 1 points\n", ": trailing garbage after gzip data$"),
    ("gzip-trailing-zeros", gzip.compress(H + DATA) + b"\0" * 512, ": trailing garbage after gzip data$"),
]
for name, data, pat in cases:
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    print("%s\t%s" % (name, pat))
