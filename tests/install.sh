# make install and make uninstall honour DESTDIR, PREFIX and MANDIR.
. "$(dirname "$0")/lib.sh"

make -s -C "$ROOT" B="$BIN" DESTDIR="$T/root" PREFIX=/opt/emb MANDIR=/opt/man install >"$T/log" 2>&1
check "make install succeeds" test $? -eq 0
for prog in "$BIN"/emb-*; do
	p=$(basename "$prog")
	check "$p installed in DESTDIR/PREFIX/bin" test -x "$T/root/opt/emb/bin/$p"
	check "$p.1 installed in DESTDIR/MANDIR/man1" test -f "$T/root/opt/man/man1/$p.1"
done
check "emb.5 installed in DESTDIR/MANDIR/man5" test -f "$T/root/opt/man/man5/emb.5"
make -s -C "$ROOT" B="$BIN" DESTDIR="$T/root" PREFIX=/opt/emb MANDIR=/opt/man uninstall >"$T/log" 2>&1
left=$(find "$T/root" -type f | wc -l)
check "make uninstall removes every file it installed" test "$left" -eq 0
