#!/bin/sh
# Every program, when its reader goes away (| head -c 1), ends quietly by
# SIGPIPE; on a full disk (> /dev/full) it exits 1 with one message.
# On the bundled examples/ data.
. "$(dirname "$0")/lib.sh"
EX=$ROOT/examples
F=$ROOT/tests/fixtures/knn
export T EX F

# quiet_pipe NAME COMMAND: COMMAND | head -c 1 gets its byte, and COMMAND is
# ended by SIGPIPE (exit 141) with nothing on stderr.
quiet_pipe() {
	n=$1 cmd=$2
	{ sh -c "$cmd" 2>"$T/err"; echo $? >"$T/rc"; } | head -c 1 >"$T/one"
	rc=$(cat "$T/rc")
	if [ "$rc" -eq 141 ] && [ ! -s "$T/err" ] && [ "$(wc -c <"$T/one")" -eq 1 ]; then
		ok "$n | head -c 1: ends by SIGPIPE, no message"
	else
		notok "$n | head -c 1: exit $rc, stderr: $(head -c 200 "$T/err" | tr '\n' '|')"
	fi
}
# full NAME COMMAND: COMMAND > /dev/full exits 1 with one line naming the error.
full() {
	fails 1 '(write error|stdout).*No space left on device$' "$1 > /dev/full" \
	    sh -c "$2 >/dev/full"
}

emb-extract -q -l "$EX/fashion-mnist-2k.labels" "$EX/fashion-mnist-2k.npz" >"$T/fm.emb"
emb-extract -q "$EX/glove-100d-2k.txt.gz" >"$T/glove.emb"
emb-pca -q -k 50 "$T/fm.emb" >"$T/p50.emb"
emb-pca -q -k 2 "$T/p50.emb" >"$T/p2.emb"

quiet_pipe "emb-extract" 'emb-extract "$EX/glove-100d-2k.txt.gz"'
full "emb-extract" 'emb-extract "$EX/glove-100d-2k.txt.gz"'
quiet_pipe "emb-pca (a file)" 'emb-pca -k 50 "$T/fm.emb"'
quiet_pipe "emb-pca (a pipe)" 'cat "$T/fm.emb" | emb-pca -k 50'
full "emb-pca" 'emb-pca -k 50 "$T/fm.emb"'
quiet_pipe "emb-pca --save" 'cd "$T" && mkdir -p save && emb-pca -k 50 --save save/m.emb fm.emb'
check "emb-pca --save ended by SIGPIPE leaves no model and no temporary file" \
    test -z "$(ls -A "$T/save")"
quiet_pipe "emb-knn graph" 'emb-knn -k 15 "$T/p50.emb"'
full "emb-knn graph" 'emb-knn -k 15 "$T/p50.emb"'
quiet_pipe "emb-knn -q" 'emb-knn -k 1500 -q king -q queen -q man "$T/glove.emb"'
full "emb-knn -q" 'emb-knn -k 5 -q king "$T/glove.emb"'
full "emb-knn --analogies" 'emb-knn --analogies "$F/questions.txt" "$T/glove.emb"'
full "emb-knn --against" 'emb-knn --against "$T/p50.emb" "$T/p2.emb"'
quiet_pipe "emb-plot" 'emb-plot -T svg -L all -c label "$T/p2.emb"'
full "emb-plot" 'emb-plot -T svg -c label "$T/p2.emb"'
quiet_pipe "emb-info -t" 'emb-info -t "$T/fm.emb"'
full "emb-info" 'emb-info "$T/fm.emb"'
