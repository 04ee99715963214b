# emb-extract: GGUF files written by ggml's own gguf writer and quantiser
# (tests/fixtures/ckpt/gguf-make.c), dequantised values compared bit for bit
# with ggml's own to_float and with the values before quantisation; hostile
# variants patched from them here.
. "$(dirname "$0")/lib.sh"
F=$ROOT/tests/fixtures/ckpt

printf '# gguf v3, architecture gpt2\ntoken_embd.weight\tQ4_K\t(10, 256)\nposition_embd.weight\tF32\t(2, 256)\noutput_norm.weight\tF32\t(256,)\n' >"$T/want.list"
emb-extract --list "$F/gguf-q4_K.gguf" >"$T/list"
check "--list: the architecture, every tensor with its type and shape (rows first)" cmp -s "$T/list" "$T/want.list"
fails 1 "gguf-f32.gguf: byte [0-9]+: tensor 'output_norm.weight' has one dimension: need \(rows, cols\)$" \
    "a 1-D tensor is listed, not extracted" emb-extract -t output_norm.weight "$F/gguf-f32.gguf"
fails 1 "gguf-f32.gguf: no tensor 'nope' \(--list shows them\)$" "-t names a tensor it does not have" \
    emb-extract -t nope "$F/gguf-f32.gguf"
emb-extract "$F/gguf-q8_0.gguf" >"$T/q8.emb"
mkdir "$T/tmp"
cat "$F/gguf-q8_0.gguf" | TMPDIR=$T/tmp emb-extract -f gguf >"$T/q8pipe.emb"
check "a GGUF file from a pipe" sh -c 'sed "/^meta source /d" "$1" >"$1.x" && sed "/^meta source /d" "$2" | cmp -s - "$1.x"' sh "$T/q8.emb" "$T/q8pipe.emb"
gzip -c "$F/gguf-q8_0.gguf" | TMPDIR=$T/tmp emb-extract >"$T/q8gz.emb"
check "a gzipped GGUF file from a pipe, its format told by its magic" sh -c 'sed "/^meta source /d" "$1" | cmp -s - "$2.x"' sh "$T/q8gz.emb" "$T/q8.emb"
check "... and the spool files are gone from TMPDIR" test -z "$(ls -A "$T/tmp")"
fails 1 "/dev/zero: not a GGUF file \(no GGUF magic\)$" "-f gguf /dev/zero: an error at once" \
    timeout 20 emb-extract -f gguf /dev/zero
if [ -z "$EMB_SANITIZED" ]; then
	fails 1 "stdin: byte 4: GGUF version 0 " \
	    "-f gguf: 150 MB through a pipe, spooled, not held in memory (ulimit -v 100 MB)" \
	    sh -c "ulimit -v 100000; { printf 'GGUF'; head -c 150000000 /dev/zero; } |
	    TMPDIR='$T/tmp' emb-extract -f gguf"
	check "... and the spool is gone" test -z "$(ls -A "$T/tmp")"
fi

if ! need_py numpy; then
	skip "GGUF values and hostile files" "no numpy for $PY"
	exit 0
fi

# hostile variants of a real file: one line, exit 1
"$PY" - "$F/gguf-q4_K.gguf" "$T" <<'PYEOF'
import struct, sys
src, T = sys.argv[1], sys.argv[2]
b = open(src, "rb").read()
def put(name, data):
    open(f"{T}/{name}.gguf", "wb").write(data)
def patch(data, at, fmt, v):
    d = bytearray(data); d[at:at + struct.calcsize(fmt)] = struct.pack(fmt, v); return bytes(d)
t = b.index(b"token_embd.weight") + len(b"token_embd.weight")   # n_dims, ne0, ne1, type, offset
p = b.index(b"position_embd.weight") + len(b"position_embd.weight")
k = b.index(b"tokenizer.ggml.tokens") + len(b"tokenizer.ggml.tokens") + 8   # after type, elem type
put("ntensors", patch(b, 8, "<Q", 1 << 40))
put("nkv", patch(b, 16, "<Q", 1 << 40))
put("nkv1", patch(b, 16, "<Q", struct.unpack_from("<Q", b, 16)[0] + 1))
put("keylen", patch(b, 24, "<Q", 1 << 50))
put("ntokens", patch(b, k, "<Q", 1 << 40))
put("toklen", patch(b, k + 8, "<Q", 1 << 33))
put("offset", patch(b, t + 24, "<Q", 1 << 40))
put("misaligned", patch(b, p + 24, "<Q", struct.unpack_from("<Q", b, p + 24)[0] + 4))
put("type99", patch(b, t + 20, "<I", 99))
put("iq2", patch(b, t + 20, "<I", 16))
put("ndims", patch(b, t, "<I", 9))
put("blocks", patch(b, t + 4, "<Q", 255))
put("truncated", b[:-100])
put("v1", patch(b, 4, "<I", 1))
put("bigendian", patch(b, 4, ">I", 3))
PYEOF
bad() { fails 1 "$1.gguf: $2" "$3" emb-extract "$T/$1.gguf"; }
bad ntensors "byte 8: 1099511627776 tensors cannot fit in the file$" "a lying tensor count"
bad nkv "byte 16: 1099511627776 metadata entries cannot fit in the file$" "a lying metadata count"
bad nkv1 "byte [0-9]+: " "a metadata count one too many"
bad keylen "byte 32: key of 1125899906842624 bytes runs past the end of the file$" "a lying string length"
bad ntokens "byte [0-9]+: 1099511627776 tokens cannot fit in the file$" "a lying token count"
bad toklen "byte [0-9]+: token 0: length 8589934592 runs past the end of the file$" "a lying token length"
bad offset "byte [0-9]+: tensor 'token_embd.weight': 1440 bytes at offset 1099511627776 run past the end of the file$" \
    "a lying tensor offset"
bad misaligned "byte [0-9]+: tensor 'position_embd.weight': offset [0-9]+ is not a multiple of the alignment 32$" "a misaligned offset"
bad type99 "byte [0-9]+: tensor 'token_embd.weight': unknown tensor type 99$" "an unknown tensor type, named"
bad iq2 "tensor 'token_embd.weight': type IQ2_XXS is not supported$" "a ggml type not supported here, named"
bad ndims "byte [0-9]+: tensor 'token_embd.weight': 9 dimensions$" "a lying dimension count"
bad blocks "byte [0-9]+: tensor 'token_embd.weight': 255 columns are not whole blocks of 256 for Q4_K$" "a row that is not whole blocks"
bad truncated "byte [0-9]+: .*run past the end of the file$" "a truncated file"
bad v1 "byte 4: GGUF version 1 \(2 and 3 are supported\)$" "GGUF version 1"
bad bigendian "byte 4: a big-endian GGUF file: not supported$" "a big-endian file"
check "--list shows a type it cannot extract" sh -c 'emb-extract --list "$1" | grep -q "^token_embd.weight	IQ2_XXS	(10, 256)$"' sh "$T/iq2.gguf"

BIN=$BIN F=$F T=$T ROOT=$ROOT "$PY" - <<'PYEOF'
import os, subprocess, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests"))
import embio

F, T = os.environ["F"], os.environ["T"]
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
    return embio.last_points(path)

orig = np.fromfile(os.path.join(F, "orig.f32"), "<f4").reshape(10, 256)
# relative RMS error each format's bits allow, about 1.6x what ggml's quantiser reaches
tol = {"f64": 0, "f32": 0, "f16": 1e-3, "bf16": 5e-3, "q8_0": 0.01, "q6_K": 0.03, "q5_K": 0.06,
       "q5_0": 0.07, "q5_1": 0.07, "q4_K": 0.12, "q4_0": 0.14, "q4_1": 0.14,
       "q3_K": 0.25, "q2_K": 0.45}
gpt2 = ["!", "the", "Ġthe", "Ġof", "Ċ", "ing", "é", "ĠcafÃ©", "<|endoftext|>", "ĠĠ"]
for t, bound in tol.items():
    fr = run(os.path.join(F, f"gguf-{t}.gguf"))
    ref = np.fromfile(os.path.join(F, f"ref-{t}.f32"), "<f4").reshape(10, 256)
    if fr is None:
        tap(False, f"{t}: extracted")
        continue
    X = fr["data"]
    tap(np.array_equal(X.view("<u4"), ref.view("<u4")),
        f"{t}: the dequantised values are ggml's to_float's, bit for bit")
    err = np.sqrt(((X - orig) ** 2).mean() / (orig ** 2).mean())
    tap(err <= bound, f"{t}: within the format's error of the original values ({err:.4f} <= {bound})")
    m = fr["meta"]
    tap(m.get("tensor") == "token_embd.weight" and m.get("dtype") == t.upper() and
        m.get("format") == "gguf" and (m.get("quantization") == t.upper()) == (t[0] == "q"),
        f"{t}: tensor, dtype and quantisation in the metadata")
fr = run(os.path.join(F, "gguf-q4_0.gguf"))
tap(fr is not None and fr["fields"] == ["token", "id"] and
    fr["labels"] == [[w, str(i)] for i, w in enumerate(gpt2)] and
    fr["meta"].get("gguf.architecture") == "gpt2",
    "token_embd.weight by default, labelled by tokenizer.ggml.tokens and their ids")
fr = run("-t", "output.weight", os.path.join(F, "gguf-f16.gguf"))
ref = np.fromfile(os.path.join(F, "ref-f16.f32"), "<f4").reshape(10, 256)
tap(fr is not None and np.array_equal(fr["data"], ref) and
    fr["labels"] == [[w, str(i)] for i, w in enumerate(gpt2)], "output.weight, labelled by the tokens")
fr = run("--readable", os.path.join(F, "gguf-q4_0.gguf"))
tap(fr is not None and [l[0] for l in fr["labels"]] ==
    ["!", "the", " the", " of", "\\n", "ing", "\\xe9", " café", "<|endoftext|>", "  "],
    "--readable: GPT-2's byte-level tokens as text, a partial character escaped")
fr = run("--readable", os.path.join(F, "gguf-q6_K.gguf"))
tap(fr is not None and [l[0] for l in fr["labels"]] ==
    ["<unk>", "<s>", "</s>", "\\n", " the", " of", "ing", " café", "  ", "\\xe2"],
    "--readable: SentencePiece's ▁ and <0xNN> as text")
fr = run("-t", "position_embd.weight", os.path.join(F, "gguf-q4_K.gguf"))
pos = np.fromfile(os.path.join(F, "pos.f32"), "<f4").reshape(2, 256)
tap(fr is not None and np.array_equal(fr["data"], pos) and fr["fields"] == ["index"],
    "-t position_embd.weight: its values, labelled by index")
v2 = run(os.path.join(F, "gguf-v2.gguf"))
v3 = run(os.path.join(F, "gguf-f32.gguf"))
tap(v2 is not None and v3 is not None and np.array_equal(v2["data"], v3["data"]) and
    v2["labels"] == v3["labels"], "GGUF version 2")
fr = run("--vocab", os.path.join(F, "vocab.txt"), os.path.join(F, "gguf-q8_0.gguf"))
tap(fr is not None and fr["labels"][4] == ["the", "4"] and fr["labels"][9] == ["9", "9"],
    "--vocab replaces the file's own tokens")
fr = run("--words", "Ġof,!", "-t", "token_embd.weight", os.path.join(F, "gguf-q3_K.gguf"))
ref = np.fromfile(os.path.join(F, "ref-q3_K.f32"), "<f4").reshape(10, 256)
tap(fr is not None and np.array_equal(fr["data"], ref[[3, 0]]), "--words by token, in the list's order")
fr = run("--center", "--rows", "2:6", os.path.join(F, "gguf-q5_1.gguf"))
ref = np.fromfile(os.path.join(F, "ref-q5_1.f32"), "<f4").reshape(10, 256)[2:6]
tap(fr is not None and np.allclose(fr["data"], ref - ref.mean(0), atol=1e-5), "--rows and --center")
PYEOF
