from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from jimu.runtime.exit_codes import FAILED_EXIT_CODE, FATAL_EXIT_CODE

ORDERS = pd.DataFrame({"id": [1, 2, 3, 4], "customer": ["ann", "bob", "ann", "cy"], "amount": [10.0, 25.5, 7.25, 99.0]})
CUSTOMERS = pd.DataFrame({"customer": ["ann", "bob", "cy"], "city": ["Oslo", "Rome", "Lima"]})


def test_join_in_postgres_dialect_with_bound_param(run_component):
    query = (
        "SELECT c.city, SUM(o.amount)::numeric(10,2) AS total FROM orders o "
        "JOIN customers c ON o.customer = c.customer WHERE o.amount >= :min_amount GROUP BY c.city ORDER BY c.city"
    )
    run = run_component(
        "sql", {"query": query, "dialect": "postgres"},
        inputs={"tables": {"orders": ORDERS, "customers": CUSTOMERS}}, pipeline_params={"min_amount": 8},
    )
    assert run.exit_code == 0
    merged = ORDERS[ORDERS.amount >= 8].merge(CUSTOMERS, on="customer")
    expected = merged.groupby("city", as_index=False)["amount"].sum()
    actual = run.table()
    assert actual["city"].tolist() == expected["city"].tolist()
    assert [float(v) for v in actual["total"]] == expected["amount"].tolist()


def test_param_values_are_bound_not_spliced(run_component):
    hostile = "ann' OR '1'='1"
    run = run_component(
        "sql", {"query": "SELECT * FROM orders WHERE customer = :who"},
        inputs={"tables": {"orders": ORDERS}}, pipeline_params={"who": hostile},
    )
    assert run.exit_code == 0
    assert run.table().empty  # spliced, the OR would have matched every row


def test_query_cannot_read_files(tmp_path, run_component, capfd):
    secret = tmp_path / "secret.csv"
    duckdb.sql("SELECT 42 AS answer").write_csv(str(secret))
    run = run_component("sql", {"query": f"SELECT * FROM read_csv('{secret}')"}, inputs={"tables": {"orders": ORDERS}})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "disabled by configuration" in capfd.readouterr().err


def test_more_than_one_statement_is_refused(run_component, capfd):
    run = run_component("sql", {"query": "SELECT 1; DROP TABLE orders"}, inputs={"tables": {"orders": ORDERS}})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "exactly one SELECT" in capfd.readouterr().err


@pytest.mark.parametrize(
    ("query", "tables", "message", "context"),
    [
        # What an empty upstream (a file load_table read no rows or columns from) used to lead to.
        ("SELECT SUM(x) AS s FROM load", {"load": pa.table({})},
         "input 'tables': upstream table 'load' has no columns (0 rows)", "check node 'load'"),
        ("SELECT SUM(x) AS s FROM load", {"load": pa.table({"[{a": pa.array([], pa.string())})},
         'Referenced column "x" not found', 'upstream tables: load (0 rows; columns: [{a)'),
        ("SELECT amount FROM order_lines", {"orders": ORDERS},
         "Table with name order_lines does not exist", "upstream tables: orders (4 rows; columns: id, customer, amount)"),
        ("SELECT CAST(customer AS INTEGER) FROM orders", {"orders": ORDERS},
         "Could not convert string 'ann' to INT32", "upstream tables: orders"),
        ("SELECT * FROM orders WHERE amount > :floor", {"orders": ORDERS},
         "the query binds ['floor'], which are neither pipeline params nor run values", "param 'query'"),
        ("SELEC * FROM orders", {"orders": ORDERS}, "param 'query'", "orders"),
    ],
)
def test_errors_of_the_query_itself_are_not_retried(run_component, capfd, query, tables, message, context):
    run = run_component("sql", {"query": query}, inputs={"tables": tables})
    assert run.exit_code == FATAL_EXIT_CODE
    err = capfd.readouterr().err
    assert "node 'node' (sql@1.2.0) failed; retrying will not help, so it is not retried:" in err
    assert message in err and context in err
    assert "Traceback" not in err


def test_a_missing_upstream_file_is_an_ordinary_failure(run_component, tmp_path):
    """Storage that is not there (yet) may be there on the next try."""
    run = run_component("sql", {"query": "SELECT 1 AS x FROM tables"}, inputs={"tables": str(tmp_path / "gone")})
    assert run.exit_code == FAILED_EXIT_CODE


SALES = pd.DataFrame({
    "day": pd.to_datetime(["2026-11-28", "2026-11-29", "2026-11-29", "2026-11-30"]).date,
    "ts": pd.to_datetime(["2026-11-28 10:00", "2026-11-29 01:00", "2026-11-29 23:00", "2026-11-30 00:00"], utc=True),
    "amount": [1.0, 2.0, 4.0, 8.0],
})


def test_run_values_bind_like_params(run_component):
    from jimu.runtime.run_values import make_run_values

    run_values = make_run_values(
        run_id="scheduled__2026-11-29T00:00:00+00:00", logical_date="2026-11-29T00:00:00+00:00",
        data_interval_start="2026-11-29T00:00:00+00:00", data_interval_end="2026-11-30T00:00:00+00:00",
        run_type="scheduled", try_number=1,
    )
    query = (
        "SELECT SUM(amount) AS by_day, (SELECT SUM(amount) FROM sales WHERE ts >= :data_interval_start "
        "AND ts < :data_interval_end) AS by_interval, :ds_nodash AS stamp FROM sales WHERE day = :ds"
    )
    run = run_component("sql", {"query": query}, inputs={"tables": {"sales": SALES}}, run_values=run_values)
    assert run.exit_code == 0
    day = pd.Timestamp("2026-11-29").date()
    start, end = pd.Timestamp("2026-11-29", tz="UTC"), pd.Timestamp("2026-11-30", tz="UTC")
    row = run.table().iloc[0]
    assert row["by_day"] == SALES[SALES.day == day].amount.sum()
    assert row["by_interval"] == SALES[(SALES.ts >= start) & (SALES.ts < end)].amount.sum()
    assert row["stamp"] == "20261129"


def test_a_pipeline_param_named_like_a_run_value_wins(run_component):
    run = run_component(
        "sql", {"query": "SELECT CAST(:ds AS VARCHAR) AS d"}, inputs={"tables": {"sales": SALES}}, pipeline_params={"ds": "mine"},
    )
    assert run.exit_code == 0
    assert run.table()["d"].tolist() == ["mine"]


def test_unknown_binds_name_the_run_values(run_component, capfd):
    run = run_component(
        "sql", {"query": "SELECT CAST(:yesterday AS VARCHAR) AS d"}, inputs={"tables": {"sales": SALES}}, check_params=False,
    )
    assert run.exit_code == FATAL_EXIT_CODE
    err = capfd.readouterr().err
    assert "['yesterday']" in err and "data_interval_start" in err
