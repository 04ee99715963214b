# emb-extract on malformed files: one line naming the file and the place
# (line for text, byte for binary), exit 1, and nothing on stdout that could
# pass for a complete frame.
. "$(dirname "$0")/lib.sh"
F=$ROOT/tests/fixtures/extract

if ! need_py numpy; then
	skip_required "emb-extract bad input" "no numpy for $PY"
	exit 0
fi

# bad PATTERN NAME CMD...: fails with one line matching PATTERN, no complete frame out
bad() {
	pat=$1 n=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ -s "$T/out" ] && emb-info "$T/out" >/dev/null 2>&1; then
		notok "$n (a complete frame was written)"
	elif [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && grep -Eq -- "$pat" "$T/err"; then
		ok "$n"
	else
		notok "$n (exit $rc; stderr: $(head -c 300 "$T/err" | tr '\n' '|'))"
	fi
}
piped() { f=$1; shift; cat "$f" | emb-extract "$@"; }

# the bad files, made from good ones
T=$T F=$F "$PY" - <<'EOF' || notok "making the bad files"
import gzip, json, os, struct, zlib
import numpy as np
T, F = os.environ["T"], os.environ["F"]

def w(name, data):
    open(os.path.join(T, name), "wb").write(data)

glove = gzip.open(os.path.join(F, "glove30.txt.gz")).read().split(b"\n")[:6]
def gl(i, line):
    g = list(glove)
    g[i] = line
    return b"\n".join(g) + b"\n"
row = glove[2].split(b" ")
w("short.txt", gl(2, b" ".join(row[:-1])))
w("long.txt", gl(2, b" ".join(row + [b"0.5"])))
w("notnum.txt", gl(1, b" ".join(glove[1].split(b" ")[:5] + [b"abc"] + glove[1].split(b" ")[6:])))
w("nan.txt", gl(3, b" ".join(row[:10] + [b"nan"] + row[11:])))
w("inf.txt", gl(3, b" ".join(row[:10] + [b"-Infinity"] + row[11:])))
w("range.txt", gl(3, b" ".join(row[:10] + [b"1e39"] + row[11:])))
w("blank.txt", gl(2, b""))
w("nul.txt", gl(1, b"a\0b" + glove[1][glove[1].index(b" "):]))
w("w2v_fewer.txt", b"5 3\na 1 2 3\nb 4 5 6\nc 7 8 9\nd 1 1 1\n")
w("w2v_more.txt", b"2 3\na 1 2 3\nb 4 5 6\nc 7 8 9\n")
w("w2v_cols.txt", b"3 4\na 1 2 3 4\nb 4 5 6 7 8\nc 7 8 9 1\n")
w("w2v_header.txt", b"3 x\na 1 2 3\n")
w("empty_field.csv", b"1,2,3\n4,,6\n")
w("ragged.tsv", b"1\t2\t3\n4\t5\t6\n7\t8\n")
full = gzip.compress(b"\n".join(glove) + b"\n", mtime=0)
w("trunc.txt.gz", full[:len(full) // 2])
w("corrupt.txt.gz", full[:40] + bytes(b ^ 0x55 for b in full[40:60]) + full[60:])
w("labels11.txt", b"".join(b"w%d\n" % i for i in range(11)))
w("labels_ragged.tsv", b"word\tclass\na\tx\nb\n")

X = np.arange(40, dtype="<f4").reshape(5, 8)
good = open(os.path.join(F, "np_f4_le.npy"), "rb").read()   # (20, 8) <f4
hl = struct.unpack("<H", good[8:10])[0]
head, data = good[:10 + hl], good[10 + hl:]
def npy(hdr, data, version=1):
    h = hdr.encode() if isinstance(hdr, str) else hdr
    pad = -(10 + len(h) + 1) % 64
    h = h + b" " * pad + b"\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<H", len(h)) + h + data
w("badmagic.npy", b"\x93NUMPZ" + good[6:])
w("version4.npy", good[:6] + b"\x04\x00" + good[8:])
w("hlen.npy", good[:8] + struct.pack("<H", 60000) + good[10:200])
w("shape_lies.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (21, 8), }", data))
w("dtype_lies.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (20, 8), }", data))
w("extra.npy", good + b"\0\0\0\0")
w("complex.npy", npy("{'descr': '<c8', 'fortran_order': False, 'shape': (20, 4), }", data))
w("struct.npy", npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (20, 8), }", data))
w("oned.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (160,), }", data))
w("nokey.npy", npy("{'descr': '<f4', 'shape': (20, 8), }", data))
w("garbled.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (20, 8]", data))
nan = bytearray(data); nan[4 * 13:4 * 14] = struct.pack("<f", float("nan"))
w("nan.npy", head + bytes(nan))
w("huge.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2000000000, 1000), }", data))
w("huge_cols.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (20, 2000000), }", data))

z = bytearray(open(os.path.join(F, "np_stored.npz"), "rb").read())
i = z.index(b"\x93NUMPY")
crc = bytearray(z); crc[i + 200] ^= 1
w("crc.npz", bytes(crc))
cd = z.rindex(b"PK\x01\x02")       # the last entry's directory record: sizes at +20, +24
sizes = bytearray(z); sizes[cd + 20:cd + 28] = struct.pack("<II", 10 ** 6, 10 ** 6)
w("sizes.npz", bytes(sizes))
small = bytearray(z)
for at in (z.index(b"PK\x01\x02"),):
    csize = struct.unpack("<I", small[at + 20:at + 24])[0]
    if csize != 0xFFFFFFFF:
        small[at + 20:at + 28] = struct.pack("<II", csize - 8, csize - 8)
w("small.npz", bytes(small))
d = bytearray(open(os.path.join(F, "np_deflated.npz"), "rb").read())
j = d.index(b"emb.npy") + len(b"emb.npy") + 20 + 40
d[j:j + 30] = bytes(30)
w("deflate.npz", bytes(d))
w("trunc.npz", bytes(z[:len(z) - 30]))

def st(tensors, meta=None, raw=None, hlen=None):
    h = {}
    if meta:
        h["__metadata__"] = meta
    h.update(tensors)
    hb = json.dumps(h).encode()
    hb += b" " * (-len(hb) % 8)
    return struct.pack("<Q", hlen if hlen is not None else len(hb)) + hb + (raw or b"")
raw = np.arange(12, dtype="<f4").tobytes()
t = lambda b, e, shape=(3, 4), dt="F32": {"dtype": dt, "shape": list(shape), "data_offsets": [b, e]}
w("st_hlen.safetensors", st({"a": t(0, 48)}, raw=raw, hlen=10 ** 6))
w("st_range.safetensors", st({"a": t(0, 48), "b": t(48, 96)}, raw=raw))
w("st_overlap.safetensors", st({"a": t(0, 48), "b": t(40, 88)}, raw=raw + raw))
w("st_shape.safetensors", st({"a": t(0, 48, (2, 3))}, raw=raw))
w("st_gap.safetensors", st({"a": t(0, 24, (2, 3)), "b": t(32, 56, (2, 3))}, raw=raw + raw))
w("st_json.safetensors", struct.pack("<Q", 16) + b'{"a": {"dtype"::' + raw)
w("st_dtype.safetensors", st({"a": t(0, 48, dt="F128")}, raw=raw))
w("st_two.safetensors", st({"a": t(0, 48), "b": t(48, 96)}, raw=raw + raw))
h16 = np.array([1, 2, np.inf, 4, 5, 6], dtype="<f2").tobytes()
w("st_inf.safetensors", st({"a": t(0, 12, (2, 3), "F16")}, raw=h16))

gb = open(os.path.join(F, "gensim.bin"), "rb").read()   # 83 rows of 16
w("w2v_trunc.bin", gb[:-30])
first = gb.index(b"\n") + 1
rowlen = gb.index(b" ", first) - first + 1 + 64
w("w2v_rows.bin", gb.replace(b"83 16", b"84 16", 1))
w("w2v_after.bin", gb + b"junk 1234")
nb = bytearray(gb); sp = gb.index(b" ", first); nb[sp + 1 + 8:sp + 1 + 12] = struct.pack("<f", float("nan"))
w("w2v_nan.bin", bytes(nb))
w("w2v_noword.bin", b"2 4\n" + b"x" * 70000)
w("w2v_huge.bin", b"2000000000 1000\nw " + bytes(4000))
w("garbage.bin", bytes(range(256)) * 4)
EOF

G=$T
# text
bad "short.txt: line 3: 99 values, expected 100" "GloVe: a short row" emb-extract "$G/short.txt"
bad "long.txt: line 3: 101 values, expected 100" "GloVe: a long row" emb-extract "$G/long.txt"
bad "notnum.txt: line 2, value 5: 'abc' is not a number" "GloVe: not a number" \
    emb-extract "$G/notnum.txt"
bad "nan.txt: line 4, value 10: non-finite value 'nan'" "GloVe: NaN" emb-extract "$G/nan.txt"
bad "inf.txt: line 4, value 10: non-finite value '-Infinity'" "GloVe: infinity" \
    emb-extract "$G/inf.txt"
bad "range.txt: line 4, value 10: '1e39' is out of the float32 range" "GloVe: out of range" \
    emb-extract "$G/range.txt"
bad "blank.txt: line 3: empty line" "GloVe: an empty line inside" emb-extract "$G/blank.txt"
bad "nul.txt: line 2: the word contains a NUL byte" "GloVe: a NUL byte in a word" \
    emb-extract -f glove "$G/nul.txt"
bad "w2v_fewer.txt: line [0-9]+: the header announces 5 rows, the file ends after 4" \
    "word2vec: fewer rows than the header" emb-extract "$G/w2v_fewer.txt"
bad "w2v_more.txt: line 4: more rows than the 2 the header announces" \
    "word2vec: more rows than the header" emb-extract "$G/w2v_more.txt"
bad "w2v_cols.txt: line 3: 5 values, expected 4" "word2vec: a row longer than the header's cols" \
    emb-extract "$G/w2v_cols.txt"
bad "w2v_header.txt: line 1: not a 'rows cols' header" "word2vec: a bad header line" \
    emb-extract -f word2vec "$G/w2v_header.txt"
bad "empty_field.csv: line 2, value 2: '' is not a number" "CSV: an empty field" \
    emb-extract "$G/empty_field.csv"
bad "ragged.tsv: line 3: 2 values, expected 3" "TSV: a short row" emb-extract "$G/ragged.tsv"
bad "trunc.txt.gz: truncated gzip stream$" "gzip: truncated" emb-extract "$G/trunc.txt.gz"
bad "corrupt.txt.gz: bad gzip data: " "gzip: corrupt" \
    emb-extract "$G/corrupt.txt.gz"
bad "labels11.txt: 11 labels for 12 rows of .*tensors.tsv" "-l: a label count that differs" \
    emb-extract -l "$G/labels11.txt" "$F/tensors.tsv"
bad "labels_ragged.tsv: line 3: 1 fields, the header has 2" "-l: a short TSV row" \
    emb-extract -l "$G/labels_ragged.tsv" "$F/tensors.tsv"

# npy
bad "badmagic.npy: byte 0: not an npy file" "npy: bad magic" emb-extract "$G/badmagic.npy"
bad "version4.npy: byte 6: npy format version 4.0 is not supported" "npy: version 4" \
    emb-extract "$G/version4.npy"
bad "hlen.npy: byte 8: npy header length 60000 is larger than the file" \
    "npy: a header length larger than the file" emb-extract "$G/hlen.npy"
bad "shape_lies.npy: byte 128: shape \(21, 8\) of <f4 needs 672 bytes of data, the file has 640" \
    "npy: a header that lies about the shape" emb-extract "$G/shape_lies.npy"
bad "dtype_lies.npy: byte 128: shape \(20, 8\) of <f8 needs 1280 bytes of data, the file has 640" \
    "npy: a header that lies about the dtype" emb-extract "$G/dtype_lies.npy"
bad "stdin: byte [0-9]+: truncated: shape \(21, 8\) of <f4 needs 672 bytes" \
    "npy: truncated data from a pipe" piped "$G/shape_lies.npy"
bad "stdin: byte 768: data after the array" "npy: data after the array from a pipe" \
    piped "$G/extra.npy"
bad "extra.npy: byte 128: .* needs 640 bytes of data, the file has 644" \
    "npy: data after the array" emb-extract "$G/extra.npy"
bad "complex.npy: byte [0-9]+: npy header: dtype '<c8' is not supported" "npy: complex dtype" \
    emb-extract "$G/complex.npy"
bad "struct.npy: byte [0-9]+: npy header: structured dtypes are not supported" \
    "npy: structured dtype" emb-extract "$G/struct.npy"
bad "oned.npy: byte 10: shape \(160,\): need \(rows, cols\)" "npy: a 1-D array" \
    emb-extract "$G/oned.npy"
bad "nokey.npy: byte [0-9]+: npy header: no fortran_order" "npy: a key missing" \
    emb-extract "$G/nokey.npy"
bad "garbled.npy: byte [0-9]+: npy header: expected" "npy: a garbled header" \
    emb-extract "$G/garbled.npy"
bad "nan.npy: byte 180: non-finite value" "npy: NaN" emb-extract "$G/nan.npy"
bad "huge.npy: byte 128: shape \(2000000000, 1000\) of <f4 needs 8000000000000 bytes of data, the file has 640" \
    "npy: a huge shape in a small file" emb-extract "$G/huge.npy"
bad "huge_cols.npy: byte 10: shape \(20, 2000000\) is more than a stream can hold" \
    "npy: more columns than a stream can hold" emb-extract "$G/huge_cols.npy"
if [ -z "${EMB_SANITIZED:-}" ]; then
	# from a pipe the size is unknown: memory must follow the data, not the header
	bad "stdin: byte [0-9]+: truncated: shape \(2000000000, 1000\)" \
	    "npy: a huge shape from a pipe allocates only what arrives" \
	    sh -c 'ulimit -v 400000; cat "$1" | emb-extract' sh "$G/huge.npy"
	bad "stdin: byte [0-9]+: truncated: shape \(2000000000, 1000\)" \
	    "npy: choosing rows of a huge shape from a pipe waits for the rows" \
	    sh -c 'ulimit -v 400000; cat "$1" | emb-extract --sample 5 --match 1' sh "$G/huge.npy"
	bad "stdin: byte 4018: truncated: row 2 of the 2000000000 the header announces has no word" \
	    "word2vec binary: a huge header from a pipe allocates only what arrives" \
	    sh -c 'ulimit -v 400000; cat "$1" | emb-extract' sh "$G/w2v_huge.bin"
fi

# npz
bad "crc.npz: vectors.npy: CRC-32 is [0-9a-f]+, the zip directory says [0-9a-f]+" "npz: a bad CRC" \
    emb-extract -t vectors "$G/crc.npz"
bad "sizes.npz: byte [0-9]+: entry 'weights.npy' \([0-9]+ bytes\) runs into the central directory" \
    "npz: entry sizes larger than the zip" emb-extract -t weights "$G/sizes.npz"
bad "small.npz: vectors.npy: byte 128: shape \(20, 8\) of <f4 needs 640 bytes of data, the entry has 632" \
    "npz: entry sizes smaller than the array" emb-extract -t vectors "$G/small.npz"
bad "deflate.npz: emb.npy: (compressed )?byte [0-9]+: (bad deflate data|CRC-32 is)" \
    "npz: corrupt deflate data" emb-extract "$G/deflate.npz"
bad "trunc.npz: not a zip file" "npz: truncated" emb-extract "$G/trunc.npz"
bad "np_stored.npz: 2 arrays, choose one with -t: vectors, weights" "npz: two arrays and no -t" \
    emb-extract "$F/np_stored.npz"
bad "np_stored.npz: no array 'nope'" "npz: -t names no array" emb-extract -t nope "$F/np_stored.npz"

# safetensors
bad "st_hlen.safetensors: byte 0: header length 1000000 is larger than the file" \
    "safetensors: a header length larger than the file" emb-extract "$G/st_hlen.safetensors"
bad "st_range.safetensors: byte [0-9]+: tensor 'b': data_offsets \[48, 96\] run past the end of the data \(48 bytes\)" \
    "safetensors: offsets out of range" emb-extract -t a "$G/st_range.safetensors"
bad "st_overlap.safetensors: byte [0-9]+: tensor 'b': data_offsets \[40, 88\] overlap" \
    "safetensors: overlapping offsets" emb-extract -t a "$G/st_overlap.safetensors"
bad "st_shape.safetensors: byte [0-9]+: tensor 'a': data_offsets \[0, 48\] hold 48 bytes, its F32 shape needs 24" \
    "safetensors: offsets that do not match dtype and shape" emb-extract "$G/st_shape.safetensors"
bad "st_gap.safetensors: byte [0-9]+: tensor 'b': data_offsets \[32, 56\] leave a gap" \
    "safetensors: a gap between tensors" emb-extract -t a "$G/st_gap.safetensors"
bad "st_json.safetensors: byte [0-9]+: safetensors header: " "safetensors: bad JSON" \
    emb-extract "$G/st_json.safetensors"
bad "st_dtype.safetensors: byte [0-9]+: safetensors header: tensor 'a': unknown dtype 'F128'" \
    "safetensors: an unknown dtype" emb-extract "$G/st_dtype.safetensors"
bad "st_two.safetensors: 2 tensors of two or more dimensions, choose one with -t: a, b" \
    "safetensors: two candidates and no -t" emb-extract "$G/st_two.safetensors"
bad "stdin: byte [0-9]+: truncated: shape \(3, 4\) of F32" "safetensors: truncated data from a pipe" \
    piped "$G/st_range.safetensors" -t b
bad "st_inf.safetensors: byte [0-9]+: non-finite value" "safetensors: infinity in F16" \
    emb-extract "$G/st_inf.safetensors"

# word2vec binary
bad "w2v_trunc.bin: byte [0-9]+: truncated: row 83 has [0-9]+ of its 64 bytes" \
    "word2vec binary: a truncated row" emb-extract "$G/w2v_trunc.bin"
bad "w2v_rows.bin: byte [0-9]+: truncated: row 84 of the 84 the header announces has no word" \
    "word2vec binary: fewer rows than the header" emb-extract "$G/w2v_rows.bin"
bad "w2v_after.bin: byte [0-9]+: data after the 83 rows the header announces" \
    "word2vec binary: data after the rows" emb-extract "$G/w2v_after.bin"
bad "w2v_nan.bin: byte [0-9]+: row 1: non-finite value" "word2vec binary: NaN" \
    emb-extract "$G/w2v_nan.bin"
bad "w2v_noword.bin: byte 4: no space within 65536 bytes" "word2vec binary: no word" \
    emb-extract -f word2vec-binary "$G/w2v_noword.bin"

# anything
: >"$T/empty"
bad "empty: empty input" "an empty file" emb-extract "$T/empty"
bad "garbage.bin: cannot tell the format" "binary garbage" emb-extract "$G/garbage.bin"
bad "nonexistent: No such file" "a file that is not there" emb-extract "$T/nonexistent"
bad "is a directory" "a directory" emb-extract "$T"
head -c 300 "$T/out.emb" >/dev/null 2>&1
emb-extract "$F/np_f4_le.npy" | head -c 400 >"$T/cut.emb"
bad "cut.emb: frame 1: truncated" "a truncated emb stream" emb-extract "$T/cut.emb"
fails 1 "-f: unknown format 'xml'" "-f with an unknown format" emb-extract -f xml "$F/tensors.tsv"
fails 1 "--match: " "--match with a bad regex" emb-extract --match '(' "$F/tensors.tsv"
emb-extract --bogus >"$T/out" 2>"$T/err"
check "an unknown option: usage, exit 2" test $? -eq 2 -a ! -s "$T/out" -a \
    "$(grep -c '^usage: emb-extract' "$T/err")" -eq 1
fails 1 "-t is for npz, safetensors, PyTorch and GGUF files" "-t on a text file" emb-extract -t x "$F/tensors.tsv"
fails 1 "--list: word2vec is not a container" "--list on a text file" \
    emb-extract --list "$F/gensim.txt"
