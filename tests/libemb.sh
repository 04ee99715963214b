# libemb's portable parts: the random generator and number parsing.
. "$(dirname "$0")/lib.sh"

# xoshiro256** seeded by splitmix64, written again from the published algorithm.
rngdump 12345 1000 >"$T/rng"
check "random numbers equal an independent xoshiro256** (seed 12345)" "$PY" - "$T/rng" <<'PY'
import sys
M = (1 << 64) - 1
s, st = 12345, []
for _ in range(4):
    s = (s + 0x9E3779B97F4A7C15) & M
    z = s
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    st.append(z ^ (z >> 31))
rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & M
def nxt():
    r = (rotl((st[1] * 5) & M, 7) * 9) & M
    t = (st[1] << 17) & M
    st[2] ^= st[0]; st[3] ^= st[1]; st[1] ^= st[2]; st[0] ^= st[3]; st[2] ^= t
    st[3] = rotl(st[3], 45)
    return r
got = [int(x) for x in open(sys.argv[1])]
assert got[:1000] == [nxt() for _ in range(1000)]
lim = (-10) % (1 << 64) % 10
x = nxt()
while x < lim: x = nxt()
assert got[1000] == x % 10
PY
check "the same seed gives the same numbers" sh -c "rngdump 12345 1000 | cmp -s - '$T/rng'"
fails 1 "seed: 'x' is not a whole number" "a seed that is not a number" rngdump x 3
fails 1 "n: 1000001 is out of range" "a count out of range" rngdump 1 1000001
fails 1 "seed: '12a' is not a whole number" "trailing garbage in a number" rngdump 12a 3

# tests/lib.sh: a skip of a required tool fails the run under CI=true, and only there.
mkdir -p "$T/req/tests"
printf '. "%s/tests/lib.sh"\nskip_required "x" "no tool"\n' "$ROOT" >"$T/req/tests/req.sh"
check "skip_required: a SKIP without CI" sh -c "CI= sh '$T/req/tests/req.sh' | grep -qx 'ok - x # SKIP no tool'"
check "skip_required: not ok under CI=true" sh -c "CI=true sh '$T/req/tests/req.sh' | grep -q '^not ok - x '"
