"""Hostile labels, field names and metadata for emb-plot's safety tests.

    plot_hostile.py stream CANARY SEED > X.emb   labels that try to run commands
                                                 (touching CANARY), write files,
                                                 end datablocks, break XML/JS ...
    plot_hostile.py svg X.emb OUT.svg            every label shows, cleaned, as
                                                 hover text and as a <text>
    plot_hostile.py html X.emb OUT.html          the same for the canvas page
    plot_hostile.py script SCRIPT                no backquote, @ or ! anywhere;
                                                 every data line starts a number
"""
import random
import re
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import embio  # noqa: E402
from plot_check import HOVER, HTML, SVG, clean, html_texts, svg_texts  # noqa: E402


def hostile(canary):
    c = canary.encode()
    fixed = [
        b'"; system("touch ' + c + b'"); "',
        b"`touch " + c + b"`",
        b'"`touch ' + c + b'`"',
        b"$(touch " + c + b")",
        b"'; set output \"" + c + b"\"; plot 1; '",
        b"\nset output \"" + c + b"\"\nplot 1\n",
        b"EOD",
        b"EOD\nset print \"" + c + b"\"\nprint 1\nEOD",
        b"@mac",
        b"x @mac y",
        b'!touch ' + c,
        b'system("touch ' + c + b'")',
        b'set print "' + c + b'"',
        b'load "' + c + b'"',
        b'eval "print 1"',
        b"\\", b"abc\\", b'\\"', b"\\0042", b"\\134", b"\\U+0041", b"\\n",
        b"'", b'"', b"''", b'""',
        b"</script><script>alert(1)</script>",
        b"]]>", b"&#x0;", b"&#x41;", b"&amp;", b"<b>bold</b>", b"a & b < c > d",
        b"'); alert(1); ('",
        b'" onmouseover="alert(1)',
        b"\x1b]0;pwned\x07", b"\x1b[31mred\x1b[0m",
        b"\xff\xfe", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80",
        "line\u2028sep\u2029".encode(), "bom\ufeff".encode(), "rtl\u202eevil".encode(),
        "\ufffe\uffff".encode(),
        b"tab\there", b"cr\rhere", b"nul\x01\x02\x7f\xc2\x85",
        b"#comment", b"%s%n%x%d", b"; quit", b"{}^_&~",
        b"", b" ", b"  two  spaces  ",
        "caf\u00e9 \u65e5\u672c\u8a9e \U0001F600".encode(),
        b'"' * 4096,
        (b"`" + b"x" * 100) * 40,
    ]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    alphabet = list(range(256)) + [ord(ch) for ch in "\"'`\\@!#$\n<&>;EOD"] * 8
    for _ in range(150):
        n = rng.choice([1, 2, 5, 20, 100, 300])
        fixed.append(bytes(rng.choice(alphabet) or 1 for _ in range(n)))
    return [b.replace(b"\0", b"\1") for b in fixed]


def write_stream(canary):
    labels = hostile(canary)
    n = len(labels)
    rng = np.random.RandomState(7)
    X = rng.normal(size=(n, 2)).astype(np.float32)
    bad_field = '"; system("touch %s"); "`touch %s`\n@mac' % (canary, canary)
    cls = [["class %d `touch %s`" % (i % 5, canary)] for i in range(n)]
    rows = [[lab.decode("utf-8", "surrogateescape"), c[0]] for lab, c in zip(labels, cls)]
    meta = {
        "source": '/tmp/"`touch %s`".txt\nset output "%s"' % (canary, canary),
        "reducer": "tsne",
        "tsne.perplexity": '30"; system("touch %s"); "' % canary,
    }
    embio.write_points(sys.stdout.buffer, X, rows, ["word", bad_field], meta)


def labels_of(stream):
    f = embio.last_points(stream)
    return [r[0].encode("utf-8", "surrogateescape") for r in f["labels"]], f


def fail(msg):
    print(msg)
    sys.exit(1)


def compare(what, got, want):
    missing = [w for w in want if w not in got]
    if missing:
        fail("%s: %d of %d missing, e.g. %r; got e.g. %r" % (what, len(missing), len(want),
                                                            missing[:3], sorted(got)[:3]))


def check_svg(stream, path):
    labels, f = labels_of(stream)
    texts, hovers = svg_texts(path)
    labels = [b for b in labels if b]   # gnuplot shows no hover text for an empty one
    if len(hovers) != len(labels):
        fail("svg: %d hover texts for %d points" % (len(hovers), len(labels)))
    if sorted(hovers) != sorted(clean(b, flags=SVG | HOVER) for b in labels):
        compare("svg hover", set(hovers), [clean(b, flags=SVG | HOVER) for b in labels])
        fail("svg hover texts differ")
    compare("svg labels", set(texts), [clean(b, flags=SVG) for b in labels if b])
    compare("svg legend", set(texts), [clean(c[1], flags=SVG) for c in f["labels"][:5]])
    compare("svg key title", set(texts), [clean(f["fields"][1], flags=SVG)])
    title = [t for t in texts if t.startswith("t-SNE (perplexity 30")]
    if len(title) != 1 or title[0] != clean(
            "t-SNE (perplexity %s) of %s, %s points" % (
                f["meta"]["tsne.perplexity"], f["meta"]["source"].rsplit("/", 1)[1],
                len(f["labels"])), 160, SVG):
        fail("svg title: %r" % title)


def check_html(stream, path):
    labels, f = labels_of(stream)
    texts, hovers, page = html_texts(path)
    labels = [b for b in labels if b]
    if len(hovers) != len(labels):
        fail("html: %d hover texts for %d points" % (len(hovers), len(labels)))
    if sorted(hovers) != sorted(clean(b, flags=HTML) for b in labels):
        fail("html hover texts differ")
    compare("html labels", set(texts), [clean(b, flags=HTML) for b in labels if b])
    if page.lower().count("</script") != page.lower().count("<script"):
        fail("html: a label closes a <script> element")


def check_script(path):
    data = open(path, "rb").read()
    for ch in b"`@!":
        if ch in data:
            fail("script contains %r" % chr(ch))
    inblock = None
    for line in data.split(b"\n"):
        m = re.match(rb"^\$\w+ << (\w+)$", line)
        if inblock is None and m:
            inblock = m.group(1)
        elif inblock is not None and line.startswith(inblock):
            inblock = None
        elif inblock is not None and line and not re.match(rb"^(-?[0-9]|NaN)", line):
            fail("data line %r does not start with a number" % line[:40])
        elif inblock is None and line and (line.rstrip().endswith(b"\\") and
                                           not line.endswith(b", \\")):
            fail("a command line continues: %r" % line[:60])
    if inblock is not None:
        fail("a datablock does not end")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "stream":
        write_stream(sys.argv[2])
    elif cmd == "svg":
        check_svg(sys.argv[2], sys.argv[3])
    elif cmd == "html":
        check_html(sys.argv[2], sys.argv[3])
    elif cmd == "script":
        check_script(sys.argv[2])
    else:
        sys.exit("unknown command")
