# The emb stream (emb(5)) and emb-info: round trips, broken input, pipes and full disks.
. "$(dirname "$0")/lib.sh"

"$BIN/tests/roundtrip"

# What emb-info reports agrees with an independent reader (tests/embio.py) and numpy.
roundtrip -w >"$T/rt.emb"
emb-info -t "$T/rt.emb" >"$T/rt.tsv"
emb-info -l "$T/rt.emb" >"$T/rt.labels"
emb-info -g "$T/rt.emb" >"$T/rt.graph"
emb-info "$T/rt.emb" >"$T/rt.info"
check "emb-info -t/-l/-g and statistics equal numpy's" "$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
fr = embio.read(t + "/rt.emb")
pts = [f for f in fr if f["kind"] == "points"]
X = pts[-1]["data"]
got = np.loadtxt(t + "/rt.tsv", delimiter="\t", ndmin=2)
assert got.shape == X.shape and np.array_equal(got.astype(np.float32), X), "tsv"
lines = open(t + "/rt.labels", "rb").read().split(b"\n")[:-1]
esc = lambda s: s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
want = ["\t".join(esc(c) for c in pts[-1]["fields"])] + ["\t".join(esc(c) for c in r) for r in pts[-1]["labels"]]
assert [l.decode("utf-8", "surrogateescape") for l in lines] == want, "labels"
g = [f for f in fr if f["kind"] == "graph"][-1]
G = np.loadtxt(t + "/rt.graph", delimiter="\t", ndmin=2)
assert np.array_equal(G[:, :3].astype(int), g["index"]) and np.array_equal(G[:, 3:].astype(np.float32), g["data"]), "graph"
info = open(t + "/rt.info").read()
for f, n in zip(fr, range(1, 5)):
    assert ("frame %d: %s" % (n, f["kind"])) in info
    d = f["data"].astype(np.float64)
    assert ("min %.6g  max %.6g  mean %.6g" % (d.min(), d.max(), d.mean())) in info, (n, "values")
    if f["kind"] == "points":
        nr = np.sqrt((d * d).sum(1))
        assert ("min %.6g  max %.6g  mean %.6g" % (nr.min(), nr.max(), nr.mean())) in info, (n, "norms")
PY

# A stream written by the independent writer reads back the same (other direction).
"$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
X = np.array([[1.5, -2], [np.nan, np.inf], [0, 3e38]], dtype=np.float32)
with open(sys.argv[1] + "/py.emb", "wb") as f:
    embio.write_points(f, X, [["a b", "1"], ["tab\there", "2"], ["\u00e9", "3"]], ["word", "class"], {"source": "py%"})
PY
emb-info "$T/py.emb" >"$T/py.info"
check "emb-info counts NaN and Inf" grep -q 'nan 1  inf 1' "$T/py.info"
check "emb-info shows fields and metadata" grep -q 'labels: word, class' "$T/py.info"
check "metadata with escapes survives" grep -q 'meta source = py%' "$T/py.info"

# Several files and gzip-compressed input.
gzip -c "$T/rt.emb" >"$T/rt.emb.gz"
emb-info "$T/rt.emb.gz" >"$T/gz.info"
check "gzip-compressed stream reads as the plain one" cmp -s "$T/gz.info" "$T/rt.info"
cat "$T/rt.emb.gz" | emb-info >"$T/gzpipe.info"
check "gzip-compressed stream from a pipe" cmp -s "$T/gzpipe.info" "$T/rt.info"
emb-info "$T/rt.emb" "$T/py.emb" >"$T/two.info"
check "two files make one listing of five frames" grep -q '^frame 5: points, 3 rows' "$T/two.info"
: >"$T/empty"
check "an empty input is an empty stream" sh -c "emb-info '$T/empty' >'$T/empty.out' && [ -f '$T/empty.out' ] && [ ! -s '$T/empty.out' ]"

# Escapes of either case are read; header keys in any order.
printf 'EMB 1 points\ncols 1\nmeta note a%%2ab%%2Ac%%25\nmeta u caf\303\251\nfields 1 f%%20g\nlabelbytes 2\nrows 1\nENDHDR\n\0\0\200?x\0' >"$T/esc.emb"
emb-info "$T/esc.emb" >"$T/esc.info"
check "escapes %2a and %2A both read, keys in any order" \
    sh -c "grep -q 'meta note = a\*b\*c%' '$T/esc.info' && grep -q 'labels: f g' '$T/esc.info'"
check "UTF-8 in a header line" grep -q "meta u = caf$(printf '\303\251')\$" "$T/esc.info"

# Broken streams: one line, exit 1, from a file and from a pipe.
"$PY" "$ROOT/tests/stream_broken.py" "$T" >"$T/cases"
while IFS="$(printf '\t')" read -r name pat; do
	fails 1 "$pat" "broken stream $name (file)" emb-info "$T/$name"
	fails 1 "$pat" "broken stream $name (pipe)" sh -c "cat '$T/$name' | emb-info"
done <"$T/cases"

# A header announcing far more data than follows makes no huge allocation from a pipe.
"$PY" -c 'import sys; sys.stdout.buffer.write(b"EMB 1 points\nrows 200000000\ncols 1000\nENDHDR\n" + b"\0" * 1000)' >"$T/huge"
if [ -z "$EMB_SANITIZED" ]; then
	fails 1 truncated "no huge allocation for a lying header (ulimit -v 1 GiB)" \
	    sh -c "ulimit -v 1048576; cat '$T/huge' | emb-info"
fi

# Usage and help.
usage_fails "unknown option is a usage error" emb-info -Z
usage_fails "-t with -l is a usage error" emb-info -t -l
emb-info -h >"$T/help"
check "-h prints the synopsis of the man page, exit 0" sh -c \
    "grep -q '^usage: emb-info \[-h\] \[-g | -l | -t\] \[--check \[-t\] .*\] \[file ...\]' '$T/help'"
fails 1 'emb-info: /nonexistent: No such file' "missing file" emb-info /nonexistent
fails 1 'no points frame' "-t without points" emb-info -t "$T/empty"
fails 1 'no graph frame' "-g without a graph" emb-info -g "$T/py.emb"

# Pipes that close early and disks that fill up.
"$PY" -c '
import sys, numpy as np; sys.path.insert(0, sys.argv[1]); import embio
embio.write_points(sys.stdout.buffer, np.random.default_rng(1).normal(size=(100000, 50)))' "$ROOT/tests" >"$T/big.emb"
emb-info -t "$T/big.emb" 2>"$T/pipe.err" | head -c 1 >/dev/null
check "emb-info -t | head -c 1 ends quietly" test ! -s "$T/pipe.err"
emb-info <"$T/big.emb" 2>"$T/pipe2.err" | head -c 1 >/dev/null
check "emb-info < big | head -c 1 ends quietly" test ! -s "$T/pipe2.err"
fails 1 'emb-info: stdout: .*No space left' "emb-info -t > /dev/full" sh -c "emb-info -t '$T/big.emb' >/dev/full"
fails 1 'emb-info: stdout: .*No space left' "short output > /dev/full" sh -c "emb-info '$T/py.emb' >/dev/full"
