"""Time bounds for hostile input (issue 12): each case below must end in turnflow's own
error (or a bounded result) within GOAL seconds. Prints one line per case: seconds, case,
outcome; exits 1 if any case is over the goal or raised something else.

    .venv/bin/python benchmarks/hostile_inputs.py
"""

from __future__ import annotations

import gzip
import http.server
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from turnflow import json_input
from turnflow.errors import TurnflowError
from turnflow.expressions import Environment, compile_template, from_python
from turnflow.http import SafeHTTPClient

GOAL = 3.0  # seconds per case
HUGE = 'parse_json("1e1000000")'
WORDS = 'split(repeat("a ", 4999), " ")'
SLOW = 'regex_match(repeat("a", 5000), "(.*a){20}x")'
MESSAGE = " ".join(f"w{i}" for i in range(9000))  # ~49 KB of distinct words

EXPRESSIONS = {
    "pattern a{10000000} from the contact": "has_pattern(input.text, input.text)",
    "regex_match with (a{1000}){1000}": 'regex_match("aaa", "(a{1000}){1000}")',
    "regex nested 300 deep": 'regex_match("a", "' + "(" * 300 + "a" + ")" * 300 + '")',
    "unique() of a 49 KB message": 'count(unique(split(contact.note, " ")))',
    "repeat() 1e1000000 times": f'repeat("a", {HUGE})',
    "word() 1e1000000": f'word("a b", {HUGE})',
    "char() 1e1000000": f"char({HUGE})",
    "datetime_add() 1e1000000 days": f'datetime_add("2020-01-01", {HUGE}, "D")',
    "index 1e1000000": f"array(1, 2)[{HUGE}]",
    "1,000 chained + operators": "1" + " + 1" * 1000,
    "1,000 chained [0] lookups": "items" + "[0]" * 1000,
    "nested foreach 5,000 x 5,000": f"foreach({WORDS}, (x) => {WORDS})",
    "a slow regex 5,000 times in a loop": f"count(foreach({WORDS}, (x) => is_error(" + SLOW + ")))",
    "json() of 1.5M words": "json(array(" + ",".join([WORDS] * 300) + "))",
    "150 joins of 50 MB each": "count(array(" + ",".join(
        [f'join({WORDS}, repeat("b", 10000))'] * 150) + "))",
    "100 loops of 5,000 x 10,000 characters": "count(array(" + ",".join(
        [f'foreach({WORDS}, (x) => repeat("a", 10000))'] * 100) + "))",
}


def expression_case(source: str) -> Callable[[], Any]:
    context = from_python({"input": {"text": "a{10000000}"}, "contact": {"note": MESSAGE},
                           "items": [[[[0]]]]})  # fmt: skip
    env = Environment()

    def run() -> Any:
        result = compile_template(f"@({source})").render(context, env)
        return result.errors[0].message if result.errors else result.text[:60]

    return run


def file_case(command: str, text: str) -> Callable[[], Any]:
    """``turnflow COMMAND FILE`` on a file holding ``text``: its one-line error."""

    def run() -> Any:
        import contextlib
        import io
        import tempfile

        from turnflow.cli import main

        with tempfile.TemporaryDirectory() as tmp:
            path = f"{tmp}/flow.json"
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                code = main([command, path])
        lines = out.getvalue().strip().splitlines()
        return f"exit {code}: {lines[0] if lines else ''}"

    return run


def json_case(text: str) -> Callable[[], Any]:
    def run() -> Any:
        try:
            json_input.loads(text)
        except TurnflowError as exc:
            return str(exc)
        return "read"

    return run


class _Slow(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bomb = gzip.compress(b"0" * 50_000_000)

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        if self.path == "/bomb":
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(self.bomb)))
            self.end_headers()
            self.wfile.write(self.bomb)
            return
        self.send_header("Content-Length", "100")
        self.end_headers()
        try:
            for _ in range(100):  # one byte every 2 s
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(2)
        except OSError:
            pass


def http_case(path: str, port: int) -> Callable[[], Any]:
    def run() -> Any:
        client = SafeHTTPClient(allow=["127.0.0.1"], timeout=2.0)
        try:
            response = client.request("GET", f"http://127.0.0.1:{port}{path}")
        except TurnflowError as exc:
            return f"{type(exc).__name__}: {exc}"
        return f"{len(response.body)} bytes, truncated={response.truncated}"

    return run


def main() -> int:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    cases: dict[str, Callable[[], Any]] = {k: expression_case(v) for k, v in EXPRESSIONS.items()}
    cases["JSON nested 10,000 deep"] = json_case("[" * 10_000 + "]" * 10_000)
    cases["a 5,000-digit integer"] = json_case("9" * 5000)
    cases["validate: a flow file nested 10,000 deep"] = file_case(
        "validate", '{"flows": ' + "[" * 10_000 + "]" * 10_000 + "}")
    cases["migrate: a flow file with NaN"] = file_case("migrate", '{"flows": [NaN]}')
    cases["chat: a 5,000-digit integer"] = file_case("chat", '{"flows": [' + "9" * 5000 + "]}")
    cases["webhook dripping a byte every 2 s (limit 2 s)"] = http_case("/drip", port)
    cases["gzip bomb (50 MB of zeros)"] = http_case("/bomb", port)
    cases["loopback webhook without allow-list"] = lambda: _refused(port)
    failed = 0
    for name, run in cases.items():
        start = time.perf_counter()
        try:
            outcome = str(run())
        except Exception as exc:  # noqa: BLE001 (reported: that's a failure of the case)
            outcome = f"RAISED {type(exc).__name__}: {exc}"
            failed += 1
        took = time.perf_counter() - start
        over = took > GOAL
        failed += over
        print(f"{took:6.2f}s {'OVER ' if over else ''}{name}: {outcome[:90]}")
    server.shutdown()
    return 1 if failed else 0


def _refused(port: int) -> str:
    try:
        SafeHTTPClient(allow=[]).request("GET", f"http://localhost:{port}/")
    except TurnflowError as exc:
        return f"{type(exc).__name__}: {exc}"
    return "REACHED the local server"


if __name__ == "__main__":
    sys.exit(main())
