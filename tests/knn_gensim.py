"""gensim's answers to emb-knn's questions, in emb-knn's formats.

    /usr/bin/python3 tests/knn_gensim.py STREAM.emb QUESTIONS [N]
        as `emb-knn --analogies QUESTIONS [-n N] STREAM`: per section
        `name correct seen skipped accuracy`, then `total`, from
        KeyedVectors.evaluate_word_analogies(QUESTIONS, restrict_vocab=N,
        case_insensitive=True)
    /usr/bin/python3 tests/knn_gensim.py --analogy STREAM.emb K 'a b c' ...
        as `emb-knn -a 'a b c' -k K` and then with --cosmul, from
        most_similar and most_similar_cosmul

The words are the first label field of the stream's last points frame.
gensim does not report the questions it skips per section; they are counted
here as the four-word lines of a section that gensim neither got right nor
wrong.  tests/knn_words.sh runs this live when gensim is installed, and
compares with the outputs committed in tests/fixtures/knn/*.expected, which
were made with (GLOVE.emb: knn_ref.py glove $DATA/glove-100d-50k.txt.gz 50000)

    F=tests/fixtures/knn
    P="/usr/bin/python3 tests/knn_gensim.py"
    $P $F/edge.emb $F/edge.txt > $F/edge.expected
    $P $F/edge.emb $F/edge.txt 60 > $F/edge-n60.expected
    $P GLOVE.emb $F/questions.txt > $F/questions.expected
    $P GLOVE.emb $F/questions.txt 30000 > $F/questions-n30000.expected
    $P --analogy GLOVE.emb 5 'man king woman' 'paris france tokyo' \
        'good better bad' 'go went see' > $F/analogy.expected
"""
import os
import sys

import numpy as np
from gensim.models import KeyedVectors

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import embio  # noqa: E402


def load(stream):
    f = embio.last_points(stream)
    words = [row[0] for row in f["labels"]]
    X = np.array(f["data"], dtype=np.float32)
    kv = KeyedVectors(X.shape[1])
    kv.add_vectors(words, X)
    return kv, words


def analogies(stream, k, questions):
    kv, _ = load(stream)
    for how in (kv.most_similar, kv.most_similar_cosmul):
        for q in questions:
            a, b, c = q.split()
            for r, (w, v) in enumerate(how(positive=[b, c], negative=[a], topn=k)):
                print("%s\t%d\t%s\t%.6g" % (" ".join((a, b, c)), r + 1, w, v))


def main():
    if sys.argv[1] == "--analogy":
        analogies(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
        return
    stream, questions = sys.argv[1], sys.argv[2]
    kv, words = load(stream)
    restrict = int(sys.argv[3]) if len(sys.argv) > 3 else len(words)
    _, sections = kv.evaluate_word_analogies(
        questions, restrict_vocab=restrict, case_insensitive=True)
    sections = sections[:-1]        # the last is gensim's total

    lines4 = []                     # four-word lines per section, as gensim splits them
    with open(questions, "rb") as fin:
        for line in fin:
            line = line.decode("utf-8")
            if line.startswith(": "):
                lines4.append(0)
            elif len(line.split()) == 4:
                lines4[-1] += 1
    assert len(lines4) == len(sections)
    out = sys.stdout
    tc = ts = tk = 0
    for sec, n4 in zip(sections, lines4):
        c, seen = len(sec["correct"]), len(sec["correct"]) + len(sec["incorrect"])
        out.write("%s\t%d\t%d\t%d\t%.6f\n" % (sec["section"], c, seen, n4 - seen,
                                            c / seen if seen else 0.0))
        tc, ts, tk = tc + c, ts + seen, tk + n4 - seen
    out.write("total\t%d\t%d\t%d\t%.6f\n" % (tc, ts, tk, tc / ts if ts else 0.0))


if __name__ == "__main__":
    main()
