# emb-extract: labels, selection (-n, --rows, --sample, --words, --match),
# --normalize, --center, --allow-nonfinite and the metadata that records them,
# checked against numpy doing the same on the same file.
. "$(dirname "$0")/lib.sh"
F=$ROOT/tests/fixtures/extract

if ! need_py numpy; then
	skip_required "emb-extract selection" "no numpy for $PY"
	exit 0
fi

# -n stops reading: an endless input ends as soon as the rows are there
yes 'w 0.5 0.25 -1' | emb-extract -f glove -n 1000 >"$T/yes.emb"
check "-n stops reading an endless pipe" test $? -eq 0 -a "$(emb-info -l "$T/yes.emb" | wc -l)" -eq 1000
# -n does not look at what follows the rows it takes
{ gzip -dc "$F/glove30.txt.gz" | head -5; echo 'broken line'; } >"$T/tail.txt"
check "-n does not parse the rest" sh -c 'emb-extract -n 5 "$1" >/dev/null' sh "$T/tail.txt"
fails 1 "tail.txt: line 6, value 1: .line. is not a number" "without -n the rest is parsed" \
    emb-extract "$T/tail.txt"
# the same run twice, the same bytes
emb-extract --sample 7 --seed 3 "$F/gensim.bin" >"$T/s1.emb" &&
    emb-extract --sample 7 --seed 3 "$F/gensim.bin" >"$T/s2.emb"
check "--sample with a seed: the same rows every time" cmp -s "$T/s1.emb" "$T/s2.emb"
emb-extract --sample 7 --seed 4 "$F/gensim.bin" >"$T/s3.emb"
check "--sample with another seed: other rows" test "$(emb-info -l "$T/s1.emb")" != "$(emb-info -l "$T/s3.emb")"
emb-extract --words 'the,nope,of,zzz' "$F/gensim.txt" >"$T/w.emb" 2>"$T/werr"
check "--words reports missing words on one line and goes on" test $? -eq 0 -a \
    "$(cat "$T/werr")" = "emb-extract: $F/gensim.txt: 2 of the words not found: 'nope', 'zzz'"
# an emb stream with a graph: rows cannot be selected under it
"$PY" -c "
import sys, numpy as np; sys.path.insert(0, '$ROOT/tests'); import embio
out = open('$T/graph.emb', 'wb')
embio.write_points(out, np.arange(12, dtype='f4').reshape(4, 3), [['a'], ['b'], ['c'], ['d']])
embio.write_graph(out, np.array([[1], [0], [3], [2]]), np.ones((4, 1)))
"
fails 1 "graph.emb: a graph frame cannot follow rows that were selected or changed" \
    "a graph frame under -n" emb-extract -n 2 "$T/graph.emb"
emb-extract "$T/graph.emb" >"$T/graph2.emb"
check "a graph frame passes through without options" cmp -s "$T/graph.emb" "$T/graph2.emb"

BIN=$BIN F=$F T=$T DATA=$DATA ROOT=$ROOT "$PY" - <<'EOF'
import gzip, os, re, subprocess, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests"))
import embio

F, T, DATA = os.environ["F"], os.environ["T"], os.environ["DATA"]
EX = os.path.join(os.environ["BIN"], "emb-extract")

def tap(ok, what):
    print(("ok - " if ok else "not ok - ") + what)

def run(*args):
    p = subprocess.run([EX] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        print("# " + p.stderr.decode(errors="replace").strip())
        return None
    path = os.path.join(T, "out.emb")
    open(path, "wb").write(p.stdout)
    return embio.read(path)[-1]

def run_pipe(path, *args):
    """The file through a pipe: the readers that cannot see its size."""
    p = subprocess.run([EX] + list(args), input=open(path, "rb").read(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        print("# " + p.stderr.decode(errors="replace").strip())
        return None
    out = os.path.join(T, "out.emb")
    open(out, "wb").write(p.stdout)
    return embio.read(out)[-1]

def check(what, f, X, labels=None, meta=None, tol=0.0, fields=None):
    ok = f is not None and f["data"].shape == np.shape(X)
    if ok:
        X = np.asarray(X, dtype=np.float32)
        ok = np.array_equal(f["data"], X) if tol == 0 else np.allclose(f["data"], X, rtol=0, atol=tol)
    if ok and labels is not None:
        ok = [l[0] for l in f["labels"]] == [str(l) for l in labels]
    if ok and fields is not None:
        ok = f["fields"] == fields
    for k, v in (meta or {}).items():
        ok = ok and f["meta"].get(k) == v
    tap(ok, what)

ref = np.load(os.path.join(F, "ref_gensim.npy"))
words = open(os.path.join(F, "ref_gensim.words"), encoding="utf-8").read().split("\n")[:-1]
G = os.path.join(F, "gensim.txt")
B = os.path.join(F, "gensim.bin")

check("-n 5", run("-n", "5", G), ref[:5], words[:5], {"extract.n": "5"})
check("-n larger than the file", run("-n", "1000", B), ref, words)
check("-n 0", run("-n", "0", G), ref[:0], [])
check("--rows 10:20", run("--rows", "10:20", G), ref[10:20], words[10:20], {"extract.rows": "10:20"})
check("--rows 80: (open end)", run("--rows", "80:", B), ref[80:], words[80:], {"extract.rows": "80:"})
check("--rows :3", run("--rows", ":3", B), ref[:3], words[:3])
check("-n 20 --rows 15:30 takes rows 15 to 19", run("-n", "20", "--rows", "15:30", G), ref[15:20], words[15:20])

f = run("--sample", "7", "--seed", "3", B)
idx = [words.index(l[0]) for l in f["labels"]] if f else []
tap(f is not None and len(idx) == 7 and idx == sorted(set(idx)) and
    np.array_equal(f["data"], ref[idx]), "--sample 7: seven distinct rows, in file order, with their vectors")
tap(f is not None and f["meta"].get("extract.sample") == "7" and f["meta"].get("extract.seed") == "3",
    "--sample records its size and seed")
check("--sample larger than the rows: all of them", run("--sample", "500", B), ref, words)
# uniform: over many seeds each row is drawn about equally often
counts = np.zeros(len(words))
for seed in range(60):
    f = run("--sample", "10", "--seed", str(seed), B)
    for l in f["labels"]:
        counts[words.index(l[0])] += 1
expect = 60 * 10 / len(words)
chi2 = ((counts - expect) ** 2 / expect).sum()
tap(chi2 < 2 * len(words), f"--sample is uniform over 60 seeds (chi2 {chi2:.0f} for {len(words)} rows)")

want = ["of", "the", "and"]
check("--words in list order", run("--words", "of,the,nope,and", G), ref[[words.index(w) for w in want]], want,
      {"extract.words": "of,the,nope,and"})
with open(os.path.join(T, "words.txt"), "w") as g:
    g.write("café\n\n日本語\nthe\ncafé\n")
want = ["café", "日本語", "the"]
check("--words @FILE, duplicates once", run("--words", "@" + os.path.join(T, "words.txt"), B),
      ref[[words.index(w) for w in want]], want)
rx = "^[a-z]{4,6}$"
keep = [i for i, w in enumerate(words) if re.search(rx, w)]
check("--match ERE on the word", run("--match", rx, G), ref[keep], [words[i] for i in keep],
      {"extract.match": rx})
keep = [i for i, w in enumerate(words[:40]) if re.search("^t", w)]
check("-n 40 --match ^t", run("-n", "40", "--match", "^t", B), ref[keep], [words[i] for i in keep])

n = ref / np.linalg.norm(ref.astype(np.float64), axis=1, keepdims=True)
check("--normalize: rows of unit norm", run("--normalize", G), n, words, {"extract.normalize": "l2"}, tol=1e-7)
c = ref.astype(np.float64) - ref.astype(np.float64).mean(axis=0)
check("--center: columns of mean zero", run("--center", B), c, words, {"extract.center": "mean"}, tol=1e-7)
cn = c / np.linalg.norm(c, axis=1, keepdims=True)
check("--center --normalize: centred, then unit rows", run("--center", "--normalize", B), cn, words, tol=1e-7)

# the same through a pipe, where the binary readers cannot map or seek
want = ["of", "the", "and"]
check("word2vec binary from a pipe: --words", run_pipe(B, "--words", "of,the,nope,and"),
      ref[[words.index(w) for w in want]], want)
check("word2vec binary from a pipe: --center --rows 5:50", run_pipe(B, "--center", "--rows", "5:50"),
      ref[5:50].astype(np.float64) - ref[5:50].astype(np.float64).mean(0), words[5:50], tol=1e-7)
check("word2vec binary from a pipe: -n 10 --normalize", run_pipe(B, "-n", "10", "--normalize"),
      n[:10], words[:10], tol=1e-7)
A = np.load(os.path.join(F, "np_f8_le.npy")).astype(np.float32)
check("npy from a pipe: --sample 6 --seed 2 equals the file's", run_pipe(os.path.join(F, "np_f8_le.npy"),
      "--sample", "6", "--seed", "2"), run("--sample", "6", "--seed", "2", os.path.join(F, "np_f8_le.npy"))["data"])
check("npz deflated from a pipe: --rows 30:", run_pipe(os.path.join(F, "np_deflated.npz"), "--rows", "30:"),
      np.load(os.path.join(F, "np_deflated.npz"))["emb"][30:], range(30, 40))
S = np.load(os.path.join(F, "ref_safetensors.npz"))
check("safetensors from a pipe: -t cube --words 3,1", run_pipe(os.path.join(F, "multi.safetensors"),
      "-t", "cube", "--words", "3,1"), S["cube"][[3, 1]], ["3", "1"])

# arrays: selection while streaming, reordering, Fortran order, -l labels
A = np.load(os.path.join(F, "np_f8_le.npy")).astype(np.float32)
NP = os.path.join(F, "np_f8_le.npy")
check("npy --rows 3:9 (index labels keep the row numbers)", run("--rows", "3:9", NP), A[3:9], range(3, 9))
with open(os.path.join(T, "lab.txt"), "w") as g:
    g.write("".join(f"w{i}\n" for i in range(20)))
check("npy -l: one label per line", run("-l", os.path.join(T, "lab.txt"), NP), A,
      [f"w{i}" for i in range(20)], {"extract.labels": os.path.join(T, "lab.txt")}, fields=["label"])
check("npy --words with -l labels, reordered", run("-l", os.path.join(T, "lab.txt"), "--words", "w5,w2,w19,w2", NP),
      A[[5, 2, 19]], ["w5", "w2", "w19"])
check("npy --match on index labels", run("--match", "^1", NP), A[[1] + list(range(10, 20))],
      [1] + list(range(10, 20)))
check("npy --center", run("--center", NP), A.astype(np.float64) - A.astype(np.float64).mean(0), range(20), tol=1e-6)
f = run("--sample", "5", "--seed", "1", NP)
S = f["data"].astype(np.float64) if f else np.ones((5, 8))
check("npy --normalize --sample 5 --seed 1 (streamed)", run("--normalize", "--sample", "5", "--seed", "1", NP),
      S / np.linalg.norm(S, axis=1, keepdims=True), f and [l[0] for l in f["labels"]], tol=1e-7)
FO = os.path.join(F, "np_fortran3d.npy")
A3 = np.load(FO).reshape(6, -1).astype(np.float32)
check("Fortran order --rows 2:5", run("--rows", "2:5", FO), A3[2:5], range(2, 5))
check("Fortran order --words reordered", run("-l", os.path.join(T, "lab.txt"), "--words", "w4,w0",
      os.path.join(F, "np_fortran.npy")), np.load(os.path.join(F, "np_fortran.npy"))[[4, 0]], ["w4", "w0"])
fm = os.path.join(DATA, "fashion-mnist.npy")
if os.path.exists(fm):
    X = np.load(fm, mmap_mode="r")
    lab = open(os.path.join(DATA, "fashion-mnist.labels")).read().split("\n")[:len(X)]
    keep = [i for i in range(3000) if lab[i] == "Bag"]
    check("fashion-mnist: -n 3000 -l labels --match ^Bag$", run("-n", "3000", "-l",
          os.path.join(DATA, "fashion-mnist.labels"), "--match", "^Bag$", fm),
          X[keep].astype(np.float32), ["Bag"] * len(keep))

# TSV labels with fields; --allow-nonfinite
f = run("-l", os.path.join(F, "metadata.tsv"), "--match", "^w1", os.path.join(F, "tensors.tsv"))
X = np.load(os.path.join(F, "ref_tsv.npy"))
check("-l TSV with header, --match on its first field", f, X[[1, 10, 11]], ["w1", "w10", "w11"],
      fields=["word", "class"])
with open(os.path.join(T, "nan.txt"), "w") as g:
    g.write("a 1 nan 3\nb inf -inf 0.5\n")
f = run("--allow-nonfinite", os.path.join(T, "nan.txt"))
tap(f is not None and np.isnan(f["data"][0, 1]) and np.isposinf(f["data"][1, 0]) and np.isneginf(f["data"][1, 1]),
    "--allow-nonfinite keeps NaN and infinities")
# an emb stream: -n applies to each points frame
f = run("-n", "3", os.path.join(T, "s1.emb"))
tap(f is not None and f["data"].shape == (3, 16) and f["meta"].get("extract.n") == "3" and
    f["meta"].get("format") == "word2vec-binary", "an emb stream through -n keeps its metadata and adds its own")
EOF
