"""The confusables table (Unicode's confusables.txt, the version goflow uses) and its generator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src/turnflow/expressions/confusables.json"

_SOURCE = """\ufeff# confusables.txt
# Version: 8.0.0
#
0440 ;\t0070 ;\tMA\t# ( р → p ) CYRILLIC SMALL LETTER ER → LATIN SMALL LETTER P\t#

33A1 ;\t006D 00B2 ;\tMA\t# ( ㎡ → m² ) SQUARE M SQUARED → LATIN SMALL LETTER M, SUPERSCRIPT TWO\t#
"""


def _generate(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    source = tmp_path / "confusables.txt"
    source.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/make_confusables.py"), str(source),
         "--output", str(tmp_path / "out.json")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_the_shipped_table_is_goflows_version():
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    assert table["version"] == "8.0.0"
    assert len(table["mapping"]) == 6069
    assert table["mapping"]["\u0440"] == "p"


def test_the_generator_reads_unicodes_file(tmp_path):
    done = _generate(tmp_path, _SOURCE)
    assert done.returncode == 0, done.stderr
    table = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert table == {"version": "8.0.0", "mapping": {"\u0440": "p", "\u33a1": "m\u00b2"}}


def test_the_generator_refuses_a_broken_line_in_one_line(tmp_path):
    done = _generate(tmp_path, _SOURCE + "0441 ; not hex ; MA\n")
    assert done.returncode != 0
    assert done.stderr.strip() == (
        "make_confusables: confusables.txt:7: not a mapping: '0441 ; not hex ; MA'"
    )
