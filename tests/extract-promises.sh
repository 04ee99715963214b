# Promises of emb-extract(1) not covered elsewhere, on small bundled files:
# the progress meter and -q/-v, metadata keys, zero rows under --normalize,
# the default seed, GloVe words with spaces, --match in the locale.
. "$(dirname "$0")/lib.sh"
F=$ROOT/tests/fixtures/extract

if ! need_py numpy; then
	skip_required "emb-extract promises" "no numpy for $PY"
	exit 0
fi

# -v: a meter even when stderr is not a terminal; without it none; -q none on a terminal.
emb-extract -v "$F/tensors.tsv" >/dev/null 2>"$T/err.v"
emb-extract "$F/tensors.tsv" >/dev/null 2>"$T/err.0"
check "-v: the progress meter on stderr, ending at 100%" \
    grep -q "emb-extract: reading: 100%" "$T/err.v"
check "by default, stderr not a terminal: no meter" test ! -s "$T/err.0"
# a file of some MB, so the meter has something to show
"$PY" -c 'import sys; sys.stdout.write("0.5 1.25 -3\n" * 400000)' >"$T/big.tsv"
script -qec "emb-extract '$T/big.tsv' >/dev/null" /dev/null >"$T/tty.0" 2>&1
script -qec "emb-extract -q '$T/big.tsv' >/dev/null" /dev/null >"$T/tty.q" 2>&1
check "on a terminal (script(1)): the meter by default" grep -q "reading: 100%" "$T/tty.0"
check "on a terminal with -q: no meter" sh -c "! grep -q 'reading' '$T/tty.q'"

"$PY" - "$T" <<'PY'
import sys
t = sys.argv[1]
open(t + "/zero.tsv", "w").write("3 4\n0 0\n-1 0\n")
# a GloVe line whose word has spaces, as the large Common Crawl files have
open(t + "/spaces.txt", "w").write("the 1 2 3\n. . . 4 5 6\nat name@x.com 7 8 9\n")
open(t + "/loc.txt", "w", encoding="utf-8").write("\u00e9 1 2\n1 3 4\nab 5 6\n")
PY

emb-extract --normalize "$T/zero.tsv" >"$T/zero.emb"
emb-extract -t vectors "$F/np_stored.npz" >"$T/npz.emb"
emb-extract "$F/np_f4_be.npy" >"$T/npy.emb"
emb-extract --sample 5 "$F/tensors.tsv" >"$T/s.emb"
emb-extract --sample 5 --seed 0 "$F/tensors.tsv" >"$T/s0.emb"
emb-extract "$T/spaces.txt" >"$T/spaces.emb"
LC_ALL=C.UTF-8 emb-extract --match '^[[:alpha:]]+$' "$T/loc.txt" >"$T/loc.utf8.emb"
LC_ALL=C emb-extract --match '^[[:alpha:]]+$' "$T/loc.txt" >"$T/loc.c.emb"
check "metadata keys, zero rows, GloVe words with spaces, --match in the locale" \
    "$PY" - "$T" "$ROOT/tests" "$F" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t, F = sys.argv[1], sys.argv[3]
z = embio.read(t + "/zero.emb")[0]
assert np.allclose(z["data"], [[0.6, 0.8], [0, 0], [-1, 0]], rtol=0, atol=1e-7), z["data"]
assert z["data"][1].tolist() == [0, 0]
m = embio.read(t + "/npz.emb")[0]["meta"]
want = {"source": F + "/np_stored.npz", "format": "npz", "source.cols": "8",
        "tensor": "vectors", "dtype": "<f4"}
assert all(m.get(k) == v for k, v in want.items()), m
m = embio.read(t + "/npy.emb")[0]
assert m["meta"]["format"] == "npy" and m["meta"]["dtype"] == ">f4" and m["fields"] == ["index"]
assert m["labels"] == [[str(i)] for i in range(len(m["labels"]))]
assert open(t + "/s.emb", "rb").read() == open(t + "/s0.emb", "rb").read(), "default seed is 0"
s = embio.read(t + "/spaces.emb")[0]
assert s["labels"] == [["the"], [". . ."], ["at name@x.com"]] and s["data"][1].tolist() == [4, 5, 6], s
u = embio.read(t + "/loc.utf8.emb")[0]["labels"]
c = embio.read(t + "/loc.c.emb")[0]["labels"]
assert u == [["\u00e9"], ["ab"]] and c == [["ab"]], (u, c)
PY

# --rows: reading stops after row to, so what follows is never parsed.
printf '1 2\n3 4\n5 6\n7 8\nnot numbers\n' >"$T/tail.tsv"
emb-extract --rows 1:4 "$T/tail.tsv" >"$T/rows.emb" 2>"$T/err"
check "--rows 1:4 stops after row 3: the bad line 5 is not read" \
    sh -c "[ ! -s '$T/err' ] && emb-info -t '$T/rows.emb' | tr '\t' ' ' | tr '\n' ' ' | grep -qx '3 4 5 6 7 8 '"
fails 1 "tail.tsv: line 5, value 1: 'not' is not a number" "--rows 1: reads on to the bad line" \
    emb-extract --rows 1: "$T/tail.tsv"
