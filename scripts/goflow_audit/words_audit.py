from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import base_namespace, load_table  # noqa: E402

from turnflow.expressions.words import tokenize, tokenize_by_chars  # noqa: E402
from turnflow.goflow.results import snakify  # noqa: E402


def main(verbose):
    ns = base_namespace()
    ok = total = 0
    for fn, test, after in [
        (lambda r: snakify(r[0]) == r[1], "snakeTests", "func TestSnakify"),
        (lambda r: tokenize(r[0]) == r[1], "tokenizerTests", "func TestTokenizeString("),
        (lambda r: tokenize_by_chars(r[0], r[1]) == r[2], "tokenizerTests",
         "func TestTokenizeStringByChars"),
    ]:
        start = "var snakeTests =" if test == "snakeTests" else test + " :="
        for row in load_table("utils/text_test.go", start, ns, after=after):
            total += 1
            good = fn(row)
            ok += good
            if not good and verbose:
                print("FAIL", after, row)
    print(f"words (tokenize, snakify): {ok}/{total} agree")


if __name__ == "__main__":
    main("-v" in sys.argv)
