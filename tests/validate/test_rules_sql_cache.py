"""The per-query SQL analysis is cached by (text, dialect): a hit gives what a fresh parse gives."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from jimu.validate import validate_pipeline
from jimu.validate.rules_sql import ANALYSIS_CACHE_SIZE, MAX_CACHED_QUERY_CHARS, analyse_query, query_analysis

FRAGMENTS = [
    "SELECT", "*", "a", "b.c", "FROM", "t", "u", "WHERE", ":p", "?", "=", "1", "'x'", ",", "(", ")", "JOIN",
    "ON", "WITH", "w", "AS", "read_csv('f.csv')", "'s3://b/k'", ";", "INSERT INTO t VALUES (1)", "GROUP BY",
    "--", "\n", "UNION ALL", "DROP TABLE t", "generate_series(1, 3)", '"q"', "`b`", "$1", "@x",
]
QUERIES = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=14).map(" ".join),
    st.text(max_size=40),
)
DIALECTS = st.sampled_from(["duckdb", "postgres", "mysql", "bigquery", "spark", "no_such_dialect"])


@settings(max_examples=400, deadline=None)
@given(sql=QUERIES, dialect=DIALECTS)
def test_a_cached_analysis_equals_a_fresh_one(sql, dialect):
    fresh = analyse_query.__wrapped__(sql, dialect)  # the function itself, no cache
    analyse_query(sql, dialect)
    hits = analyse_query.cache_info().hits
    assert analyse_query(sql, dialect) == fresh
    assert analyse_query.cache_info().hits == hits + 1


def test_revalidation_after_an_edit_parses_only_the_changed_query(catalog, example_raw):
    analyse_query.cache_clear()
    first = validate_pipeline(example_raw, catalog)
    edited = copy.deepcopy(example_raw)
    node = next(n for n in edited["nodes"] if n["component"].startswith("sql@"))
    node["params"]["query"] += "\n"
    node["params"]["query"] = node["params"]["query"].replace("SELECT", "SELECT 1 AS one,", 1)
    info = analyse_query.cache_info()
    second = validate_pipeline(edited, catalog)
    after = analyse_query.cache_info()
    assert after.misses == info.misses + 1  # only the edited query was parsed
    assert validate_pipeline(example_raw, catalog).issues == first.issues == []
    assert analyse_query.cache_info().hits > after.hits
    assert second.ok


def test_the_cache_is_bounded():
    assert analyse_query.cache_info().maxsize == ANALYSIS_CACHE_SIZE
    long_query = "SELECT 1 AS x" + " " * MAX_CACHED_QUERY_CHARS
    before = analyse_query.cache_info()
    assert query_analysis(long_query, "duckdb") == query_analysis("SELECT 1 AS x", "duckdb")
    after = analyse_query.cache_info()
    assert after.misses + after.hits == before.misses + before.hits + 1  # only the short one went through the cache
