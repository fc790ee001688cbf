"""The editor's template gallery: `GET /api/templates` with the template catalog kept vs read anew each time.

Jimu: the editor app (httpx over ASGI, in-process) answering `GET /api/templates` while the template store is
unchanged: `EditorServices.templates()` returns the catalog it read before (jimu.template.catalog_cache).
Baseline: the same request when the catalog is read anew, as every request did before the cache: the
shipped templates published (hashed, found unchanged) and every snapshot parsed, `TemplateCatalog.from_dirs`.
Also `TemplateCatalog.from_dirs` alone, the cost the cache saves. Goal: a kept catalog answers in under half
the time of one read anew.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, interleaved, isolated_home, machine_summary, median, parse_args, print_table

GOAL_RATIO = 0.5


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("template-gallery", keep=args.keep)
    repeat = args.repeat or (5 if args.quick else 30)

    import anyio
    import httpx

    import jimu.template.catalog_cache as catalog_cache
    from jimu.catalog_cache import cached_catalog
    from jimu.template.catalog import TemplateCatalog
    from jimu.ui_plugin.app import create_app
    from jimu.ui_plugin.config import UiConfig

    app = create_app(UiConfig(workspace=root / "workspace", dags_folder=root / "dags"))
    components = cached_catalog()
    templates = len(TemplateCatalog.from_dirs(components))  # publishes the shipped ones once, untimed
    print(f"bench_template_gallery: {machine_summary()}; {templates} templates; {repeat} timed runs each")

    async def gallery():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            answer = await client.get("/api/templates")
            assert answer.status_code == 200 and len(answer.json()) == templates, answer.text

    def kept():
        anyio.run(gallery)

    def read_anew():
        catalog_cache._CATALOGS.clear()  # what every request paid before the cache
        anyio.run(gallery)

    def from_dirs():
        TemplateCatalog.from_dirs(components)

    times = interleaved({"kept": kept, "anew": read_anew, "from_dirs": from_dirs}, repeat, warmup=1)
    kept_s, anew_s = median(times["kept"]), median(times["anew"])
    print_table("template gallery", [
        Row("template_gallery", "GET /api/templates, catalog kept vs read anew", kept_s, anew_s,
            baseline_name="read anew", goal=f"< {GOAL_RATIO}x", ok=kept_s / anew_s < GOAL_RATIO),
        Row("template_gallery", "TemplateCatalog.from_dirs (saved per request)", median(times["from_dirs"])),
    ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
