"""Datasets people bring: an uploaded CSV, Excel or Parquet file, checked, stored under its content hash.

A template param with `"format": "dataset"` takes one; the pipeline sees a URI of its table.
"""
