"""How user input is compared with the words a flow tests for: the environment's input
collation (goflow's ``default``, ``confusables`` and ``arabic_variants``)."""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .environment import Environment

# Letters and digits written differently across Arabic, Persian, Pashto and Urdu keyboards,
# each folded to the one form a flow author most likely typed (Persian digits, farsi yeh,
# keheh, ...). Applied after NFKC, which has already turned presentation forms into letters.
_ARABIC_VARIANTS = str.maketrans({
    "\u0660": "\u06f0", "\u0661": "\u06f1", "\u0662": "\u06f2", "\u0663": "\u06f3",
    "\u0664": "\u06f4", "\u0665": "\u06f5", "\u0666": "\u06f6", "\u0667": "\u06f7",
    "\u0668": "\u06f8", "\u0669": "\u06f9",
    "\u0622": "\u0627",  # alef with madda -> alef
    "\u0649": "\u06cc",  # alef maksura -> farsi yeh
    "\u064a": "\u06cc",  # arabic yeh -> farsi yeh
    "\u06d0": "\u06cc",  # e -> farsi yeh
    "\u06cd": "\u06cc",  # yeh with tail -> farsi yeh
    "\u0626": "\u06cc",  # yeh with hamza above -> farsi yeh
    "\u0643": "\u06a9",  # arabic kaf -> keheh
    "\u06ab": "\u06a9",  # kaf with ring -> keheh
    "\u067c": "\u062a",  # teh with ring -> teh
    "\u0689": "\u062f",  # dal with ring -> dal
    "\u0693": "\u0631",  # reh with ring -> reh
    "\u06bc": "\u0646",  # noon with ring -> noon
    "\u069a": "\u0634",  # seen with dot below and above -> sheen
})


# Unicode's Other_Default_Ignorable_Code_Point characters, which a skeleton drops (goflow drops
# these, not every Default_Ignorable_Code_Point)
_OTHER_DEFAULT_IGNORABLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x2065, 0x2065), (0x3164, 0x3164),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0000), (0xE0002, 0xE001F),
    (0xE0080, 0xE00FF), (0xE01F0, 0xE0FFF),
)  # fmt: skip
_CONFUSABLES = Path(__file__).with_name("confusables.json")


@lru_cache(maxsize=1)
def _skeleton_table() -> dict[int, str | None]:
    """What ``str.translate`` makes of each character for a skeleton: what it looks like
    (Unicode's confusables.txt, as made by scripts/make_confusables.py), or nothing."""
    mapping = json.loads(_CONFUSABLES.read_text(encoding="utf-8"))["mapping"]
    table: dict[int, str | None] = {ord(source): target for source, target in mapping.items()}
    for first, last in _OTHER_DEFAULT_IGNORABLE:
        table.update(dict.fromkeys(range(first, last + 1)))
    return table


def skeleton(text: str) -> str:
    """Unicode's skeleton of a text (UTS #39), as goflow makes it: decomposed, each
    character replaced by the one it looks like, decomposed again.

    >>> skeleton("𝕟𝔂𝛼𝐫ᴜ𝞳𝕒")
    'nyaruka'
    """
    mapped = unicodedata.normalize("NFD", text).translate(_skeleton_table())
    return unicodedata.normalize("NFD", mapped)


def collate(env: Environment, text: str) -> str:
    """``text`` in the form two inputs are compared in under the environment's collation."""
    return collate_text(env.input_collation, text)


def collate_text(collation: str, text: str) -> str:
    """``text`` as compared under ``collation``: lower case; ``confusables`` compares the
    texts' skeletons (look-alike characters folded), ``arabic_variants`` folds the letters
    and digits that Arabic-script keyboards write differently."""
    if collation == "confusables":
        return skeleton(text).lower()
    if collation == "arabic_variants":
        return unicodedata.normalize("NFKC", text).translate(_ARABIC_VARIANTS).lower()
    return text.lower()


def collate_equals(env: Environment, a: str, b: str) -> bool:
    return collate(env, a) == collate(env, b)
