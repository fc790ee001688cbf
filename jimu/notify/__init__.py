"""Alerts sent from Airflow callbacks: Jimu's message text, and the channels that carry it."""
