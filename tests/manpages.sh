# Every program has a man page that lints clean, and its -h text is the synopsis of that page.
. "$(dirname "$0")/lib.sh"

for prog in "$BIN"/emb-*; do
	p=$(basename "$prog")
	page=$ROOT/man/$p.1
	if [ ! -f "$page" ]; then
		notok "$p has a man page"
		continue
	fi
	lint=$(mandoc -Tlint -Wwarning "$page" 2>&1)
	check "$p.1 lints clean${lint:+ ($lint)}" test -z "$lint"
	"$prog" -h >"$T/h" 2>&1
	rc=$?
	check "$p -h exits 0" test "$rc" -eq 0
	# the SYNOPSIS section as mandoc renders it, on one line
	syn=$(MANWIDTH=1000 mandoc -Tascii -O width=1000 "$page" | col -b |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' '  ' |
	    sed 's/^ *//; s/ *$//')
	use=$(sed 's/^usage: //' "$T/h" | tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//')
	if [ "$syn" = "$use" ]; then
		ok "$p -h matches the man page synopsis"
	else
		notok "$p -h matches the man page synopsis (man: '$syn'; -h: '$use')"
	fi
done
lint=$(mandoc -Tlint -Wwarning "$ROOT/man/emb.5" 2>&1)
check "emb.5 lints clean" test -z "$lint"
