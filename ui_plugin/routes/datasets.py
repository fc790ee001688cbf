"""/api/datasets: upload a CSV, Excel or Parquet file as a dataset, list them, preview one."""

from __future__ import annotations

from fastapi import APIRouter, File, Path, Query, UploadFile
from pydantic import BaseModel, Field

from jimu.datasets.read_upload import DatasetError
from jimu.datasets.store import DATASET_ID, DatasetInfo, DatasetStore
from jimu.errors import JimuError
from jimu.ui_plugin.errors import ApiError, error_responses

PREVIEW_ROWS = 20
DATASET_ID_PATH = Path(description="the dataset's id (from its upload)", pattern=DATASET_ID.json_schema_pattern)
UPLOAD_FILE = File(description="a .csv, .tsv, .xlsx or .parquet file")
DATASET_URI_QUERY = Query(max_length=4096, description="a dataset field's value: a stored dataset's uri, or a "
                          "package://jimu.templates.<template>/<file> a template ships")


class ColumnBody(BaseModel):
    name: str
    type: str = Field(description="in words: integer, number, text, yes/no, date, date-time")


class DatasetBody(BaseModel):
    id: str
    name: str = Field(description="the uploaded file's name")
    bytes: int
    rows: int
    columns: list[ColumnBody]
    sha256: str
    added_at: str
    uri: str = Field(description="what a pipeline param of format dataset takes")
    bundled: bool = Field(False, description="a file a template ships (its id is empty), not an upload")

    @classmethod
    def of(cls, info: DatasetInfo) -> DatasetBody:
        return cls(**{**info.__dict__, "columns": [ColumnBody(name=c.name, type=c.type) for c in info.columns]})


class DatasetPreview(DatasetBody):
    new: bool = Field(False, description="true when this upload stored it; false when the same file was there")
    preview: list[dict] = Field(description=f"the first {PREVIEW_ROWS} rows")


def datasets_router(store: DatasetStore, write_dependencies) -> APIRouter:
    router = APIRouter(tags=["datasets"])

    def found(dataset_id: str) -> DatasetInfo:
        try:
            return store.info(dataset_id)
        except JimuError as exc:
            raise ApiError(404, str(exc), "upload the file again, or pick a dataset from GET /api/datasets") from None

    @router.post("/datasets", name="upload_dataset", dependencies=list(write_dependencies), status_code=201,
                 responses=error_responses(400, 413, 422, 500))
    async def upload(file: UploadFile = UPLOAD_FILE) -> DatasetPreview:
        """Check and store the file under its content hash; 422 says in plain words what is wrong, and stores nothing."""
        data = await file.read()
        try:
            info, new = store.add(data, file.filename or "upload.csv")
        except DatasetError as exc:
            raise ApiError(422, exc.message, "fix the file as the message says and upload it again",
                           kind=exc.kind, message_zh=exc.message_zh) from None
        return DatasetPreview(**DatasetBody.of(info).model_dump(), new=new, preview=store.preview(info.id, PREVIEW_ROWS))

    @router.get("/datasets", name="list_datasets", responses=error_responses(500))
    def list_datasets() -> list[DatasetBody]:
        """Every uploaded dataset, newest first."""
        return [DatasetBody.of(info) for info in store.list()]

    # Declared before /datasets/{id}, which would otherwise take "describe" for an id.
    @router.get("/datasets/describe", name="describe_dataset", responses=error_responses(404, 422, 500))
    def describe_dataset(uri: str = DATASET_URI_QUERY) -> DatasetPreview:
        """The dataset a form field's value names (a template's default data too): columns, types, first rows."""
        try:
            info = store.describe(uri)
        except JimuError:
            info = None
        if info is None:
            raise ApiError(404, f"{uri!r} is neither an uploaded dataset nor data a template ships",
                           "upload the file (POST /api/datasets) and use the uri it answers with")
        return DatasetPreview(**DatasetBody.of(info).model_dump(), preview=store.preview_of(info, PREVIEW_ROWS))

    @router.get("/datasets/{id}", name="get_dataset", responses=error_responses(404, 422, 500))
    def get_dataset(id: str = DATASET_ID_PATH) -> DatasetPreview:
        """A dataset's columns with their detected types, and its first rows."""
        info = found(id)
        return DatasetPreview(**DatasetBody.of(info).model_dump(), preview=store.preview(info.id, PREVIEW_ROWS))

    return router
