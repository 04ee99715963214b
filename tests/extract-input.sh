# emb-extract on the edges of its input: format detection, byte-order marks,
# long labels and lines, npz from a pipe in bounded memory, gzip errors in
# one line, untrusted names quoted, emb(5)'s header limits.
. "$(dirname "$0")/lib.sh"
F=$ROOT/tests/fixtures/extract

if ! need_py numpy; then
	skip_required "emb-extract input edges" "no numpy for $PY"
	exit 0
fi

# format NAME WANT FILE|-: emb-extract reads FILE (or stdin) as format WANT
format() {
	n=$1 want=$2; shift 2
	got=$(emb-extract "$@" 2>"$T/err" | emb-info 2>>"$T/err" |
	    sed -n 's/^  meta format = //p' | head -n 1)
	if [ "$got" = "$want" ]; then
		ok "$n: $want"
	else
		notok "$n: got '$got', want $want ($(head -c 200 "$T/err" | tr '\n' '|'))"
	fi
}

# Detection: the name's ending, then the blank-separated rules of the text formats.
printf '2 3\nnan 0.5 1 2\ninf 1 2 3\n' >"$T/nanword"
printf '2 3\na nan 1 2\nb 1 2 3\n' >"$T/nanfirst"
printf '2 3\na\t0.5\t1\t2\nb\t1\t2\t3\n' >"$T/tabs"
printf '1\t2\n3\t4\n5\t6\n' >"$T/ints.tsv"
cp "$T/ints.tsv" "$T/ints"
printf '1,2\n3,4\n' >"$T/ints.csv"
printf '3 1\n5 0.5\n6 1\n7 2\n' >"$T/numwords"
format "word2vec text with nan in its first row" word2vec --allow-nonfinite "$T/nanfirst"
format "the same from a pipe" word2vec --allow-nonfinite - <"$T/nanfirst"
format "word2vec text whose first word is nan" word2vec --allow-nonfinite "$T/nanword"
format "tab-separated word2vec text" word2vec "$T/tabs"
format "a .tsv of two integer columns" tsv "$T/ints.tsv"
format "two integer columns without a name: no word after the header, numbers" tsv "$T/ints"
format "a .csv of two integer columns" csv "$T/ints.csv"
printf '3\t1\n5\t7\n6\t8\n' >"$T/ints1.tsv"
format "a .tsv that would also read as word2vec of one column: the name wins" tsv "$T/ints1.tsv"
format "word2vec text whose words are numbers (one column)" word2vec "$T/numwords"
format "gensim's word2vec binary" word2vec-binary "$F/gensim.bin"
format "the C tool's word2vec binary" word2vec-binary "$F/ctool.bin"
format "gensim's word2vec text" word2vec "$F/gensim.txt"
format "fastText .vec" fasttext "$F/fasttext.vec"
format "GloVe text, gzip" glove "$F/glove30.txt.gz"
format "tensors.tsv" tsv "$F/tensors.tsv"
format "CSV" csv "$F/plain.csv"
emb-extract --allow-nonfinite "$T/nanfirst" >"$T/nan.emb"
emb-extract "$T/ints.tsv" >"$T/ints.emb"
emb-extract "$T/tabs" >"$T/tabs.emb"
check "the values: nan kept, the integers a 3 x 2 table, tabs split words from numbers" \
    "$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
a = embio.read(t + "/nan.emb")[0]
assert np.isnan(a["data"][0, 0]) and a["data"][0, 1:].tolist() == [1, 2] and a["labels"] == [["a"], ["b"]]
b = embio.read(t + "/ints.emb")[0]
assert b["data"].tolist() == [[1, 2], [3, 4], [5, 6]], b["data"]
c = embio.read(t + "/tabs.emb")[0]
assert c["data"].tolist() == [[0.5, 1, 2], [1, 2, 3]] and c["labels"] == [["a"], ["b"]]
PY

# A UTF-8 byte-order mark starts no label and no field name.
printf '\357\273\277alpha\nbeta\n' >"$T/bom.txt"
printf '\357\273\277word\tclass\nalpha\tx\nbeta\ty\n' >"$T/bom.tsv"
printf '1 2 3\n4 5 6\n' >"$T/two.tsv"
emb-extract -l "$T/bom.txt" "$T/two.tsv" >"$T/bom1.emb"
emb-extract -l "$T/bom.tsv" "$T/two.tsv" >"$T/bom2.emb"
gzip -c "$T/bom.tsv" >"$T/bom.tsv.gz"
emb-extract -l "$T/bom.tsv.gz" "$T/two.tsv" >"$T/bom3.emb"
printf '\357\273\277a\n' >"$T/bomw"
emb-extract --words @"$T/bomw" "$T/tabs" >"$T/bom4.emb"
check "BOM dropped: -l labels, -l TSV field names (plain and gzip), --words @file" \
    "$PY" - "$T" "$ROOT/tests" <<'PY'
import sys
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
a = embio.read(t + "/bom1.emb")[0]
assert a["fields"] == ["label"] and a["labels"] == [["alpha"], ["beta"]], a["labels"]
for n in ("bom2", "bom3"):
    b = embio.read(t + "/%s.emb" % n)[0]
    assert b["fields"] == ["word", "class"] and b["labels"] == [["alpha", "x"], ["beta", "y"]], b
PY
check "--words @file with a BOM: its first word is found" \
    sh -c "emb-info -l '$T/bom4.emb' | grep -qx a"

# Labels: 4096 bytes is the most; longer is an error naming the line.
"$PY" - "$T" <<'PY'
import sys
t = sys.argv[1]
e = "\u00e9".encode()                      # two bytes: a cut inside would break UTF-8
open(t + "/l4096", "wb").write(b"a\n" + e * 2048 + b"\n")
open(t + "/l4097", "wb").write(b"a\n" + b"x" + e * 2048 + b"\n")
open(t + "/l4097.tsv", "wb").write(b"w\tc\na\tb\nc\t" + b"y" * 4097 + b"\n")
open(t + "/w4097", "wb").write(b"2 1\na 1\n" + b"z" * 4097 + b" 2\n")
open(t + "/big.gz", "wb").write(__import__("gzip").compress(b"a\n" + b"q" * (120 << 20) + b"\n", 1))
PY
emb-extract -l "$T/l4096" "$T/two.tsv" >"$T/l4096.emb"
check "a label of exactly 4096 bytes is kept whole" \
    sh -c "emb-info -l '$T/l4096.emb' | tail -n 1 | wc -c | grep -qx 4097"
fails 1 "l4097: line 2: longer than 4096 bytes$" "-l: a label of 4097 bytes: an error naming the line" \
    emb-extract -l "$T/l4097" "$T/two.tsv"
check "... and nothing on stdout" test ! -s "$T/out"
fails 1 "l4097.tsv: line 3: a label longer than 4096 bytes$" "-l TSV: a field of 4097 bytes" \
    emb-extract -l "$T/l4097.tsv" "$T/two.tsv"
fails 1 "w4097: line 3: a word longer than 4096 bytes" "a word2vec word of 4097 bytes" \
    emb-extract "$T/w4097"
if [ -z "$EMB_SANITIZED" ]; then
	fails 1 "big.gz: line 2: longer than 4096 bytes$" \
	    "-l: a 200 MB line in a small gzip file: an error, in bounded memory (ulimit -v 100 MB)" \
	    sh -c "ulimit -v 100000; emb-extract -l '$T/big.gz' '$T/two.tsv'"
fi

# Text lines are bounded by their columns: a line far longer than its numbers can be.
"$PY" -c '
import gzip, sys
sys.stdout.buffer.write(gzip.compress(b"a 1 2\nb " + b"9" * (160 << 20) + b"\n", 1))' >"$T/longline.gz"
if [ -z "$EMB_SANITIZED" ]; then
	fails 1 "longline.gz: line 2: longer than [0-9]+ bytes$" \
	    "a vector line longer than its 2 columns can need: an error (ulimit -v 150 MB)" \
	    sh -c "ulimit -v 150000; emb-extract -f glove '$T/longline.gz'"
fi

# npz from a pipe: spooled to a file in TMPDIR, so memory stays small.
emb-extract "$F/np_deflated.npz" | emb-info -t >"$T/npz.file"
cat "$F/np_deflated.npz" | emb-extract -f npz | emb-info -t >"$T/npz.pipe"
check "cat x.npz | emb-extract -f npz: the same rows as from the file" \
    sh -c "[ -s '$T/npz.file' ] && cmp -s '$T/npz.file' '$T/npz.pipe'"
gzip -c "$F/np_stored.npz" | emb-extract -f npz -t vectors | emb-info -t >"$T/npz.gz"
emb-extract -t vectors "$F/np_stored.npz" | emb-info -t >"$T/npz.stored"
check "a gzipped npz from a pipe" sh -c "[ -s '$T/npz.gz' ] && cmp -s '$T/npz.gz' '$T/npz.stored'"
mkdir "$T/tmp"
cat "$F/np_stored.npz" | TMPDIR=$T/tmp emb-extract -f npz -t vectors >/dev/null
check "... the spool file is gone from TMPDIR" test -z "$(ls -A "$T/tmp")"
if [ -z "$EMB_SANITIZED" ]; then
	fails 1 "/dev/zero: not a zip file" "-f npz /dev/zero: an error at once (ulimit -v 100 MB)" \
	    sh -c "ulimit -v 100000; timeout 20 emb-extract -f npz /dev/zero"
	fails 1 "stdin: not a zip file \(no end of central directory record\)" \
	    "150 MB through a pipe: spooled, not held in memory (ulimit -v 100 MB)" \
	    sh -c "ulimit -v 100000; { printf 'PK\003\004'; head -c 150000000 /dev/zero; } |
	    TMPDIR='$T/tmp' emb-extract -f npz"
	check "... and the spool is gone" test -z "$(ls -A "$T/tmp")"
fi

# One line for a gzip error, also for an emb stream through a pipe.
emb-extract "$F/tensors.tsv" | gzip -c >"$T/s.emb.gz"
head -c 60 "$T/s.emb.gz" >"$T/cut.emb.gz"
fails 1 "^emb-extract: stdin: truncated gzip stream$" "-f emb from a pipe: a cut gzip stream, one line" \
    sh -c "cat '$T/cut.emb.gz' | emb-extract -f emb"
fails 1 "^emb-extract: stdin: truncated gzip stream$" "an emb stream detected from a pipe: the same" \
    sh -c "cat '$T/cut.emb.gz' | emb-extract"
{ cat "$T/s.emb.gz"; printf 'junk'; } >"$T/junk.emb.gz"
fails 1 "junk.emb.gz: trailing garbage after gzip data$" "bytes after the gzip stream: an error" \
    emb-extract "$T/junk.emb.gz"
cat "$T/s.emb.gz" | emb-extract >"$T/s2.emb"
check "a whole gzip emb stream from a pipe passes through unchanged" \
    sh -c "gzip -dc '$T/s.emb.gz' | cmp -s - '$T/s2.emb'"

# Untrusted names in messages: escaped, one line.
"$PY" - "$T" <<'PY'
import json, struct, sys, numpy as np
t = sys.argv[1]
np.savez(t + "/esc.npz", **{"a\x1b[31mred": np.zeros((2, 2), np.float32), "b": np.zeros((2, 2), np.float32)})
h = json.dumps({"t\x1b]0;x\x07": {"dtype": "Q\x1b[2J", "shape": [1, 1], "data_offsets": [0, 4]}}).encode()
open(t + "/esc.safetensors", "wb").write(struct.pack("<Q", len(h)) + h + b"\0" * 4)
open(t + "/esc.npy", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", 118) +
    b"{'descr': '<f\x1b[1m', 'fortran_order': False, 'shape': (1, 1), }".ljust(117) + b"\n" + b"\0" * 4)
PY
fails 1 "choose one with -t: a\\\\x1b\[31mred, b$" "npz: an entry name with ESC, escaped" \
    emb-extract "$T/esc.npz"
fails 1 "tensor 't\\\\x1b\]0;x\\\\x07': unknown dtype 'Q\\\\x1b\[2J'" \
    "safetensors: a tensor name and dtype with escapes, escaped" emb-extract "$T/esc.safetensors"
fails 1 "dtype '<f\\\\x1b\[1m' is not supported" "npy: a dtype with ESC, escaped" \
    emb-extract "$T/esc.npy"

# emb(5)'s header limits hold for what emb-extract writes, with the file named.
"$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
X = np.arange(6, dtype=np.float32).reshape(3, 2)
with open(t + "/meta256.emb", "wb") as f:
    embio.write_points(f, X, meta={"m%03d" % i: "v" for i in range(256)})
# just under 1 MiB of header: 85 values of 4096 '%' (12288 bytes escaped) and a filler
meta = {"m%03d" % i: "%" * 4096 for i in range(85)}
meta["zfill"] = "x" * ((1 << 20) - 85 * (len("meta m000 ") + 3 * 4096 + 1) - 90)
with open(t + "/nearmax.emb", "wb") as f:
    embio.write_points(f, X, meta=meta)
PY
emb-info "$T/nearmax.emb" >/dev/null 2>&1
check "a header just under 1 MiB is valid input" test $? -eq 0
emb-extract "$T/meta256.emb" >"$T/out"
check "256 metadata entries pass through unchanged" cmp -s "$T/meta256.emb" "$T/out"
fails 1 "^emb-extract: $T/meta256.emb: 256 metadata entries, no room for extract.n \(at most 256\)$" \
    "256 metadata entries and -n: an error naming the file" emb-extract -n 1 "$T/meta256.emb"
check "... and nothing on stdout" test ! -s "$T/out"
fails 1 "^emb-extract: the header to write is [0-9]+ bytes, over the 1048576 bytes emb\(5\) allows" \
    "--center on a header near 1 MiB: the header it would write is checked first" \
    emb-extract --center "$T/nearmax.emb"
check "... and nothing on stdout" test ! -s "$T/out"

# A directory or a missing file: one message naming it once.
fails 1 "^emb-extract: $T: is a directory$" "a directory as input" emb-extract "$T"
fails 1 "^emb-extract: $T: is a directory$" "a directory as -l" emb-extract -l "$T" "$T/two.tsv"
fails 1 "^emb-extract: $T/none: No such file or directory$" "a missing --words @file" \
    emb-extract --words @"$T/none" "$T/two.tsv"
