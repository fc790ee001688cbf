"""Jimu: pipelines of components, compiled to Airflow DAGs or run locally."""

__version__ = "0.1.0"
