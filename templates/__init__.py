"""Workflow templates: reusable pipelines with a parameter form."""
