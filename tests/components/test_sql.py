from __future__ import annotations

import duckdb
import pandas as pd

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
    assert run.exit_code == 1
    assert "disabled by configuration" in capfd.readouterr().err


def test_more_than_one_statement_is_refused(run_component, capfd):
    run = run_component("sql", {"query": "SELECT 1; DROP TABLE orders"}, inputs={"tables": {"orders": ORDERS}})
    assert run.exit_code == 1
    assert "exactly one SELECT" in capfd.readouterr().err
