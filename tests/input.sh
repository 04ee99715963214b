# lib's input layer (emb_input): plain or gzip, file or pipe, strict about
# cut gzip members and bytes after them; lines bounded, BOM and CR dropped.
. "$(dirname "$0")/lib.sh"

# Two gzip members of odd content, as gzip(1) and Python write them.
"$PY" - "$T" <<'PY'
import gzip, os, random, sys
t = sys.argv[1]
random.seed(5)
a = bytes(random.randrange(256) for _ in range(150000))    # more than the buffers
b = b"second member\n" * 1000
m1, m2 = gzip.compress(a, mtime=0), gzip.compress(b, mtime=0)
open(t + "/plain", "wb").write(a + b)
open(t + "/two.gz", "wb").write(m1 + m2)
open(t + "/m1len", "w").write("%d %d" % (len(m1), len(m1) + len(m2)))
# every way to cut the two members, but at their ends
cuts = sorted(set([2, 3, 9, 10, 11, 40, len(m1) // 2, len(m1) - 9, len(m1) - 8, len(m1) - 1,
                   len(m1) + 1, len(m1) + 2, len(m1) + 10, len(m1) + len(m2) - 1]))
for c in cuts:
    open(t + "/cut%d.gz" % c, "wb").write((m1 + m2)[:c])
open(t + "/cuts", "w").write(" ".join(map(str, cuts)))
open(t + "/garbage.gz", "wb").write(m1 + b"x")
open(t + "/garbage1f.gz", "wb").write(m1 + b"\x1f\x00")
open(t + "/zeros.gz", "wb").write(m1 + b"\0" * 100)
bad = bytearray(m1)
bad[len(m1) // 2] ^= 0xff
open(t + "/flip.gz", "wb").write(bytes(bad))
crc = bytearray(m1)
crc[-8] ^= 1
open(t + "/crc.gz", "wb").write(bytes(crc))
PY

for how in file pipe; do
	for mode in read getc; do
		if [ $how = file ]; then
			inputcat $mode "$T/two.gz" >"$T/out" 2>"$T/err"
		else
			cat "$T/two.gz" | inputcat $mode >"$T/out" 2>"$T/err"
		fi
		check "two gzip members ($how, $mode) read as gzip -dc reads them" \
		    sh -c "gzip -dc '$T/two.gz' | cmp -s - '$T/out' && [ ! -s '$T/err' ]"
	done
	if [ $how = file ]; then
		inputcat read "$T/plain" >"$T/out"
	else
		cat "$T/plain" | inputcat read >"$T/out"
	fi
	check "plain input ($how) passes unchanged" cmp -s "$T/plain" "$T/out"
done
for c in $(cat "$T/cuts"); do
	fails 1 "cut$c.gz: truncated gzip stream$" "gzip cut after $c bytes: truncated (file)" \
	    inputcat read "$T/cut$c.gz"
	fails 1 "stdin: truncated gzip stream$" "gzip cut after $c bytes: truncated (pipe)" \
	    sh -c "cat '$T/cut$c.gz' | inputcat getc"
done
read -r m1 all <"$T/m1len"
head -c "$m1" "$T/two.gz" >"$T/first.gz"
check "cut exactly after the first member: a complete gzip file" \
    sh -c "inputcat read '$T/first.gz' >'$T/out1' && head -c 150000 '$T/plain' | cmp -s - '$T/out1'"
printf '\037\213' >"$T/magic"
fails 1 "magic: truncated gzip stream$" "the gzip magic alone: truncated" inputcat read "$T/magic"
printf '\037' >"$T/one"
check "one byte 0x1f is a plain input of one byte" \
    sh -c "inputcat read '$T/one' | od -An -c | grep -q '037'"
fails 1 "garbage.gz: trailing garbage after gzip data$" "a byte after the last member" \
    inputcat read "$T/garbage.gz"
fails 1 "garbage1f.gz: trailing garbage after gzip data$" "0x1f 0x00 after the last member" \
    inputcat read "$T/garbage1f.gz"
fails 1 "stdin: trailing garbage after gzip data$" "zeros after the last member (pipe)" \
    sh -c "cat '$T/zeros.gz' | inputcat read"
fails 1 "flip.gz: (bad gzip data: |truncated gzip stream$)" "a corrupt byte in the deflate data" \
    inputcat read "$T/flip.gz"
fails 1 "crc.gz: bad gzip data: incorrect data check$" "a wrong CRC" inputcat read "$T/crc.gz"
: >"$T/empty"
check "an empty input reads as empty" sh -c "inputcat read '$T/empty' | wc -c | grep -qx 0"
mkdir "$T/dir"
fails 1 "^inputcat: $T/dir: is a directory$" "a directory: one message, the name once" \
    inputcat read "$T/dir"
fails 1 "^inputcat: $T/nonexistent: No such file or directory$" "a missing file: named once" \
    inputcat read "$T/nonexistent"
inputcat size "$T/plain" >"$T/size"
check "a plain file: regular, its size known" grep -qx "regular 1 size 164000 compressed 0" "$T/size"
inputcat size "$T/two.gz" >"$T/size"
check "a gzip file: not regular (its length says little), compressed" \
    grep -qx "regular 0 size 0 compressed 1" "$T/size"

# Lines: the newline and a CR before it go, a BOM at the very start goes,
# the last line needs no newline, a line over the bound is an error.
printf '\357\273\277first\r\nsecond\n\n\357\273\277third\r\r\nlast' >"$T/lines"
inputcat line 100 "$T/lines" >"$T/out"
printf '5:first\n6:second\n0:\n9:\357\273\277third\r\n4:last\n' >"$T/want"
check "lines: BOM dropped at the start only, one CR dropped, last line without newline" \
    cmp -s "$T/want" "$T/out"
gzip -c "$T/lines" | inputcat line 100 >"$T/out"
check "lines from gzip through a pipe: the same" cmp -s "$T/want" "$T/out"
printf 'abcd\r\nabcde\n' >"$T/long"
fails 1 "long: line 2: longer than 4 bytes$" "a line over the bound: an error naming it" \
    inputcat line 4 "$T/long"
check "a line of exactly the bound with a CR is fine" sh -c "printf 'abcd\r\n' | inputcat line 4 >/dev/null"
# a gzip file of one endless line costs no more memory than the bound
"$PY" -c 'import gzip, sys; sys.stdout.buffer.write(gzip.compress(b"x" * (300 << 20), 1))' >"$T/huge.gz"
if [ -z "$EMB_SANITIZED" ]; then
	fails 1 "huge.gz: line 1: longer than 4096 bytes$" \
	    "a 300 MB line in 300 kB of gzip: an error at once (ulimit -v 100 MB)" \
	    sh -c "ulimit -v 100000; inputcat line 4096 '$T/huge.gz'"
else
	fails 1 "huge.gz: line 1: longer than 4096 bytes$" "a 300 MB line: an error" \
	    inputcat line 4096 "$T/huge.gz"
fi
