"""Airflow operators Jimu compiles pipelines into."""
