"""Writes the emb-knn test fixtures in tests/fixtures/knn/ (run from the top
directory with Debian's python3; numpy only):

    questions.txt   analogy questions of our own making for the GloVe words
                    (word2vec questions-words.txt format), with mixed case,
                    unknown words, odd spacing and an empty section
    edge.emb        a small synthetic vocabulary whose words have case
                    variants (Queen/queen, KING, STRASSE/straße, Greek sigmas,
                    ligatures) placed to exercise gensim's case handling
    edge.txt        questions for edge.emb

The expected answers are gensim's: tests/knn_gensim.py writes them.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import embio  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "knn")

SECTIONS = {
    "capital-country": [
        ("paris", "france"), ("berlin", "germany"), ("rome", "italy"),
        ("madrid", "spain"), ("tokyo", "japan"), ("beijing", "china"),
        ("moscow", "russia"), ("ottawa", "canada"), ("cairo", "egypt"),
        ("athens", "greece"), ("lisbon", "portugal"), ("vienna", "austria"),
        ("warsaw", "poland"), ("dublin", "ireland"), ("oslo", "norway"),
        ("stockholm", "sweden"), ("helsinki", "finland"), ("nairobi", "kenya"),
        ("lima", "peru"), ("hanoi", "vietnam"), ("bangkok", "thailand"),
        ("ankara", "turkey"), ("tehran", "iran"), ("baghdad", "iraq"),
        ("havana", "cuba"), ("canberra", "australia"), ("brussels", "belgium"),
        ("budapest", "hungary"), ("copenhagen", "denmark"), ("reykjavik", "iceland"),
    ],
    "gender": [
        ("king", "queen"), ("man", "woman"), ("boy", "girl"), ("brother", "sister"),
        ("father", "mother"), ("son", "daughter"), ("husband", "wife"),
        ("uncle", "aunt"), ("nephew", "niece"), ("prince", "princess"),
        ("he", "she"), ("his", "her"), ("actor", "actress"),
        ("grandfather", "grandmother"), ("groom", "bride"), ("lord", "lady"),
        ("male", "female"), ("stepfather", "stepmother"), ("boys", "girls"),
        ("emperor", "empress"),
    ],
    "plural": [
        ("car", "cars"), ("dog", "dogs"), ("house", "houses"), ("tree", "trees"),
        ("bird", "birds"), ("city", "cities"), ("child", "children"),
        ("woman", "women"), ("mouse", "mice"), ("country", "countries"),
        ("book", "books"), ("river", "rivers"), ("horse", "horses"),
        ("idea", "ideas"), ("road", "roads"), ("bottle", "bottles"),
        ("knife", "knives"), ("foot", "feet"), ("song", "songs"), ("island", "islands"),
    ],
    "comparative": [
        ("good", "better"), ("bad", "worse"), ("big", "bigger"),
        ("small", "smaller"), ("large", "larger"), ("fast", "faster"),
        ("strong", "stronger"), ("cheap", "cheaper"), ("high", "higher"),
        ("low", "lower"), ("old", "older"), ("young", "younger"),
        ("easy", "easier"), ("hard", "harder"), ("long", "longer"),
        ("warm", "warmer"),
    ],
    "past-tense": [
        ("go", "went"), ("see", "saw"), ("take", "took"), ("give", "gave"),
        ("write", "wrote"), ("eat", "ate"), ("run", "ran"), ("speak", "spoke"),
        ("know", "knew"), ("fly", "flew"), ("swim", "swam"), ("sing", "sang"),
        ("drive", "drove"), ("buy", "bought"), ("think", "thought"),
        ("bring", "brought"), ("fall", "fell"), ("sell", "sold"),
        ("win", "won"), ("lose", "lost"),
    ],
}

ODD = [
    # case: gensim compares words in upper case
    "Paris France Berlin Germany",
    "KING QUEEN MAN WOMAN",
    "Man Woman Boy Girl",
    "rome ITALY madrid SPAIN",
    # white space other than single spaces; a DOS line end
    "tokyo\tjapan  beijing   china",
    "  oslo norway stockholm sweden  ",
    "go went see saw\r",
    # unknown words: skipped and counted
    "xyzzyq france berlin germany",
    "paris qwzzxv berlin germany",
    "paris france berlin plugh",
    # a question word as the answer: never right
    "king queen king queen",
    "man woman woman man",
    "big bigger big bigger",
]


def write_questions(path):
    lines = []
    for name, pairs in SECTIONS.items():
        lines.append(": " + name)
        n = len(pairs)
        for i in range(n):
            for step in (1, 2, 5):
                a, b = pairs[i]
                c, d = pairs[(i + step) % n]
                lines.append("%s %s %s %s" % (a, b, c, d))
    lines.append(":   odd-lines  ")
    lines.extend(ODD)
    lines.append("")
    lines.append(": empty-section")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines) + "\n")


def write_edge(emb_path, questions_path):
    rng = np.random.RandomState(20240515)
    d = 16
    base = [
        ("man", "woman"), ("king", "queen"), ("boy", "girl"), ("straße", "gasse"),
        ("σοφός", "σοφή"), ("ﬁle", "ﬁles"), ("ıstanbul", "ankara"),
        ("Émile", "émilie"), ("ǆungla", "ǅungle"), ("groß", "größer"),
        ("ŉ", "ǰ"), ("ﬃx", "ﬃxes"),
    ]
    rel = rng.randn(d).astype(np.float32) * 1.5
    words, vecs = [], []

    def add(w, v):
        words.append(w)
        vecs.append(np.asarray(v, np.float32))

    x = rng.randn(len(base), d).astype(np.float32)
    y = x + rel + 0.35 * rng.randn(len(base), d).astype(np.float32)
    # case variants: some before, some after the words they shadow
    add("Queen", y[1] + 0.02 * rng.randn(d))
    for i, (a, b) in enumerate(base):
        add(a, x[i])
        add(b, y[i])
    add("KING", x[1] + 0.05 * rng.randn(d))
    add("Woman", y[0] + 0.05 * rng.randn(d))
    add("STRASSE", x[3] + 0.05 * rng.randn(d))
    add("ΣΟΦΌΣ", x[4] + 0.05 * rng.randn(d))
    add("σοφόσ", x[4] + 0.08 * rng.randn(d))
    add("FILES", y[5] + 0.05 * rng.randn(d))
    add("GIRL", y[2] + 0.1 * rng.randn(d))
    add("Man", x[0] + 0.03 * rng.randn(d))
    for i in range(220):
        add("r%03d" % i, rng.randn(d) * 1.2)
    add("Gasse", y[3] + 0.01 * rng.randn(d))
    X = np.array(vecs, np.float32)
    with open(emb_path, "wb") as f:
        embio.write_points(f, X, [[w] for w in words], ["word"])

    lines = [": pairs"]
    for i, (a, b) in enumerate(base):
        for j, (c, e) in enumerate(base):
            if i != j:
                lines.append("%s %s %s %s" % (a, b, c, e))
    lines += [
        ": upper-case",
        "MAN WOMAN KING QUEEN",
        "STRASSE GASSE GROSS GRÖSSER",
        "ΣΟΦΌΣ ΣΟΦΉ MAN WOMAN",
        "FILE FILES MAN WOMAN",
        "man woman ISTANBUL ankara",
        ": repeats",
        "man woman man woman",
        "king king king king",
        "man man king king",
        "queen king woman man",
        ": unknown",
        "man woman nosuchword queen",
        "r219 r218 man woman",
    ]
    with open(questions_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_questions(os.path.join(OUT, "questions.txt"))
    write_edge(os.path.join(OUT, "edge.emb"), os.path.join(OUT, "edge.txt"))
