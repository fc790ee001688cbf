"""Uploaded files become datasets under their content hash; a bad file of any kind is refused and stores nothing."""

from __future__ import annotations

import io
import threading

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_iris

from jimu.datasets.read_upload import DatasetError
from jimu.datasets.store import DatasetStore


def iris() -> pd.DataFrame:
    return load_iris(as_frame=True).frame


def csv_bytes(frame: pd.DataFrame, **kwargs) -> bytes:
    return frame.to_csv(index=False, **kwargs).encode("utf-8")


def xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def stored_entries(store: DatasetStore) -> list[str]:
    return sorted(p.name for p in store.root.iterdir()) if store.root.exists() else []


@pytest.mark.parametrize(("name", "to_bytes"), [("iris.csv", csv_bytes), ("iris.xlsx", xlsx_bytes),
                                                ("iris.parquet", parquet_bytes)])
def test_each_format_reads_what_pandas_wrote(tmp_path, name, to_bytes):
    store = DatasetStore(tmp_path / "datasets")
    info, new = store.add(to_bytes(iris()), name)
    assert new and info.rows == 150 and info.name == name
    assert [(c.name, c.type) for c in info.columns] == [(c, "number") for c in iris().columns[:-1]] + [("target", "integer")]
    stored = pd.read_parquet(info.uri)
    pd.testing.assert_frame_equal(stored, iris(), check_dtype=False)
    assert store.preview(info.id, 3) == iris().head(3).to_dict(orient="records")
    assert [d.id for d in store.list()] == [info.id]


def test_the_same_bytes_are_one_dataset_and_nothing_is_overwritten(tmp_path):
    store = DatasetStore(tmp_path / "datasets")
    first, new = store.add(csv_bytes(iris()), "a.csv")
    again, new_again = store.add(csv_bytes(iris()), "renamed.csv")
    other, _ = store.add(csv_bytes(iris().head(10)), "a.csv")
    assert new and not new_again and again == first
    assert other.id != first.id and pd.read_parquet(first.uri).shape == (150, 5)


def test_concurrent_uploads_of_one_file_store_it_once(tmp_path):
    store = DatasetStore(tmp_path / "datasets")
    data = csv_bytes(iris())
    results = []
    threads = [threading.Thread(target=lambda: results.append(store.add(data, "iris.csv"))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({info.id for info, _ in results}) == 1
    assert sum(new for _, new in results) >= 1
    assert stored_entries(store) == [results[0][0].id]  # no temp folder left behind


BAD_FILES = {
    "encoding": ("gbk.csv", "城市,销量\n北京,3\n".encode("gbk"), "is not UTF-8 text", "不是 UTF-8 编码"),
    "ragged": ("ragged.csv", b"a,b\n1,2\n3,4,5\n", "rows have different numbers of fields", "字段数不一致"),
    "empty": ("empty.csv", b"", "holds no rows", "没有数据行"),
    "header only": ("header.csv", b"a,b\n", "holds no rows", "没有数据行"),
    "unknown format": ("data.docx", b"PK\x03\x04", "Jimu reads", "只能读取"),
    "damaged workbook": ("broken.xlsx", b"PK\x03\x04 not really a workbook", "not a readable .xlsx workbook", "无法读取"),
    "damaged parquet": ("broken.parquet", b"PAR1 nothing", "cannot be read", "无法读取"),
    "repeated columns": ("twice.tsv", b"a\ta\n1\t2\n", "repeated column names 'a'", "重复"),
    "too big": ("big.csv", b"a\n" + b"1\n" * 600, "is larger than", "超过"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_in_plain_words_and_stores_nothing(tmp_path, case):
    name, data, english, chinese = BAD_FILES[case]
    store = DatasetStore(tmp_path / "datasets", max_bytes=1000)
    with pytest.raises(DatasetError) as refused:
        store.add(data, name)
    assert english in refused.value.message and chinese in refused.value.message_zh
    assert stored_entries(store) == []


WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=8).filter(
    lambda w: w.strip() == w and w.lower() not in {"true", "false", "nan", "inf", "infinity", "-inf"} and not _numeric(w))


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(WORDS, min_size=1, max_size=5),
       numbers=st.lists(st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3)), min_size=1, max_size=5),
       bom=st.booleans())
def test_any_utf8_csv_reads_as_pandas_reads_it(tmp_path_factory, words, numbers, bom):
    rows = min(len(words), len(numbers))
    frame = pd.DataFrame({"名字 name": words[:rows], "value": numbers[:rows]})
    data = ("\ufeff" if bom else "").encode() + csv_bytes(frame)
    store = DatasetStore(tmp_path_factory.mktemp("datasets"))
    info, _ = store.add(data, "words.csv")
    expected = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(pd.read_parquet(info.uri), expected, check_dtype=False)
