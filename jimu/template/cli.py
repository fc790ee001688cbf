"""`jimu templates list|show|instantiate|publish`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jimu.errors import JimuError
from jimu.files import write_atomically
from jimu.template.spec import CATEGORIES, LANGS

# The rest of jimu.template is imported when a templates command runs: every `jimu` command
# builds this parser.

EPILOG = """examples:
  jimu templates list
  jimu templates show wine_quality --lang zh
  jimu templates instantiate wine_quality --set min_alcohol=13.5 -o my_wines.json
  jimu templates publish my_pipeline.json --name churn --version 1.0.0 --title "Churn model" \\
      --expose train.max_depth --expose gate.min_accuracy=min_accuracy --field-title min_accuracy="Minimum accuracy"
"""


def add_template_commands(sub) -> None:
    p = sub.add_parser("templates", help="list, show, instantiate and publish workflow templates",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    tsub = p.add_subparsers(dest="templates_command", required=True, metavar="ACTION")
    q = tsub.add_parser("list", help="the newest version of every template")
    q.add_argument("--json", action="store_true")
    q.add_argument("--lang", choices=LANGS, default="en")
    q = tsub.add_parser("show", help="a template's description and its form fields")
    q.add_argument("ref", metavar="NAME[@VERSION]")
    q.add_argument("--json", action="store_true")
    q.add_argument("--lang", choices=LANGS, default="en")
    q = tsub.add_parser("instantiate", help="write a pipeline from a template and your answers to its form")
    q.add_argument("ref", metavar="NAME[@VERSION]")
    q.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", dest="values",
                   help="a form field's value (repeatable); fields not set keep their defaults")
    q.add_argument("--id", help="the new pipeline's id (default: the template's name)")
    q.add_argument("-o", "--output", type=Path, required=True, help="pipeline JSON file to write")
    q.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    q.add_argument("--lang", choices=LANGS, default="en", help="language of the messages about wrong values")
    q = tsub.add_parser("publish", help="publish a pipeline as a template version (immutable)",
                        description="Node params named with --expose become the form; every other pipeline "
                        "param is fixed at its default.")
    q.add_argument("pipeline", type=Path)
    q.add_argument("--name", required=True)
    q.add_argument("--version", required=True)
    q.add_argument("--title", required=True)
    q.add_argument("--title-zh", default="")
    q.add_argument("--description", default="")
    q.add_argument("--description-zh", default="")
    q.add_argument("--category", choices=CATEGORIES, default="other")
    q.add_argument("--tag", action="append", default=[], dest="tags")
    q.add_argument("--author", default="")
    q.add_argument("--expose", action="append", default=[], metavar="NODE.PARAM[=FIELD]|PARAM",
                   help="a node param (or an existing pipeline param) to put in the form (repeatable)")
    q.add_argument("--field-title", action="append", default=[], metavar="FIELD=TEXT",
                   help="the label people read for a field (repeatable)")
    q.add_argument("--field-title-zh", action="append", default=[], metavar="FIELD=TEXT")


def _pairs(pairs: list[str], flag: str) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise JimuError(f"{flag} {pair!r}: write NAME=VALUE")
        out[name] = value
    return out


def cmd_templates(args, component_catalog) -> int:
    from jimu.datasets.store import DatasetStore
    from jimu.template.catalog import TemplateCatalog
    from jimu.template.describe import describe
    from jimu.template.form import parse_text_value
    from jimu.template.instantiate import FormError, instantiate

    action = args.templates_command
    if action == "publish":
        return _publish(args, component_catalog)
    catalog = TemplateCatalog.from_dirs(component_catalog)
    if action == "list":
        rows = [describe(t, args.lang) for t in catalog.latest()]
        if args.json:
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        for row in [] if args.json else rows:
            print(f"{row['ref']:<32} {row['category']:<18} {row['title']}")
        return 0
    template = catalog.require(args.ref)
    if action == "show":
        info = describe(template, args.lang)
        if args.json:
            print(json.dumps(info, indent=2, ensure_ascii=False))
            return 0
        print(f"{info['ref']}  [{info['category']}]  {info['title']}\n{info['description']}\n\nform:")
        for name, field in info["form"].items():
            limits = ", ".join(f"{k} {field[k]}" for k in ("minimum", "maximum", "enum") if k in field)
            print(f"  {name:<20} {field['title']} ({field.get('type', 'any')}; default {json.dumps(field['default'])}"
                  f"{'; ' + limits if limits else ''})")
            if field["description"]:
                print(f"  {'':<20} {field['description']}")
        return 0
    values = {name: parse_text_value(template.form.get(name, {}), text)
              for name, text in _pairs(args.values, "--set").items()}
    if args.output.exists() and not args.force:
        raise JimuError(f"{args.output} exists; choose another -o file, or add --force to replace it")
    try:
        pipeline = instantiate(template, values, args.id, args.lang, DatasetStore().columns_of)
    except FormError as exc:
        for problem in exc.problems:
            print(f"error: {problem.message}", file=sys.stderr)
        return 1
    write_atomically(args.output, json.dumps(pipeline, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.output} from {template.ref}; run it with: jimu run {args.output}")
    return 0


def _publish(args, component_catalog) -> int:
    from jimu.template.publish import parse_exposures, publish_template
    from jimu.validate import read_pipeline_file

    about = {"name": args.name, "version": args.version, "title": args.title, "title_zh": args.title_zh,
             "description": args.description, "description_zh": args.description_zh, "category": args.category,
             "tags": args.tags, "author": args.author}
    result, pipeline = publish_template(
        read_pipeline_file(args.pipeline), about, parse_exposures(args.expose), component_catalog,
        titles=_pairs(args.field_title, "--field-title"), titles_zh=_pairs(args.field_title_zh, "--field-title-zh"),
        source="command line",
    )
    print(f"{result.status:<10} template {result.name}@{result.version}; form: {', '.join(sorted(pipeline['params'])) or 'none'}")
    print(f"next: jimu templates show {result.name}")
    return 0
