"""Turn a Go composite-literal table into Python source (for measuring agreement only)."""

from __future__ import annotations

import re


def _strip_comments(src: str) -> str:
    out = []
    i = 0
    n = len(src)
    while i < n:
        c = src[i]
        if c == '"':
            j = i + 1
            while src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif c == "`":
            j = src.index("`", i + 1)
            out.append(src[i:j + 1])
            i = j + 1
        elif c == "'":
            j = i + 1
            while src[j] != "'":
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


_TYPE_OPEN = re.compile(r"(\[\][\w.*]+|map\[[\w.]+\][\w.*]+|&?[\w]+\.[A-Z]\w*)\{")


def to_python(src: str) -> str:
    src = _strip_comments(src)
    out = []
    stack: list[str] = []
    i = 0
    n = len(src)
    while i < n:
        c = src[i]
        if c == '"':
            j = i + 1
            while src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
            continue
        if c == "`":
            j = src.index("`", i + 1)
            out.append(repr(src[i + 1:j]))
            i = j + 1
            continue
        if c == "'":
            j = i + 1
            while src[j] != "'":
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
            continue
        m = _TYPE_OPEN.match(src, i)
        if m and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            kind = m.group(1)
            if kind.startswith("[]"):
                out.append("[")
                stack.append("]")
            elif kind.startswith("map["):
                out.append("{")
                stack.append("}")
            else:  # a struct literal such as &envs.NumberFormat{...}
                out.append("_struct(" + repr(kind.lstrip("&")) + ", ")
                stack.append(")")
            i = m.end()
            continue
        if c == "{":
            out.append("(")
            stack.append(")")
            i += 1
            continue
        if c == "}":
            out.append(stack.pop())
            i += 1
            continue
        out.append(c)
        i += 1
    text = "".join(out)
    # substitutions outside string literals only
    parts = re.split(r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')", text)
    for k in range(0, len(parts), 2):
        seg = parts[k]
        seg = re.sub(r"(\w+\([^()]*\))\.\.\.", r"*\1", seg)
        seg = re.sub(r"(?<=[A-Za-z_\)])\.(?=[A-Za-z_])", "_", seg)
        seg = re.sub(r"(?<![\w.])0+(\d)", r"\1", seg)
        seg = re.sub(r"\bnil\b", "None", seg)
        seg = re.sub(r"\btrue\b", "True", seg)
        seg = re.sub(r"\bfalse\b", "False", seg)
        seg = re.sub(r"_struct\(('[^']*'), ([^)]*)\)", _struct_fields, seg)
        parts[k] = seg
    text = "".join(parts)
    text = re.sub(r"(_struct\('[^']*', |, )([A-Z]\w*): ", r"\1\2=", text)
    return text


def _struct_fields(m: re.Match) -> str:
    body = re.sub(r"\b([A-Z]\w*):", r"\1=", m.group(2))
    return f"_struct({m.group(1)}, {body})"


def extract_literal(src: str, start: str) -> str:
    """The composite literal that begins at the first '{' after the type that follows `start`
    (a `[]struct {...}{ ... }` or `[]T{ ... }`)."""
    i = src.index(start) + len(start)
    # skip a struct type body if any
    rest = src[i:]
    if rest.lstrip().startswith("[]struct"):
        k = src.index("{", i)
        k = _match(src, k) + 1
    else:
        k = i
    k = src.index("{", k)
    end = _match(src, k)
    return "[" + src[k + 1:end] + "]"


def _match(src: str, k: int) -> int:
    depth = 0
    i = k
    while True:
        c = src[i]
        if c == '"':
            i += 1
            while src[i] != '"':
                i += 2 if src[i] == "\\" else 1
        elif c == "`":
            i = src.index("`", i + 1)
        elif src.startswith("//", i):
            i = src.index("\n", i)
            continue
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
