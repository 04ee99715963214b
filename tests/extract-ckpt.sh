# emb-extract: PyTorch checkpoints (torch.save's zip) through the restricted
# unpickler, and vocabularies as labels (--vocab, --readable), checked against
# the values torch itself holds (refs.npz, written by make.py from the same
# tensors) and against what a hostile checkpoint must not do.
. "$(dirname "$0")/lib.sh"
F=$ROOT/tests/fixtures/ckpt

# --list: every tensor, torch's dtype and shape, as torch.save had them
for f in embedding state half bf16 views shared nested bare param; do
	emb-extract --list "$F/$f.pt" >"$T/list" 2>"$T/err"
	check "--list $f.pt: names joined with '.', dtypes and shapes as torch has them" \
	    cmp -s "$T/list" "$F/$f.pt.list"
done
check "--list from a pipe" sh -c 'emb-extract --list <"$1/state.pt" | cmp -s - "$1/state.pt.list"' sh "$F"

# what must be refused, with one line, exit 1, and nothing run
rm -f /tmp/emb-ckpt-pwned
fails 1 "evil-system.pt: archive/data.pkl: byte 2: forbidden global posix.system$" \
    "a pickle calling os.system is refused, naming the global" emb-extract "$F/evil-system.pt"
fails 1 "evil-eval.pt: archive/data.pkl: byte 18: forbidden global builtins.eval$" \
    "STACK_GLOBAL builtins.eval is refused" emb-extract "$F/evil-eval.pt"
check "the refused pickles ran nothing" test ! -e /tmp/emb-ckpt-pwned
fails 1 "evil-inst.pt: archive/data.pkl: byte 1: opcode STRING is not allowed$" \
    "an opcode no checkpoint uses is refused by name" emb-extract --list "$F/evil-inst.pt"
fails 1 "bad-persid.pt: .*byte 11: unknown persistent id \(a str\)$" \
    "a persistent id that is not a storage" emb-extract "$F/bad-persid.pt"
fails 1 "unterminated.pt: .*: the pickle ends without STOP$" "a pickle without STOP" \
    emb-extract "$F/unterminated.pt"
fails 1 "short-storage.pt: tensor 'w': storage 'archive/data/0' has 40 bytes, its 12 elements of float32 need 48$" \
    "a storage shorter than its tensor" emb-extract "$F/short-storage.pt"
fails 1 "outside.pt: tensor 'w': its shape and strides reach element 12, its storage has 12$" \
    "an offset pointing past the storage" emb-extract "$F/outside.pt"
fails 1 "outside-stride.pt: tensor 'w': its shape and strides reach element 13, its storage has 12$" \
    "strides pointing past the storage" emb-extract --list "$F/outside-stride.pt"
fails 1 "no-storage.pt: tensor 'w': no storage 'archive/data/7' in the zip$" \
    "a storage the zip does not have" emb-extract "$F/no-storage.pt"
fails 1 "truncated.pt: not a zip file" "a truncated zip" emb-extract "$F/truncated.pt"
fails 1 "legacy.pt: a PyTorch file in the legacy format of torch.save before 1.6: re-save it with a current torch$" \
    "the legacy format: re-save it" emb-extract "$F/legacy.pt"
fails 1 "state.pt: 3 tensors of two dimensions, choose one with -t: tok.weight, pos.weight, proj.weight$" \
    "several candidates: -t is needed, and they are named" emb-extract "$F/state.pt"
fails 1 "state.pt: no tensor 'nope' \(--list shows them\)$" "-t names a tensor it does not have" \
    emb-extract -t nope "$F/state.pt"
fails 1 "state.pt: tensor 'norm.num_batches_tracked': dtype int64 is not supported|shape \(\)" \
    "a 0-d integer tensor is listed, not extracted" emb-extract -t norm.num_batches_tracked "$F/state.pt"
sed 's/cpu/cpX/' "$F/fake-ok.pt" >"$T/crc.pt"
fails 1 "crc.pt: archive/data.pkl: CRC-32 is [0-9a-f]{8}, the zip directory says [0-9a-f]{8}$" \
    "a pickle changed after zipping fails its CRC check" emb-extract "$T/crc.pt"
check "a .pt zip whose first entry is not the pickle" sh -c 'emb-extract --list "$1" | grep -q "^w	float32	(3, 4)$"' sh "$F/pickle-second.pt"
fails 1 "--vocab and -l both give labels: choose one$" "--vocab with -l" \
    emb-extract --vocab "$F/vocab.txt" -l "$F/vocab.txt" "$F/embedding.pt"
check "-f pytorch reads a pipe" sh -c 'emb-extract -f pytorch <"$1" | emb-info | grep -q "12 rows x 6 cols"' sh "$F/embedding.pt"
fails 1 "/dev/zero: not a PyTorch checkpoint \(no zip header\)$" "-f pytorch /dev/zero: an error at once" \
    timeout 20 emb-extract -f pytorch /dev/zero

# a checkpoint from a pipe is spooled to a file in TMPDIR, not held in memory
mkdir "$T/tmp"
gzip -c "$F/state.pt" | TMPDIR=$T/tmp emb-extract -t pos.weight >"$T/gz.emb"
emb-extract -t pos.weight "$F/state.pt" >"$T/file.emb"
check "a gzipped checkpoint from a pipe: the rows of the file" \
    sh -c 'emb-info -t "$1" >"$1.t" && [ -s "$1.t" ] && emb-info -t "$2" | cmp -s - "$1.t"' sh "$T/gz.emb" "$T/file.emb"
check "... and the spool file is gone from TMPDIR" test -z "$(ls -A "$T/tmp")"
if [ -z "$EMB_SANITIZED" ]; then
	fails 1 "stdin: not a zip file \(no end of central directory record\)$" \
	    "-f pytorch: 150 MB through a pipe, spooled, not held in memory (ulimit -v 100 MB)" \
	    sh -c "ulimit -v 100000; { printf 'PK\003\004'; head -c 150000000 /dev/zero; } |
	    TMPDIR='$T/tmp' emb-extract -f pytorch"
	check "... and the spool is gone" test -z "$(ls -A "$T/tmp")"
fi

# --vocab files through the input layer: gzip, a byte order mark, bounded lines
emb-extract --vocab "$F/vocab.txt" "$F/embedding.pt" | emb-info -l >"$T/vocab.l"
gzip -c "$F/vocab.txt" >"$T/vocab.txt.gz"
check "--vocab: a gzipped vocab.txt gives the same labels" \
    sh -c 'emb-extract --vocab "$1" "$2" | emb-info -l | cmp -s - "$3" && [ -s "$3" ]' sh "$T/vocab.txt.gz" "$F/embedding.pt" "$T/vocab.l"
{ printf '\357\273\277'; cat "$F/vocab.txt"; } >"$T/bom.txt"
check "--vocab: a byte order mark is not part of the first token" \
    sh -c 'emb-extract --vocab "$1" "$2" | emb-info -l | cmp -s - "$3"' sh "$T/bom.txt" "$F/embedding.pt" "$T/vocab.l"
gzip -c "$F/tokenizer.json" >"$T/tokenizer.json.gz"
emb-extract --vocab "$F/tokenizer.json" "$F/embedding.pt" | emb-info -l >"$T/tok.l"
check "--vocab: a gzipped tokenizer.json gives the same labels" \
    sh -c 'emb-extract --vocab "$1" "$2" | emb-info -l | cmp -s - "$3" && [ -s "$3" ]' sh "$T/tokenizer.json.gz" "$F/embedding.pt" "$T/tok.l"
{ printf '\357\273\277'; cat "$F/tokenizer.json"; } >"$T/bom.json"
check "--vocab: a tokenizer.json with a byte order mark" \
    sh -c 'emb-extract --vocab "$1" "$2" | emb-info -l | cmp -s - "$3"' sh "$T/bom.json" "$F/embedding.pt" "$T/tok.l"
{ echo a; head -c 4097 /dev/zero | tr '\0' x; echo; } >"$T/long.txt"
fails 1 "long.txt: line 2: longer than 4096 bytes$" "--vocab: a token line over 4096 bytes is an error naming it" \
    emb-extract --vocab "$T/long.txt" "$F/embedding.pt"
check "... and nothing on stdout" test ! -s "$T/out"
{ echo a; printf 'b\0c\n'; } >"$T/nul.txt"
fails 1 "nul.txt: line 2: a token with a NUL byte$" "--vocab: a NUL byte in a token line" \
    emb-extract --vocab "$T/nul.txt" "$F/embedding.pt"
printf '{"model": {"vocab": {"a": 0, "%s": 1}}}' "$(head -c 4097 /dev/zero | tr '\0' y)" >"$T/long.json"
fails 1 "long.json: token 1: 4097 bytes, more than the 4096 a label may have$" \
    "--vocab: a tokenizer.json token over 4096 bytes is an error naming it" \
    emb-extract --vocab "$T/long.json" "$F/embedding.pt"

if ! need_py numpy; then
	skip "PyTorch values" "no numpy for $PY"
	exit 0
fi

BIN=$BIN F=$F T=$T ROOT=$ROOT "$PY" - <<'PYEOF'
import os, subprocess, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests"))
import embio

F, T = os.environ["F"], os.environ["T"]
EX = os.path.join(os.environ["BIN"], "emb-extract")
refs = np.load(os.path.join(F, "refs.npz"))

def tap(ok, what):
    print(("ok - " if ok else "not ok - ") + what)

def run(*args, stdin=None, err=False):
    p = subprocess.run([EX] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=stdin)
    if p.returncode != 0:
        print("# " + p.stderr.decode(errors="replace").strip())
        return (None, p.stderr.decode()) if err else None
    path = os.path.join(T, "out.emb")
    open(path, "wb").write(p.stdout)
    fr = embio.last_points(path)
    return (fr, p.stderr.decode()) if err else fr

# every tensor torch wrote, bit for bit as torch converts it to float32
bad = []
for key in refs.files:
    f, name = key.split(":", 1)
    want = refs[key].reshape(refs[key].shape[0], -1) if refs[key].ndim > 1 else None
    if want is None:
        continue
    fr = run("-t", name, os.path.join(F, f))
    if fr is None or not np.array_equal(fr["data"], want.astype("f4")):
        bad.append(key)
tap(not bad, "every 2-D tensor equals torch's, bit for bit (f32, f16, bf16, f64; views, "
    "shared storages, nested names)" + (": " + ", ".join(bad) if bad else ""))

fr = run(os.path.join(F, "embedding.pt"))
tap(fr is not None and fr["meta"].get("tensor") == "weight" and
    fr["meta"].get("format") == "pytorch" and fr["meta"].get("dtype") == "float32" and
    fr["fields"] == ["index"] and fr["labels"][11] == ["11"],
    "an nn.Embedding's only matrix by default, labelled by index, tensor/dtype/format in the metadata")
fr = run(os.path.join(F, "bare.pt"))
tap(fr is not None and np.array_equal(fr["data"], refs["bare.pt:tensor"]),
    "a bare tensor")
fr = run(os.path.join(F, "half.pt"), "-t", "tok.weight")
tap(fr is not None and fr["meta"].get("dtype") == "float16", "float16 recorded as the dtype")

# selections through the strided (gathered) path and the contiguous one
X = refs["views.pt:t"]
for args, want, what in [
        (["--rows", "2:5"], X[2:5], "--rows on a transposed view"),
        (["--center"], X - X.astype("f4").mean(0), "--center on a transposed view"),
        (["--words", "4,1,6"], X[[4, 1, 6]], "--words reorders a transposed view"),
        (["-n", "3", "--normalize"], X[:3] / np.linalg.norm(X[:3], axis=1, keepdims=True),
         "-n and --normalize on a transposed view")]:
    fr = run("-t", "t", os.path.join(F, "views.pt"), *args)
    tap(fr is not None and np.allclose(fr["data"], want, rtol=1e-5, atol=1e-6) and
        fr["labels"] is not None, what)
fr = run("-t", "s", "--words", "3,0", os.path.join(F, "views.pt"))
tap(fr is not None and np.array_equal(fr["data"], refs["views.pt:s"][[3, 0]]) and
    fr["labels"] == [["3"], ["0"]], "a slice keeps its own row numbers as labels")
fr = run("-t", "every2", "--sample", "2", "--seed", "1", os.path.join(F, "views.pt"))
tap(fr is not None and fr["data"].shape == (2, 7) and
    all(np.array_equal(fr["data"][i], refs["views.pt:every2"][int(l[0])])
        for i, l in enumerate(fr["labels"])), "--sample on a strided view")
with open(os.path.join(F, "nested.pt"), "rb") as stdin:
    fr = run("-t", "model.layers.1.w", stdin=stdin)
tap(fr is not None and np.array_equal(fr["data"], refs["nested.pt:model.layers.1.w"]),
    "a checkpoint from a pipe")

# vocabularies
fr, err = run("--vocab", os.path.join(F, "vocab.txt"), os.path.join(F, "embedding.pt"), err=True)
tap(fr is not None and fr["fields"] == ["token", "id"] and
    [l[0] for l in fr["labels"]] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "of",
                                     "##ing", "café", "a b", "9", "10", "11"] and
    [l[1] for l in fr["labels"]] == [str(i) for i in range(12)] and err == "",
    "vocab.txt: line number is the id; rows beyond it labelled by id; field id")
fr = run("--vocab", os.path.join(F, "tokenizer.json"), os.path.join(F, "embedding.pt"))
tap(fr is not None and [l[0] for l in fr["labels"]][:10] ==
    ["!", "the", "Ġthe", "Ġof", "Ċ", "ing", "Ã©", "ĠcafÃ©", "ĠĠ", "<|endoftext|>"],
    "tokenizer.json (BPE): model.vocab and added_tokens, as they are")
fr = run("--vocab", os.path.join(F, "tokenizer.json"), "--readable", os.path.join(F, "embedding.pt"))
tap(fr is not None and [l[0] for l in fr["labels"]][:10] ==
    ["!", "the", " the", " of", "\\n", "ing", "é", " café", "  ", "<|endoftext|>"],
    "--readable: byte-level BPE as text")
fr = run("--vocab", os.path.join(F, "tokenizer.json"), "--words", "Ġof,the",
         os.path.join(F, "embedding.pt"))
tap(fr is not None and fr["labels"] == [["Ġof", "3"], ["the", "1"]] and
    np.array_equal(fr["data"], refs["embedding.pt:weight"][[3, 1]]),
    "--words selects by token")
fr, err = run("-t", "pos.weight", "--vocab", os.path.join(F, "tokenizer-unigram.json"),
              "--readable", os.path.join(F, "state.pt"), err=True)
tap(fr is not None and [l[0] for l in fr["labels"]] ==
    ["<unk>", " the", " of", "s", "\\n"] and
    err.strip().endswith("tokenizer-unigram.json: a vocabulary of 6 tokens for 5 rows: "
                         "the last 1 are not used"),
    "tokenizer.json (Unigram), SentencePiece's ▁ and <0x0A> as text; a longer vocabulary is "
    "truncated with a warning")
fr = run("--vocab", os.path.join(F, "vocab.txt"), os.path.join(F, "embedding.pt"), "--readable")
tap(fr is not None and fr["labels"][7][0] == "café", "--readable leaves a WordPiece vocabulary as it is")
st = os.path.join(os.environ["ROOT"], "tests", "fixtures", "extract", "single.safetensors")
fr = run(st, "-t", "embeddings.weight", "--vocab", os.path.join(F, "tokenizer.json"), "--readable")
tap(fr is not None and fr["labels"][2] == [" the", "2"] and fr["labels"][24] == ["24", "24"] and
    fr["data"].shape == (25, 12), "--vocab and --readable label a safetensors tensor")
PYEOF
