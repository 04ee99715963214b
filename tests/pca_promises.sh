#!/bin/sh
# emb-pca(1)'s promises about failing well: --save leaves no model when the
# run fails, metadata and headers past emb(5)'s limits are errors naming the
# file, before any output; -j.
. "$(dirname "$0")/lib.sh"

if ! need_py numpy; then
	skip "emb-pca promises" "no numpy for $PY"
	exit 0
fi
"$PY" -c "
import sys; sys.path.insert(0, '$ROOT/tests'); import embio, numpy as np
r = np.random.RandomState(6)
good = r.randn(50, 4)
with open('$T/first.emb', 'wb') as f:
    embio.write_points(f, good)
with open('$T/late.emb', 'wb') as f:    # a good frame, then one PCA cannot fit
    embio.write_points(f, good)
    embio.write_points(f, r.randn(1, 4))
with open('$T/meta249.emb', 'wb') as f:
    embio.write_points(f, r.randn(20, 3), meta={'m%03d' % i: 'v' for i in range(249)})
with open('$T/meta250.emb', 'wb') as f:
    embio.write_points(f, r.randn(20, 3), meta={'m%03d' % i: 'v' for i in range(250)})
# a header 60 bytes under emb(5)'s 1 MiB: 85 values of 4096 escaped bytes (%25 each), a filler
meta = {'m%03d' % i: '%' * 4096 for i in range(85)}
meta['zfill'] = ''
import io
b = io.BytesIO(); embio.write_points(b, r.randn(20, 3), meta=meta)
size = b.getvalue().index(b'ENDHDR\n') + 7
meta['zfill'] = 'x' * ((1 << 20) - 60 - size)    # 60 bytes short: PCA's keys do not fit
with open('$T/nearmax.emb', 'wb') as f:
    embio.write_points(f, r.randn(20, 3), meta=meta)
"

# --save: written under a temporary name beside the model, renamed at the end.
mkdir "$T/d"
emb-pca -k 2 --save "$T/d/m.emb" "$T/late.emb" >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'frame 2: PCA needs at least 2 rows' "$T/err" && [ -z "$(ls -A "$T/d")" ]; then
	ok "--save, a run that fails after the first fit: no model, no temporary file"
else
	notok "--save after a failure: exit $rc, left: $(ls -A "$T/d")"
fi
cat "$T/late.emb" | emb-pca -k 2 --save "$T/d/m.emb" >/dev/null 2>&1
check "--save, the same from a pipe: nothing left" test -z "$(ls -A "$T/d")"
echo old >"$T/d/m.emb"
emb-pca -k 2 --save "$T/d/m.emb" "$T/late.emb" >/dev/null 2>&1
check "--save over an old model that then fails: the old one stays" \
    sh -c "[ \"\$(cat '$T/d/m.emb')\" = old ] && [ \$(ls -A '$T/d' | wc -l) -eq 1 ]"
emb-pca -k 2 --save "$T/d/m.emb" "$T/first.emb" >"$T/first.out"
if emb-info "$T/d/m.emb" | grep -q '^frame 1: points, 3 rows x 4 cols' &&
    [ "$(ls -A "$T/d")" = m.emb ]; then
	ok "--save, a run that succeeds: the model under its name, nothing else"
else
	notok "--save: $(ls -A "$T/d" | tr '\n' ' ')"
fi
umask 027
emb-pca -k 2 --save "$T/d/u.emb" "$T/first.emb" >/dev/null
check "--save: the model's mode follows the umask, as a new file's would" \
    test "$(stat -c %a "$T/d/u.emb")" = 640
umask 022

# Limits of emb(5): an error naming the file, and no output.
emb-pca -k 2 "$T/meta249.emb" >"$T/out" 2>"$T/err"
check "249 metadata entries and PCA's 7: 256, allowed" test $? -eq 0
fails 1 "^emb-pca: .*meta250.emb: frame 1: 250 metadata entries, and PCA adds 7: more than the 256 of a header$" \
    "250 metadata entries: too many with PCA's, the file named" emb-pca -k 2 "$T/meta250.emb"
check "... and nothing on stdout" test ! -s "$T/out"
emb-info "$T/nearmax.emb" >/dev/null 2>"$T/err"
check "a header just under 1 MiB is valid input" test $? -eq 0
fails 1 'header' "emb-pca's output header would pass 1 MiB: an error" emb-pca -k 2 "$T/nearmax.emb"
check "... and nothing on stdout" test ! -s "$T/out"

# -j
fails 1 '^emb-pca: -j: 0 is out of range' "-j 0" emb-pca -j 0 "$T/first.emb"
emb-pca -j 3 -k 2 "$T/first.emb" >"$T/j3.out"
check "-j 3: the output of the default" cmp -s "$T/j3.out" "$T/first.out"
