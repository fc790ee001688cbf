"""Deployment profiles: where a pipeline runs, kept out of the pipeline itself.

One spec ships to dev and prod unchanged; namespace, image registry, service account,
storage base and the Secret with storage credentials come from a profile file.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from jimu.errors import Issue, SpecError
from jimu.home import jimu_home
from jimu.spec.base import SpecModel
from jimu.spec.kubernetes_names import label_value_problems, qualified_name_problems
from jimu.spec.pydantic_issues import issues_from_validation_error
from jimu.strict_yaml import load_yaml

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"
IMAGE_PREFIX = r"^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9._/-]*$"
# Starts with a separator pipeline ids cannot contain ('.'), or '_'/'-'; dag ids allow [A-Za-z0-9_.-].
# The host part of asset URIs (jimu://<warehouse>/<name>): a DNS-like name, no user info or port.
WAREHOUSE = r"^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$"
DAG_ID_SUFFIX = r"^([._-][a-z0-9]([a-z0-9_.-]{0,30}[a-z0-9])?)?$"


class DeploymentProfile(SpecModel):
    """Where and how compiled tasks run."""

    name: str
    kind: Literal["local", "kubernetes"]
    storage_base: str | None = Field(
        None, description="step data root: a local folder or s3://bucket/prefix; local default .jimu/data"
    )
    namespace: str = Field("default", pattern=DNS_LABEL)
    image_registry: str = Field("", pattern=IMAGE_PREFIX, description="prefix for component images")
    image_pull_policy: Literal["Always", "IfNotPresent", "Never"] = "IfNotPresent"
    service_account: str | None = Field(None, pattern=DNS_SUBDOMAIN)
    storage_secret: str | None = Field(
        None, pattern=DNS_SUBDOMAIN, description="Secret whose keys become env vars (credentials)"
    )
    labels: dict[str, str] = Field(default_factory=dict)
    startup_timeout_seconds: int = Field(300, ge=1)
    dag_id_suffix: str = Field(
        "",
        pattern=DAG_ID_SUFFIX,
        description="appended to the pipeline id to form the dag_id, so one pipeline compiled with two "
        "profiles can share a dags folder; the local profile uses '.local'",
    )
    warehouse: str = Field(
        "warehouse",
        pattern=WAREHOUSE,
        description="names the store node outputs declared assets live in: their URIs are "
        "jimu://<warehouse>/<asset name>; profiles that share an Airflow and a store share it",
    )
    airflow_url: str | None = Field(
        None,
        pattern=r"^https?://[^\s?#]+$",
        description="base URL of this Airflow's UI, e.g. https://airflow.example.com; alerts link to the run",
    )
    home: str | None = Field(
        None,
        description="local profiles: the absolute Jimu home the tasks use (catalog, run data, exports); "
        "default: the home of whoever compiles",
    )
    catalog: str | None = Field(
        None, description="local profiles: the absolute catalog folder; default: $JIMU_CATALOG or <home>/catalog"
    )
    dags_folder: str | None = Field(
        None, description="the Airflow dags folder `jimu deploy` writes into (absolute); --dags-folder overrides it"
    )

    @field_validator("home", "catalog", "dags_folder")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        if value is not None and (not PurePosixPath(value).is_absolute() or "\0" in value or ".." in PurePosixPath(value).parts):
            raise ValueError(f"{value!r} is not an absolute path without '..'; write e.g. /srv/jimu")
        return value

    @model_validator(mode="after")
    def _home_is_local_only(self) -> DeploymentProfile:
        if self.kind != "local" and (self.home or self.catalog):
            raise ValueError("home and catalog are for local profiles; pods read their storage_base")
        return self

    def dag_id(self, pipeline_id: str) -> str:
        return pipeline_id + self.dag_id_suffix

    def with_home(self) -> DeploymentProfile:
        """A local profile with home and catalog filled in from this machine (explicit values win)."""
        if self.kind != "local" or (self.home and self.catalog):
            return self
        from jimu.registry.store import default_catalog_root

        home = Path(self.home) if self.home else jimu_home()
        catalog = self.catalog or (str(default_catalog_root()) if not self.home else str(home / "catalog"))
        return self.model_copy(update={"home": str(home), "catalog": catalog})

    @field_validator("labels")
    @classmethod
    def _labels_are_kubernetes_labels(cls, labels: dict[str, str]) -> dict[str, str]:
        # The API server's own rules (qualified name keys, 63-character values): a label the
        # cluster refuses would fail every pod of every pipeline compiled with this profile.
        for key, value in labels.items():
            problems = [f"key {p}" for p in qualified_name_problems(key)]
            problems += [f"value {p}" for p in label_value_problems(value)]
            if problems:
                raise ValueError(f"label {key!r}: {value!r} is not a Kubernetes label: {'; '.join(problems)}")
        return labels

    def image(self, image: str) -> str:
        return f"{self.image_registry.rstrip('/')}/{image}" if self.image_registry else image


BUILTIN_PROFILES = {
    "local": DeploymentProfile(name="local", kind="local", dag_id_suffix=".local"),
    "kubernetes": DeploymentProfile(
        name="kubernetes",
        kind="kubernetes",
        namespace="jimu",
        storage_base="s3://jimu-data/runs",
        storage_secret="jimu-storage",
        service_account="jimu-runner",
    ),
}


def load_profile(name_or_path: str | Path) -> DeploymentProfile:
    """A built-in profile by name (local, kubernetes) or a profile YAML file."""
    if str(name_or_path) in BUILTIN_PROFILES:
        return BUILTIN_PROFILES[str(name_or_path)].with_home()
    path = Path(name_or_path)
    if not path.is_file():
        raise SpecError(str(path), [_missing_profile(path)])
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:  # duplicate keys included
        raise SpecError(str(path), [Issue("bad-profile", "$", f"cannot read the profile: {exc}",
                                          "fix the YAML (one value per key, UTF-8)")]) from None
    if not isinstance(raw, dict):
        raise SpecError(str(path), [Issue("bad-profile", "$", "a profile is a YAML mapping",
                                          "write `name: ...`, `kind: ...` lines (see profiles/dev.yaml)")])
    try:
        return DeploymentProfile.model_validate(raw).with_home()
    except ValidationError as exc:
        raise SpecError(str(path), issues_from_validation_error(exc)) from None


def _missing_profile(path: Path) -> Issue:
    return Issue(
        "unknown-profile", "$", f"no built-in profile or file named {str(path)!r}",
        "use 'local', 'kubernetes' or the path of a profile YAML (see profiles/)",
    )
