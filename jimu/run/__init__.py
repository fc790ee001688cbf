"""Local runs: the compiled local-profile DAG executed by Airflow's own dag.test()."""
