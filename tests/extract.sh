# emb-extract: every format, checked against the values its writer holds
# (numpy, gensim, fastText, the safetensors layout of its specification),
# the real GloVe file, and the float parser against the C library's strtof.
. "$(dirname "$0")/lib.sh"
F=$ROOT/tests/fixtures/extract

if ! need_py numpy; then
	skip_required "emb-extract formats" "no numpy for $PY"
	exit 0
fi

# gzip, stdin and a pipe: the same numbers as from the plain file
gzip -c "$F/gensim.txt" >"$T/gensim.txt.gz"
emb-extract "$T/gensim.txt.gz" >"$T/gz.emb"
check "gzip-compressed word2vec text" test $? -eq 0
gzip -c "$F/gensim.txt" | emb-extract >"$T/gzpipe.emb"
check "gzip-compressed word2vec text from a pipe" test $? -eq 0
cat "$F/np_f8_le.npy" | emb-extract - >"$T/npypipe.emb"
check "npy from a pipe" test $? -eq 0
emb-extract <"$F/np_stored.npz" -t weights >"$T/npzstdin.emb"
check "npz from stdin" test $? -eq 0
cat "$F/ctool.bin" | emb-extract >"$T/w2vpipe.emb"
check "word2vec binary from a pipe" test $? -eq 0
gzip -c "$F/gensim.bin" >"$T/gensim.bin.gz"
emb-extract "$T/gensim.bin.gz" >"$T/w2vgz.emb"
check "gzip-compressed word2vec binary" test $? -eq 0
printf '\357\273\277a,b,c\r\n1,2,3\r\n4,5.5,-6e-1\r\n' >"$T/bom.csv"
check "a CSV file with a byte order mark and CRLF lines" \
    test "$(emb-extract "$T/bom.csv" | emb-info -t)" = "$(printf '1\t2\t3\n4\t5.5\t-0.600000024')"

# an emb stream passes through; several files concatenate
emb-extract "$F/np_f4_le.npy" >"$T/a.emb" && emb-extract "$F/gensim.bin" >"$T/b.emb" &&
    emb-extract "$T/a.emb" "$T/b.emb" >"$T/ab.emb"
check "two emb files through emb-extract" test $? -eq 0
cat "$T/a.emb" "$T/b.emb" >"$T/ab.ref"
check "emb streams pass through unchanged and concatenate" cmp "$T/ab.emb" "$T/ab.ref"
gzip -c "$T/ab.ref" | emb-extract >"$T/abz.emb"
check "a gzip-compressed emb stream from a pipe passes through" cmp "$T/abz.emb" "$T/ab.ref"
gzip -c "$T/ab.ref" >"$T/ab.emb.gz"
emb-extract "$T/ab.emb.gz" >"$T/abz2.emb"
check "a gzip-compressed emb file passes through" cmp "$T/abz2.emb" "$T/ab.ref"

# --list
emb-extract --list "$F/np_stored.npz" >"$T/list"
check "--list npz" test "$(cat "$T/list")" = "$(printf 'vectors\t<f4\t(20, 8)\nweights\t<f8\t(6, 3)')"
emb-extract --list "$F/single.safetensors" >"$T/list"
check "--list safetensors" test "$(cat "$T/list")" = \
    "$(printf 'bias\tF32\t(12,)\nembeddings.weight\tF32\t(25, 12)')"

BIN=$BIN F=$F T=$T DATA=$DATA ROOT=$ROOT "$PY" - <<'EOF'
import ctypes, gzip, os, subprocess, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests"))
import embio

F, T, DATA = os.environ["F"], os.environ["T"], os.environ["DATA"]
EX = os.path.join(os.environ["BIN"], "emb-extract")

def tap(ok, what):
    print(("ok - " if ok else "not ok - ") + what)

def run(*args, stdin=None):
    p = subprocess.run([EX] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=stdin)
    if p.returncode != 0:
        return None, p.stderr.decode(errors="replace").strip()
    path = os.path.join(T, "out.emb")
    open(path, "wb").write(p.stdout)
    return embio.read(path), ""

def same(what, frames, X, labels=None, fields=None, meta=None, exact=True, rtol=0):
    if frames is None:
        return tap(False, what + " (failed)")
    f = frames[-1]
    X = np.asarray(X, dtype=np.float32).reshape(len(X), -1)
    ok = f["data"].shape == X.shape
    if ok and exact:
        ok = np.array_equal(f["data"].view(np.uint32), X.view(np.uint32))
    elif ok:
        ok = np.allclose(f["data"], X, rtol=rtol, atol=0)
    if ok and labels is not None:
        ok = [l[0] for l in f["labels"]] == list(labels)
    if ok and fields is not None:
        ok = f["fields"] == fields
    for k, v in (meta or {}).items():
        ok = ok and f["meta"].get(k) == v
    tap(ok, what)

def index(n):
    return [str(i) for i in range(n)]

# numpy: every dtype, both byte orders, Fortran order, 3-D, versions 2 and 3
for name in sorted(os.listdir(F)):
    if name.startswith("np_") and name.endswith(".npy"):
        A = np.load(os.path.join(F, name))
        descr = np.lib.format.dtype_to_descr(A.dtype)
        same(f"npy {name} ({descr}) equals np.load", run(os.path.join(F, name))[0],
             A.reshape(A.shape[0], -1).astype(np.float32), index(A.shape[0]), ["index"],
             {"format": "npy", "dtype": descr, "source": os.path.join(F, name)})
fm = os.path.join(DATA, "fashion-mnist.npy")
if os.path.exists(fm):
    A = np.load(fm, mmap_mode="r")[:12]
    same("npy (N, 28, 28) images flatten to rows of 784",
         run(os.path.join(F, "np_images.npy"))[0], A.astype(np.float32))
z = np.load(os.path.join(F, "np_stored.npz"))
same("npz stored, -t vectors", run("-t", "vectors", os.path.join(F, "np_stored.npz"))[0],
     z["vectors"], meta={"format": "npz", "tensor": "vectors", "dtype": "<f4"})
same("npz stored, -t weights.npy", run("-t", "weights.npy", os.path.join(F, "np_stored.npz"))[0],
     z["weights"].astype(np.float32))
same("npz stored from stdin", embio.read(os.path.join(T, "npzstdin.emb")), z["weights"].astype(np.float32))
z = np.load(os.path.join(F, "np_deflated.npz"))
same("npz deflated, the only array by default", run(os.path.join(F, "np_deflated.npz"))[0],
     z["emb"], meta={"tensor": "emb"})
same("npy from a pipe", embio.read(os.path.join(T, "npypipe.emb")),
     np.load(os.path.join(F, "np_f8_le.npy")).astype(np.float32), meta={"source": "stdin"})

# gensim: text, binary, the C tool's binary layout, gzip
ref = np.load(os.path.join(F, "ref_gensim.npy"))
words = open(os.path.join(F, "ref_gensim.words"), encoding="utf-8").read().split("\n")[:-1]
for name, fmt in (("gensim.txt", "word2vec"), ("gensim.bin", "word2vec-binary"),
                  ("ctool.bin", "word2vec-binary")):
    same(f"{name} equals gensim's vectors and words", run(os.path.join(F, name))[0],
         ref, words, ["word"], {"format": fmt})
same("word2vec binary from a pipe", embio.read(os.path.join(T, "w2vpipe.emb")), ref, words)
same("gzip-compressed word2vec binary", embio.read(os.path.join(T, "w2vgz.emb")), ref, words)
same("word2vec text through gzip", embio.read(os.path.join(T, "gz.emb")), ref, words)
same("word2vec text through gzip from a pipe", embio.read(os.path.join(T, "gzpipe.emb")), ref, words)
same("-f word2vec on gzip", run("-f", "word2vec", os.path.join(T, "gensim.txt.gz"))[0], ref, words)

# fastText's .vec: its numbers as written
lines = open(os.path.join(F, "fasttext.vec"), encoding="utf-8").read().split("\n")[1:-1]
same("fasttext.vec equals its text", run(os.path.join(F, "fasttext.vec"))[0],
     np.array([[float(x) for x in l.split()[1:]] for l in lines]).astype(np.float32),
     [l.split(" ")[0] for l in lines], meta={"format": "fasttext"})

# GloVe (30 real lines, gzip)
lines = gzip.open(os.path.join(F, "glove30.txt.gz"), "rt", encoding="utf-8").read().split("\n")[:-1]
same("GloVe text equals its numbers", run(os.path.join(F, "glove30.txt.gz"))[0],
     np.array([l.split(" ")[1:] for l in lines], dtype=np.float64).astype(np.float32),
     [l.split(" ")[0] for l in lines], meta={"format": "glove"})

# TensorBoard's TSV pair, CSV with a header line
X = np.load(os.path.join(F, "ref_tsv.npy"))
fr = run("-l", os.path.join(F, "metadata.tsv"), os.path.join(F, "tensors.tsv"))[0]
same("tensors.tsv with metadata.tsv", fr, X, [f"w{i}" for i in range(12)], ["word", "class"],
     {"format": "tsv"})
tap(fr is not None and [l[1] for l in fr[-1]["labels"]] == ["odd", "even"] * 6,
    "metadata.tsv's second column is the class field")
same("CSV with a header line", run(os.path.join(F, "plain.csv"))[0], X[:7], index(7),
     meta={"format": "csv"})

# safetensors: every dtype; f16 and bf16 within their precision of the source
r = np.load(os.path.join(F, "ref_safetensors.npz"))
for t in ("f64", "f32", "f16", "bf16", "i64", "i32", "i16", "i8", "u8"):
    fr = run("-t", "t_" + t, os.path.join(F, "multi.safetensors"))[0]
    same(f"safetensors {t.upper()} equals torch's values", fr, r["t_" + t],
         meta={"format": "safetensors", "tensor": "t_" + t, "dtype": t.upper()})
    if t in ("f16", "bf16"):
        same(f"safetensors {t.upper()} within its precision of the source", fr,
             r["src_" + t], exact=False, rtol=1e-3 if t == "f16" else 8e-3)
fr = run("-t", "cube", os.path.join(F, "multi.safetensors"))[0]
same("safetensors (4, 3, 2) flattens to (4, 6)", fr, r["cube"],
     meta={"safetensors.format": "pt", "safetensors.odd_key___": "x\ty"})
same("safetensors: the only 2-D tensor by default", run(os.path.join(F, "single.safetensors"))[0],
     r["embeddings.weight"], meta={"tensor": "embeddings.weight", "safetensors.format": "pt"})

# an emb stream through emb-extract: unchanged, twice
fr = embio.read(os.path.join(T, "ab.emb"))
tap(len(fr) == 2 and fr[0]["data"].shape == (20, 8) and fr[1]["labels"][0] == [words[0]],
    "two files, two frames")

# the shared GloVe data: rows, columns, and the vector of "king" as the file has it
path = os.path.join(DATA, "glove-100d-50k.txt.gz")
if os.path.exists(path):
    fr, err = run(path)
    f = fr[-1] if fr else None
    tap(f is not None and f["data"].shape == (50000, 100), "glove-100d-50k: 50000 x 100")
    king = None
    for line in gzip.open(path, "rt", encoding="utf-8"):
        if line.startswith("king "):
            king = np.array(line.split()[1:], dtype=np.float64).astype(np.float32)
            break
    words = [l[0] for l in f["labels"]] if f else []
    ok = f is not None and "king" in words and king is not None and \
        np.array_equal(f["data"][words.index("king")], king)
    tap(ok, "glove-100d-50k: the vector of 'king' equals the file's numbers")
else:
    print("ok - glove-100d-50k # SKIP no shared data")

# the float parser against the C library's strtof, bit for bit, on numbers
# chosen to be hard: halfway cases, long digit strings, subnormals, extremes
libc = ctypes.CDLL(None)
libc.strtof.restype = ctypes.c_float
libc.strtof.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
rng = np.random.default_rng(11)
toks = ["0", "-0", "1", "0.1", "1e-45", "1.4e-45", "7e-46", "1.17549435e-38",
        "1.1754942e-38", "3.4028235e38", "3.40282346e38", "1.00000005960464477539062500",
        "1.0000000596046448", "1.0000000596046447", "16777217", "16777216.5", "9007199254740993",
        "123456789012345678901234567890", "0.000000000000000000000000000001", "1E+10",
        "+.5", "5.", "-0.0000", "4.9406564584124654e-324", "2.5e-8", "0.30000001192092896"]
for f in rng.standard_normal(300).astype(np.float32) * np.float32(10.0) ** rng.integers(-30, 30, 300).astype(np.float32):
    a = np.float32(f)
    b = np.nextafter(a, np.float32(np.inf))
    mid = (np.float64(a) + np.float64(b)) / 2
    for digits in (9, 12, 16, 17, 20):
        toks.append("%.*e" % (digits - 1, mid))
    toks.append(repr(float(a)))
    toks.append("%.7g" % a)
toks = [t for t in toks if np.isfinite(libc.strtof(t.encode(), None))]
with open(os.path.join(T, "numbers.tsv"), "w") as g:
    for t in toks:
        g.write(t + "\n")
fr = run("-f", "tsv", os.path.join(T, "numbers.tsv"))[0]
want = np.array([libc.strtof(t.encode(), None) for t in toks], dtype=np.float32)
got = fr[-1]["data"][:, 0] if fr else np.zeros(0, np.float32)
bad = [t for t, a, b in zip(toks, got, want) if a.view(np.uint32) != b.view(np.uint32)]
tap(fr is not None and len(got) == len(toks) and not bad,
    f"{len(toks)} hard numbers parse exactly as strtof does" + (f" (first bad: {bad[:3]})" if bad else ""))
glove = os.path.join(DATA, "glove-100d-50k.txt.gz")
if os.path.exists(glove):
    fr, err = run("-n", "2000", glove)
    with gzip.open(glove, "rt", encoding="utf-8") as g:
        rows = [g.readline().rstrip("\n").split(" ")[1:] for _ in range(2000)]
    want = np.array([[libc.strtof(x.encode(), None) for x in r] for r in rows], dtype=np.float32)
    tap(fr is not None and np.array_equal(fr[-1]["data"].view(np.uint32), want.view(np.uint32)),
        "200,000 real GloVe numbers parse exactly as strtof does")
EOF
