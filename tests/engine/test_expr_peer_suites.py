"""Agreement with SymPy's ``parse_latex`` tests, latex2sympy2_extended's tests and Math-Verify's
tests (data in ``tests/engine/data/peers``; see ``tests/engine/peer_suites.py``).

In scope, agreement must be at least 97 % for each suite, and every remaining disagreement is
listed here with its reason (and in docs/formulas.md), so that a change either way is noticed:
the list is a record of decisions, not of bugs.
"""

from __future__ import annotations

import pytest

from tests.engine.peer_suites import SUITES, load, measure

MIN_AGREEMENT = 0.97
LOG = (
    r"\log is the natural logarithm in Descent (as in NumPy, PyTorch and SymPy's newer Lark "
    "parser); this suite reads it as base 10"
)
BARS = (
    "nested bars without \\left/\\right are ambiguous; Descent reads ||x|| first and cannot "
    "close the rest (write \\left| |x| |y| \\right|)"
)
DISAGREEMENTS: dict[str, dict[str, str]] = {
    "sympy_parse_latex": {
        r"\log x": LOG,
        r"\log xy": LOG,
        "||x||y||": BARS,
        "a_{n+1}": "a subscript must be a name or a number; a_{n+1} is refused, not a new name",
        "b d e": "e is Euler's number in Descent; the suite reads a symbol named e",
    },
    "latex2sympy2_extended": {
        r"\log x": LOG,
        r"\log xy": LOG,
        "||x||y||": BARS,
        r"\text{(b)}": "a bracketed choice label in \\text is refused, not read as the name b",
    },
    "math_verify": {},
}


@pytest.fixture(scope="module", params=SUITES)
def outcome(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return measure(request.param)


def test_suites_name_their_source() -> None:
    for suite in SUITES:
        data = load(suite)
        source = data["source"]
        assert source["repository"] and source["paths"] and source["licence"]
        assert all(len(commit) == 40 for commit in source["paths"].values())
        reasons = data["out_of_scope_reasons"]
        assert all(
            case["out_of_scope"] in reasons for case in data["cases"] if "out_of_scope" in case
        )


def test_agreement_in_scope(outcome) -> None:  # type: ignore[no-untyped-def]
    listing = "\n".join(f"  {k}: {v}" for k, v in outcome.disagreements.items())
    assert outcome.in_scope >= 30
    assert outcome.agreement >= MIN_AGREEMENT, f"{outcome.suite}:\n{listing}"


def test_every_disagreement_is_listed_with_its_reason(outcome) -> None:  # type: ignore[no-untyped-def]
    expected = DISAGREEMENTS[outcome.suite]
    assert set(outcome.disagreements) == set(expected), outcome.disagreements
