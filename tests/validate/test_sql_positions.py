"""SQL issues carry the line and column of the bad token, for editors to place a diagnostic."""

from __future__ import annotations

import json

import pytest

from jimu.errors import Issue
from jimu.validate.rules_sql import analyse_query


def position_of(sql: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column where the `occurrence`-th `needle` starts, counted from the text."""
    offset = -1
    for _ in range(occurrence):
        offset = sql.index(needle, offset + 1)
    before = sql[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


@pytest.mark.parametrize(("sql", "needle", "occurrence"), [
    ("SELECT a\nFROM t\nWHERE x = = 3", "=", 2),
    ("SELECT a,\n  b\n  FROM t wher x", "x", 1),
    ("SELECT 1\n\n    SELECT FROM FROM", "SELECT", 2),
    ("SELECT a\nFROM t\nWHERE x = 'two\nlines' ,, 1", ",", 2),
])
def test_a_syntax_error_has_the_line_and_column_of_its_token(sql, needle, occurrence):
    problem = analyse_query(sql, "duckdb").problem
    assert problem is not None and problem.code == "sql-syntax"
    assert (problem.line, problem.column) == position_of(sql, needle, occurrence)


def test_a_second_statement_that_is_no_statement_is_placed_too():
    sql = "SELECT 1;\n\n  orders bad"
    problem = analyse_query(sql, "duckdb").problem
    assert (problem.line, problem.column) == position_of(sql, "orders") == (3, 3)


def test_problems_without_a_place_have_none():
    assert analyse_query("SELECT 'unclosed", "duckdb").problem.line is None
    problem = analyse_query("DELETE FROM t", "duckdb").problem
    assert problem.code == "sql-not-a-query" and (problem.line, problem.column) == (None, None)


def test_the_cli_shape_stays_as_it_was():
    issue = Issue("sql-syntax", "$.nodes[0].params.query", "m", "h", "n", line=3, column=7)
    assert issue.to_dict() == {"code": "sql-syntax", "path": "$.nodes[0].params.query", "message": "m",
                               "hint": "h", "node": "n", "severity": "error"}
    assert str(issue) == "$.nodes[0].params.query: node 'n': m (fix: h)"
    json.dumps(issue.to_dict())
