"""The Airflow plugin that mounts the Jimu editor."""
