# Sourced by every tests/*.sh.  Prints TAP lines; tests/run counts them.
: "${BIN:?BIN must name the directory of the built programs}"
PATH=$BIN:$BIN/tests:$PATH
export PATH
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-/usr/bin/python3}		# Debian's, where numpy and sklearn are
DATA=${EMB_DATA:-$ROOT/../shared/data}	# the shared real data sets, beside the checkout
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
skip() { n=$1; shift; echo "ok - $n # SKIP $*"; }
# skip_required NAME WHY: a check that cannot run for want of a tool the
# project requires (numpy, sklearn, gensim, gnuplot); under CI=true, where
# make deps has installed them all, that is a failure, not a skip.
skip_required() {
	n=$1; shift
	if [ "${CI:-}" = true ]; then
		echo "not ok - $n (a required tool is missing under CI=true: $*)"
	else
		echo "ok - $n # SKIP $*"
	fi
}

# check NAME CMD...: passes when CMD exits 0.
check() {
	n=$1; shift
	if "$@"; then ok "$n"; else notok "$n"; fi
}

# fails CODE PATTERN NAME CMD...: CMD exits CODE and prints exactly one line
# on stderr, matching the extended regex PATTERN (no sanitizer report).
fails() {
	code=$1 pat=$2 n=$3; shift 3
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" -eq "$code" ] && [ "$lines" -eq 1 ] && grep -Eq -- "$pat" "$T/err"; then
		ok "$n"
	else
		notok "$n (exit $rc, want $code; stderr: $(head -c 300 "$T/err" | tr '\n' '|'))"
	fi
}

# need_py MODULE...: true when Debian's python3 has these modules.
need_py() {
	for m in "$@"; do
		"$PY" -c "import $m" 2>/dev/null || return 1
	done
}

# have_data FILE: true when the shared data set is there.
have_data() { [ -r "$DATA/$1" ]; }

# usage_fails NAME CMD...: CMD exits 2 and its last line on stderr is the usage.
usage_fails() {
	n=$1; shift
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 2 ] && tail -n 1 "$T/err" | grep -q '^usage: '; then
		ok "$n"
	else
		notok "$n (exit $rc, want 2; stderr: $(head -c 300 "$T/err" | tr '\n' '|'))"
	fi
}
