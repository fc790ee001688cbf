"""One template catalog per long-lived process (the editor), read again only when the template store changed.

`TemplateCatalog.from_dirs` publishes the shipped templates (a no-op that still reads and hashes
every shipped folder) and then parses every published snapshot: a cost each gallery request paid
again. The catalog is kept while the store's index, the shipped folders' files and the component
catalog it was checked against stay the same; a template published meanwhile (`jimu templates
publish`, the editor's "Publish as template") rewrites the index and shows at the next request.
"""

from __future__ import annotations

import threading
from pathlib import Path

from jimu.catalog_cache import file_stamp, folder_stamps
from jimu.registry.store import INDEX_FILE
from jimu.template.catalog import TemplateCatalog, builtin_template_folders
from jimu.template.store import TemplateStore

_CATALOGS: dict = {}
_LOCK = threading.Lock()


def cached_templates(component_catalog) -> TemplateCatalog:
    """TemplateCatalog.from_dirs(component_catalog), reused while the store and the shipped folders are unchanged."""
    store = TemplateStore(component_catalog)
    key = str(store.root)
    with _LOCK:
        stamp = _store_state(store.root)
        cached = _CATALOGS.get(key)
        if cached is not None and cached[0] is component_catalog and cached[1] == stamp:
            return cached[2]
        templates = TemplateCatalog.from_dirs(component_catalog, store)
        # Publishing the shipped templates may have written the index: stamp what was read.
        _CATALOGS[key] = (component_catalog, _store_state(store.root), templates)
        return templates


def _store_state(root: Path) -> list:
    return [file_stamp(root / INDEX_FILE), *folder_stamps(builtin_template_folders())]
