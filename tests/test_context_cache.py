"""The template-context cache (goflow.run_context.RootCache) is a cache only: with it and
without it, every goflow runner test gives the same events, segments and sessions."""

from __future__ import annotations

import pytest

from turnflow.testing.goflow_runner import run_test

from .conftest import GOFLOW_FIXTURES, require_fixtures

RUNNER = GOFLOW_FIXTURES / "test" / "testdata" / "runner"


def runner_tests():
    return sorted(require_fixtures(RUNNER).glob("*.test.json"))


@pytest.mark.parametrize("path", runner_tests(), ids=lambda p: p.name)
def test_cached_and_plain_contexts_give_the_same_output(path):
    cached = run_test(path, store_between=False, cache_contexts=True)
    plain = run_test(path, store_between=False, cache_contexts=False)
    assert cached.outputs and cached.outputs == plain.outputs
    assert cached.passed == plain.passed
