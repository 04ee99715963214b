"""Checks for emb-plot's tests: decoders for what gnuplot wrote (PNG, GIF, SVG,
canvas HTML, PDF, sixel, dumb text), a reader for the script's datablocks, and
an independent model of how emb-plot must clean label text.

    plot_check.py png FILE [~TOL] [#rrggbb ...] -> "W H", then the pixels of each
                                           colour (each channel within TOL)
    plot_check.py gif FILE                 -> "W H FRAMES"
    plot_check.py pdf FILE                 -> "W H" (MediaBox, points)
    plot_check.py sixel FILE               -> "W H"
    plot_check.py dumb FILE                -> "COLS LINES" (widest line, lines)
    plot_check.py coords SCRIPT STREAM COLS  -> exit 0 when $points == the frame
    plot_check.py legend SCRIPT STREAM FIELD -> exit 0 when the legend and colours
                                             are the 20-class rule applied to FIELD
    plot_check.py palette SCRIPT STREAM FIELD|row -> exit 0 when colours follow
                                             the value through viridis
    plot_check.py overlap SVG              -> number of labels; exit 1 if two overlap
    plot_check.py density SCRIPT STREAM    -> exit 0 when $density == histogram2d
    plot_check.py arrows SCRIPT STREAM A>B,... -> exit 0 when $arrows point A to B
    plot_check.py title SCRIPT             -> the title, decoded
"""
import json
import re
import struct
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zlib

import numpy as np

SVG, HTML, HOVER = 1, 2, 4


def clean(raw, maxchars=80, flags=0):
    """What emb-plot promises to make of label bytes (see man/emb-plot.1)."""
    s = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    out = []
    for i, ch in enumerate(s):
        if flags & SVG and ch == ">" and out[-2:] == ["]", "]"]:
            out.append("\uff1e")
            continue
        c = ord(ch)
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if ch == "\t":
            ch = " "
        elif c < 0x20 or c == 0x7F or 0x80 <= c <= 0x9F or c in (0x2028, 0x2029, 0xFFFE, 0xFFFF):
            ch = "\ufffd"
        elif flags & SVG and ch == "&" and nxt == "#":
            ch = "\uff06"
        elif flags & (HTML | HOVER) and ch == '"':
            ch = "\uff02"
        elif flags & (HTML | HOVER) and ch == "\\":
            ch = "\uff3c"
        elif flags & HTML and ch == "<":
            ch = "\uff1c"
        elif flags & HOVER and ch == "'":
            ch = "\u2019"
        out.append(ch)
    if len(out) > maxchars:
        out = out[:maxchars - 1] + ["\u2026"]
    return "".join(out)


def png(path):
    """Decode a PNG completely (CRCs, zlib, filters); returns an H x W x C array."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(typ + body) & 0xFFFFFFFF == crc, "bad CRC"
        if typ == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        elif typ == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    assert depth == 8 and interlace == 0 and ctype in (2, 6), hdr
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    assert len(raw) == h * (stride + 1), "IDAT size"
    img = np.zeros((h, stride), np.uint8)
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int32)
        if f == 0:
            cur = line
        elif f == 1:
            cur = np.cumsum(line.reshape(w, bpp), axis=0).reshape(-1) % 256
        elif f == 2:
            cur = (line + prev) % 256
        elif f in (3, 4):
            cur = [0] * stride
            lv, pv = line.tolist(), prev.tolist()
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b = pv[i]
                if f == 3:
                    cur[i] = (lv[i] + (a + b) // 2) & 255
                else:
                    c = pv[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                    cur[i] = (lv[i] + pr) & 255
            cur = np.array(cur, np.int32)
        else:
            raise AssertionError("bad filter %d" % f)
        img[y] = cur
        prev = cur
    return img.reshape(h, w, bpp)


def gif(path):
    """Width, height and the number of images, walking the GIF's blocks."""
    d = open(path, "rb").read()
    assert d[:6] in (b"GIF87a", b"GIF89a")
    w, h, flags = struct.unpack("<HHB", d[6:11])
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = 0

    def skip_sub(p):
        while d[p]:
            p += d[p] + 1
        return p + 1
    while True:
        b = d[pos]
        if b == 0x3B:
            break
        if b == 0x21:
            pos = skip_sub(pos + 2)
        elif b == 0x2C:
            frames += 1
            f = d[pos + 9]
            pos += 10 + (3 * 2 ** ((f & 7) + 1) if f & 0x80 else 0)
            pos = skip_sub(pos + 1)
        else:
            raise AssertionError("bad GIF block 0x%02x at %d" % (b, pos))
    return w, h, frames


def datablock(script, name):
    """The lines of one datablock, split into fields as gnuplot would."""
    text = open(script, "rb").read().decode("latin-1")
    m = re.search(r"^\$%s << (\w+)\n(.*?)^\1$" % re.escape(name), text, re.S | re.M)
    if m is None:
        return None
    rows = []
    for line in m.group(2).split("\n")[:-1]:
        rows.append(re.findall(r'"[^"]*"|\S+', line))
    return rows


def unescape(field):
    """A quoted datablock field back to text, as gnuplot's parse_esc reads it."""
    s = field[1:-1]
    out, i = bytearray(), 0
    while i < len(s):
        if s[i] == "\\":
            n = 4 if s[i + 1] == "0" else 3
            out.append(int(s[i + 1:i + 1 + n], 8) & 255)
            i += 1 + n
        else:
            out.append(ord(s[i]))
            i += 1
    return out.decode("utf-8")


def svg_texts(path):
    """(texts, hovers): the <text> strings and the hypertext of each point."""
    root = ET.parse(path).getroot()
    texts, hovers = [], []
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        # a boxed label comes twice: its background (filtered), then the text
        if tag == "g" and "textbox" not in el.get("style", ""):
            texts += [t.text or "" for t in el.findall("{http://www.w3.org/2000/svg}text")
                      if t.get("id") is None]
        mm = el.get("onmousemove")
        if mm is not None and mm.startswith("gnuplot_svg.showHypertext(evt,'"):
            assert mm.endswith("')")
            hovers.append(mm[len("gnuplot_svg.showHypertext(evt,'"):-2])
    return texts, hovers


def html_texts(path):
    """(texts, hovers) of a canvas page: the strings of T() and Hypertext() calls."""
    page = open(path, encoding="utf-8").read()
    texts = [json.loads('"%s"' % s) for s in
             re.findall(r'\bTR?\([-\d,.]+"[a-zA-Z]*","((?:[^"\\\n]|\\.)*)"\);', page)]
    hovers = re.findall(r'\bHypertext\(\d+,\d+,[\d.]+,"([^"\\\n]*)"\);', page)
    return texts, hovers, page


def quoted(script, pattern):
    """The decoded strings of the script lines matching pattern (with a quoted group)."""
    text = open(script, "rb").read().decode("latin-1")
    return [unescape(q) for q in re.findall(pattern, text, re.M)]


def tab10_20():
    return [0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
            0x7f7f7f, 0xbcbd22, 0x17becf, 0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896,
            0xc5b0d5, 0xc49c94, 0xf7b6d2, 0xc7c7c7, 0xdbdb8d, 0x9edae5]


def check_legend(script, stream, field):
    from collections import Counter
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import embio
    f = embio.last_points(stream)
    j = f["fields"].index(field)
    vals = [r[j] for r in f["labels"]]
    count = Counter(vals)
    first = {}
    for i, v in enumerate(vals):
        first.setdefault(v, i)
    shown = sorted(count, key=lambda v: (-count[v], first[v]))
    folded = shown[19:] if len(shown) > 20 else []
    shown = shown[:19] if folded else shown

    def key(v):
        try:
            return (0, float(v), v)
        except ValueError:
            return (1, 0, v)
    numeric = all(key(v)[0] == 0 for v in shown)
    shown.sort(key=key if numeric else None)
    want = shown + (["other (%d classes)" % len(folded)] if folded else [])
    got = quoted(script, r'^    keyentry .* title ("[^"]*")')
    if got != want:
        print("legend", got, "want", want, file=sys.stderr)
        return False
    colour = {v: tab10_20()[i] for i, v in enumerate(shown)}
    rows = datablock(script, "points")
    for v, r in zip(vals, rows):
        if int(r[2], 16) & 0xFFFFFF != colour.get(v, 0xc8c8c8):
            print("row colour", r, v, file=sys.stderr)
            return False
    return len(rows) == len(vals)


VIRIDIS = ["440154", "48186a", "472d7b", "424086", "3b528b", "33638d", "2c728e",
           "26828e", "21918c", "1fa088", "28ae80", "3fbc73", "5ec962", "84d44b",
           "addc30", "d8e219", "fde725"]


def viridis(t):
    x = min(max(t, 0), 1) * 16
    i = min(int(x), 15)
    a, b = int(VIRIDIS[i], 16), int(VIRIDIS[i + 1], 16)
    return [(a >> k & 255) + ((b >> k & 255) - (a >> k & 255)) * (x - i) for k in (16, 8, 0)]


def check_palette(script, stream, field):
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import embio
    f = embio.last_points(stream)
    n = len(f["data"])
    if field == "row":
        vals = [float(i) for i in range(n)]
    else:
        j = f["fields"].index(field)
        vals = [float(r[j]) if r[j] else None for r in f["labels"]]
    fin = [v for v in vals if v is not None]
    lo, hi = min(fin), max(fin)
    text = open(script).read()
    m = re.search(r"^set cbrange \[([^:]+):([^\]]+)\]$", text, re.M)
    if not m or abs(float(m.group(1)) - lo) > 1e-9 * max(1, abs(lo)) or \
            abs(float(m.group(2)) - hi) > 1e-9 * max(1, abs(hi)):
        print("cbrange", m and m.groups(), lo, hi, file=sys.stderr)
        return False
    rows = datablock(script, "points")
    for v, r in zip(vals, rows):
        c = int(r[2], 16) & 0xFFFFFF
        got = [c >> 16, c >> 8 & 255, c & 255]
        want = [0xb0] * 3 if v is None else viridis((v - lo) / (hi - lo))
        if max(abs(g - w) for g, w in zip(got, want)) > 1:
            print("colour of", v, got, want, file=sys.stderr)
            return False
    return len(rows) == n


def label_boxes(path, size):
    """Text boxes of the labels at one font size in an SVG, a little smaller
    than any font draws them (0.5 em a character, 1 em high)."""
    root = ET.parse(path).getroot()
    boxes = []
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        anchor = g.get("text-anchor")
        if g.get("font-size") != "%.2f" % size or anchor not in ("start", "end") or \
                "textbox" in g.get("style", ""):
            continue
        m = re.match(r"translate\(([-\d.]+),([-\d.]+)\)", g.get("transform", ""))
        t = g.find("{http://www.w3.org/2000/svg}text")
        if m is None or t is None:
            continue
        x, y, w = float(m.group(1)), float(m.group(2)), 0.5 * size * len(t.text or "")
        if anchor == "end":
            x -= w
        boxes.append((x, y - size / 2, x + w, y + size / 2, t.text or ""))
    return boxes


def overlaps(boxes):
    boxes = sorted(boxes)
    n = 0
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b[0] >= a[2]:
                break
            if b[1] < a[3] and a[1] < b[3]:
                n += 1
    return n


def check_density(script, stream):
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import embio
    X = np.asarray(embio.last_points(stream)["data"], np.float64)
    text = open(script).read()
    xr = [float(v) for v in re.search(r"^set xrange \[(.*):(.*)\]$", text, re.M).groups()]
    yr = [float(v) for v in re.search(r"^set yrange \[(.*):(.*)\]$", text, re.M).groups()]
    rows = [r for r in datablock(script, "density") if r]
    xs = sorted(set(float(r[0]) for r in rows))
    ys = sorted(set(float(r[1]) for r in rows))
    nx, ny = len(xs), len(ys)
    if nx * ny != len(rows):
        return False
    got = np.zeros((nx, ny))
    for r in rows:
        got[xs.index(float(r[0])), ys.index(float(r[1]))] = 0 if r[2] == "NaN" else int(r[2])
    want, _, _ = np.histogram2d(X[:, 0], X[:, 1], bins=[np.linspace(*xr, nx + 1),
                                                        np.linspace(*yr, ny + 1)])
    diff = np.abs(got - want)
    print("cells %dx%d, %d points, max difference %d" % (nx, ny, got.sum(), diff.max()))
    # a point right on a cell edge may fall either side of it
    return got.sum() == len(X) and diff.max() <= 1 and (diff > 0).sum() <= 4


def check_arrows(script, stream, spec):
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import embio
    f = embio.last_points(stream)
    words = [r[0] for r in f["labels"]]
    X = np.asarray(f["data"], np.float64)
    rows = datablock(script, "arrows")
    pairs = [p.split(">") for p in spec.split(",")]
    if len(rows) != len(pairs):
        return False
    for (a, b), r in zip(pairs, rows):
        pa, pb = X[words.index(a)], X[words.index(b)]
        d = X.shape[1]
        start = np.array([float(v) for v in r[:d]])
        vec = np.array([float(v) for v in r[d:2 * d]])
        full = pb - pa
        cos = vec @ full / (np.linalg.norm(vec) * np.linalg.norm(full))
        frac = np.linalg.norm(vec) / np.linalg.norm(full)
        if not (np.allclose(start, pa) and cos > 0.9999 and 0.6 <= frac <= 1):
            print("arrow", a, b, start, vec, pa, pb, file=sys.stderr)
            return False
    return True


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "png":
        img = png(args[0])
        print(img.shape[1], img.shape[0])
        tol = 0
        for c in args[1:]:
            if c.startswith("~"):
                tol = int(c[1:])
                continue
            rgb = np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)])
            near = np.abs(img[:, :, :3].astype(int) - rgb).max(axis=2) <= tol
            print(int(near.sum()))
    elif cmd == "gif":
        print(*gif(args[0]))
    elif cmd == "pdf":
        d = open(args[0], "rb").read()
        assert d.startswith(b"%PDF-") and d.rstrip().endswith(b"%%EOF")
        m = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", d)
        print(round(float(m.group(1))), round(float(m.group(2))))
    elif cmd == "sixel":
        d = open(args[0], "rb").read()
        assert d.startswith(b"\x1bP") and d.rstrip(b"\n").endswith(b"\x1b\\")
        m = re.match(rb'\x1bP[0-9;]*q"1;1;(\d+);(\d+)', d)
        print(m.group(1).decode(), m.group(2).decode())
    elif cmd == "dumb":
        text = open(args[0], encoding="utf-8").read()
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
        if text.startswith("\f"):     # gnuplot's dumb terminal starts every page so
            text = text[1:]
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        w = max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in ln)
                for ln in lines)
        print(w, len(lines))
    elif cmd == "coords":
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        import embio
        frame = embio.last_points(args[1])
        cols = [int(c) - 1 for c in args[2].split(",")]
        want = np.asarray(frame["data"], np.float32)[:, cols]
        rows = datablock(args[0], "points")
        got = np.array([[np.float32(float(v)) for v in r[:len(cols)]] for r in rows],
                       np.float32).reshape(-1, len(cols))
        same = got.shape == want.shape and bool(np.all(
            (got == want) | (~np.isfinite(want) & np.isnan(got))))
        if not same:
            print("coordinates differ", got.shape, want.shape, file=sys.stderr)
        sys.exit(0 if same else 1)
    elif cmd == "legend":
        sys.exit(0 if check_legend(*args) else 1)
    elif cmd == "palette":
        sys.exit(0 if check_palette(*args) else 1)
    elif cmd == "overlap":
        boxes = label_boxes(args[0], float(args[1]) if len(args) > 1 else 8)
        n = overlaps(boxes)
        print(len(boxes), n)
        sys.exit(1 if n else 0)
    elif cmd == "density":
        sys.exit(0 if check_density(*args) else 1)
    elif cmd == "arrows":
        sys.exit(0 if check_arrows(*args) else 1)
    elif cmd == "title":
        t = quoted(args[0], r'^set title ("[^"]*") noenhanced$')
        print(t[0] if t else "")
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
