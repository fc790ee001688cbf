"""/api/datasets over real HTTP: an upload is checked and stored once under its hash; a bad one says why and stores nothing."""

from __future__ import annotations

import httpx
import pandas as pd
import pytest

from jimu.datasets.bundled import bundled_path
from jimu.ui_plugin.app import create_app
from jimu.ui_plugin.config import UiConfig
from tests.datasets.test_store import BAD_FILES, csv_bytes, iris, xlsx_bytes
from tests.ui_plugin.live import serving
from tests.ui_plugin.test_limits import raw_request

MAX_UPLOAD = 200_000


@pytest.fixture(scope="module")
def datasets_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("datasets")


@pytest.fixture(scope="module")
def http(tmp_path_factory, datasets_dir, catalog):
    root = tmp_path_factory.mktemp("ui-datasets")
    config = UiConfig(workspace=root / "workspace", datasets_dir=datasets_dir, max_upload_bytes=MAX_UPLOAD,
                      warm_runs=False)
    with serving(create_app(config)) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def upload(http, name: str, data: bytes) -> httpx.Response:
    return http.post("/api/datasets", files={"file": (name, data, "application/octet-stream")})


def entries(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_upload_preview_list_and_the_same_file_again(http, datasets_dir):
    workbook = xlsx_bytes(iris())  # written once: a workbook records when it was written
    answer = upload(http, "鸢尾花.xlsx", workbook)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["new"] and body["name"] == "鸢尾花.xlsx" and body["rows"] == 150
    assert [c["name"] for c in body["columns"]] == list(iris().columns)
    assert {c["type"] for c in body["columns"]} == {"number", "integer"}
    assert body["preview"] == iris().head(20).to_dict(orient="records")
    pd.testing.assert_frame_equal(pd.read_parquet(body["uri"]), iris(), check_dtype=False)

    again = upload(http, "copy.xlsx", workbook).json()
    assert (again["id"], again["new"]) == (body["id"], False)
    listed = http.get("/api/datasets").json()
    assert body["id"] in [d["id"] for d in listed]
    shown = http.get(f"/api/datasets/{body['id']}").json()
    assert shown["preview"] == body["preview"] and shown["columns"] == body["columns"]


@pytest.mark.parametrize("case", sorted(set(BAD_FILES) - {"too big"}))
def test_a_bad_file_answers_422_in_both_languages_and_stores_nothing(http, datasets_dir, case):
    name, data, english, chinese = BAD_FILES[case]
    before = entries(datasets_dir)
    answer = upload(http, name, data)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert english in detail["message"] and chinese in detail["message_zh"] and detail["kind"]
    assert entries(datasets_dir) == before


def raw_post(http, path: str, **kwargs) -> bytes:
    """The answer to a POST sent over a plain socket: a server that refuses a large body answers and closes
    while the client is still sending, which httpx reports as a broken connection, not as the answer."""
    request = http.build_request("POST", path, **kwargs)
    body = request.read()
    head = f"POST {request.url.raw_path.decode()} HTTP/1.1\r\nHost: x\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in request.headers.items() if name.lower() != "host") + "\r\n"
    return raw_request(str(http.base_url), head, [body[i:i + 65536] for i in range(0, len(body), 65536)])


def test_a_file_past_the_limit_is_refused_while_it_arrives(http, datasets_dir):
    before = entries(datasets_dir)
    big = csv_bytes(pd.concat([iris()] * 200))
    assert len(big) > MAX_UPLOAD + 64 * 1024
    answer = raw_post(http, "/api/datasets", files={"file": ("big.csv", big, "text/csv")})
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"upload a smaller file" in answer
    assert entries(datasets_dir) == before
    # Other routes keep the document limit.
    answer = raw_post(http, "/api/validate", content=b"x" * (6 * 1024 * 1024))
    assert answer.startswith(b"HTTP/1.1 413") and b"split the pipeline" in answer


@pytest.mark.parametrize("dataset_id", ["..", "abc", "0" * 19 + "g", "%2e%2e%2fetc"])
def test_an_id_that_is_no_hash_is_refused(http, dataset_id):
    assert http.get(f"/api/datasets/{dataset_id}").status_code in (404, 422)


def test_an_unknown_id_is_404_with_what_to_do(http):
    answer = http.get(f"/api/datasets/{'0' * 20}")
    assert answer.status_code == 404 and "upload the file again" in answer.json()["detail"]["fix"]


def test_describe_answers_for_an_upload_and_for_data_a_template_ships(http):
    stored = upload(http, "iris.csv", csv_bytes(iris())).json()
    described = http.get("/api/datasets/describe", params={"uri": stored["uri"]}).json()
    assert (described["id"], described["bundled"], described["preview"]) == (stored["id"], False, stored["preview"])

    uri = "package://jimu.templates.daily_sales/data/sales.csv"
    bundled = http.get("/api/datasets/describe", params={"uri": uri})
    assert bundled.status_code == 200, bundled.text
    body = bundled.json()
    expected = pd.read_csv(bundled_path(uri))
    assert (body["bundled"], body["id"], body["uri"], body["rows"]) == (True, "", uri, len(expected))
    assert [c["name"] for c in body["columns"]] == list(expected.columns)
    assert [row["order_id"] for row in body["preview"]] == list(expected["order_id"].head(20))


@pytest.mark.parametrize("uri", ["package://sklearn.datasets/data/iris.csv", "/etc/passwd", "../x/table.parquet",
                                 "package://jimu.templates.daily_sales/../pipeline.json", ""])
def test_describe_of_anything_else_is_404_with_what_to_do(http, uri):
    answer = http.get("/api/datasets/describe", params={"uri": uri})
    assert answer.status_code == 404, answer.text
    assert "POST /api/datasets" in answer.json()["detail"]["fix"]
