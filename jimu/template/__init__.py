"""Workflow templates: a published, versioned pipeline whose params are a form for people who write no code.

A template folder holds `template.json` (what the gallery shows: titles in English and Chinese,
category, tags, author, version) and `pipeline.json`, whose pipeline params are exactly the
form: everything else in the pipeline is fixed. The shipped templates live in `templates/`
(the `jimu.templates` data package); published versions are kept like components, immutable.
"""
