"""Every shipped template instantiates with its defaults into a valid pipeline, and Airflow's trigger form
(the compiled DAG's Params, read from a real DagBag) shows exactly the template's form."""

from __future__ import annotations

import pytest

from jimu.compile import compile_pipeline, load_profile
from jimu.template.catalog import TemplateCatalog, builtin_template_folders
from jimu.template.folder import load_template
from jimu.template.instantiate import instantiate
from jimu.validate import validate_pipeline
from tests.compile.expect import load_dagbag

FOLDERS = builtin_template_folders()


def test_every_shipped_pipeline_is_a_template():
    from jimu.shipped import shipped_pipelines

    assert sorted(p.parent.name for p in shipped_pipelines()) == sorted(f.name for f in FOLDERS)


@pytest.fixture(scope="module")
def templates(catalog):
    return TemplateCatalog.from_dirs(catalog)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_instantiates_with_defaults_and_airflow_shows_the_same_form(folder, templates, catalog, tmp_path):
    template = templates.require(load_template(folder).ref)
    pipeline = instantiate(template, {})
    report = validate_pipeline(pipeline, catalog)
    assert report.ok, report.issues
    assert pipeline["template"] == template.ref
    dag_file = tmp_path / f"{template.name}.py"
    dag_file.write_text(compile_pipeline(report.spec, catalog, load_profile("local"), "test"), encoding="utf-8")
    bag = load_dagbag(dag_file)
    assert not bag.import_errors, bag.import_errors
    [dag] = bag.dags.values()
    params = dag.params
    assert sorted(params.keys()) == sorted(template.form)
    for name, field in template.form.items():
        param = params.get_param(name)
        assert param.value == field["default"]
        # Airflow keeps a Param's description beside its schema; its form shows both.
        shown = {**param.schema, **({"description": param.description} if param.description else {})}
        assert shown == {k: v for k, v in field.items() if k != "default"}, name
        assert param.schema["title"], f"{name}: Airflow's form would show no label"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_chinese_texts_cover_the_whole_form(folder):
    template = load_template(folder)
    assert template.spec.title_zh and template.spec.description_zh
    assert set(template.spec.form_zh) == set(template.form)
    assert all(text.title for text in template.spec.form_zh.values())
