"""Every Grammar that guards an id or a name accepts the whole text or nothing.

Class of inputs: valid ids with any trailing/leading/embedded character that `re.match(...$)`
would let through (newline, CR, NUL, spaces, Unicode line separators, Unicode digits), and
semver strings drawn from the semver.org grammar, checked against an independent parser.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jimu import refs
from jimu.refs import COMPONENT_NAME, DEPLOYMENT_NAME, IDENTIFIER, PIPELINE_ID, SEMVER, ComponentRef, PortRef

GRAMMARS = [IDENTIFIER, PIPELINE_ID, COMPONENT_NAME, DEPLOYMENT_NAME]
SNEAKY = ["\n", "\r", "\r\n", "\x00", " ", "\t", "\u2028", "\u0085", "/", "..", "٣", "é"]

ids = st.from_regex(r"\A[a-z][a-z0-9_]{0,40}\Z")


@pytest.mark.parametrize("grammar", GRAMMARS, ids=lambda g: g.what)
@given(text=ids, extra=st.sampled_from(SNEAKY), where=st.sampled_from(["end", "start", "middle"]))
def test_no_grammar_accepts_an_id_with_anything_around_it(grammar, text, extra, where):
    assert grammar.accepts(text)
    bad = {"end": text + extra, "start": extra + text, "middle": text[:1] + extra + text[1:]}[where]
    assert not grammar.accepts(bad)


def test_grammars_take_strings_only():
    for grammar in [*GRAMMARS, SEMVER]:
        assert not grammar.accepts(None) and not grammar.accepts(1) and not grammar.accepts(b"abc")


def test_grammar_has_no_match_method_to_misuse():
    assert not hasattr(IDENTIFIER, "match") and not hasattr(IDENTIFIER, "search")
    with pytest.raises(ValueError):
        refs.Grammar(r"^[a-z]+$", "x", "y")


def _independent_semver(text: str) -> bool:
    """semver.org 2.0.0, written from its BNF without regular expressions."""
    if not text or any(c.isspace() for c in text):
        return False
    core, plus, build = text.partition("+")
    if plus and not _dot_identifiers(build, numeric_rule=False):
        return False
    core, dash, pre = core.partition("-")
    if dash and not _dot_identifiers(pre, numeric_rule=True):
        return False
    parts = core.split(".")
    return len(parts) == 3 and all(_numeric(p) for p in parts)


def _numeric(part: str) -> bool:
    return part != "" and all(c in string.digits for c in part) and (part == "0" or part[0] != "0")


def _dot_identifiers(text: str, numeric_rule: bool) -> bool:
    allowed = set(string.ascii_letters + string.digits + "-")
    for ident in text.split("."):
        if not ident or not set(ident) <= allowed:
            return False
        if numeric_rule and all(c in string.digits for c in ident) and not _numeric(ident):
            return False
    return True


semver_alphabet = st.sampled_from(list("0123456789.-+aZ ") + ["01", "\n", "/", "..", "٣"])


@given(st.lists(semver_alphabet, max_size=14).map("".join))
def test_semver_grammar_agrees_with_an_independent_parser(text):
    assert SEMVER.accepts(text) == _independent_semver(text)


@pytest.mark.parametrize("text", ["1.2.3", "0.0.0", "10.20.30", "1.0.0-rc.1", "1.0.0-0.3.7", "1.0.0-x-y.1+b.001", "1.0.0+20130313144700"])
def test_semver_accepts(text):
    assert SEMVER.accepts(text) and _independent_semver(text)


@pytest.mark.parametrize("text", ["1.2", "01.2.3", "1.02.3", "1.2.3-01", "1.2.3\n", " 1.2.3", "1.2.3-", "1.2.3+", "/abs/path", "1.2.3/../../x", "1.2.3-a..b", "١.2.3"])
def test_semver_refuses(text):
    assert not SEMVER.accepts(text) and not _independent_semver(text)


@given(ids, st.sampled_from(SNEAKY))
def test_references_refuse_sneaky_ids(name, extra):
    with pytest.raises(ValueError):
        ComponentRef.parse(f"{name}@1.0.0{extra}")
    with pytest.raises(ValueError):
        ComponentRef.parse(f"{name}{extra}@1.0.0")
    with pytest.raises(ValueError):
        PortRef.parse(f"{name}.table{extra}")
