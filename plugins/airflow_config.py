"""The editor's settings in plugin mode, read from Airflow's configuration.

`[jimu] workspace` (env `AIRFLOW__JIMU__WORKSPACE`) is the folder of pipeline files, by
default `$JIMU_HOME/workspace`; a relative path is taken from `$AIRFLOW_HOME`, because an
api-server's working folder is nobody's choice. Deploy writes into `[core] dags_folder`.
`[jimu] warm_runs` (default True) sends the editor's runs to a warm runner the api-server
starts; False runs each in a fresh process.
"""

from __future__ import annotations

from pathlib import Path

from jimu.home import jimu_home
from jimu.plugins import airflow_auth
from jimu.ui_plugin.config import UiConfig

WORKSPACE_SECTION = "jimu"
WORKSPACE_KEY = "workspace"


def workspace_from_airflow() -> Path:
    """The absolute workspace folder `[jimu] workspace` names, or `$JIMU_HOME/workspace`."""
    from airflow.configuration import AIRFLOW_HOME, conf

    configured = conf.get(WORKSPACE_SECTION, WORKSPACE_KEY, fallback="").strip()
    if not configured:
        return jimu_home() / "workspace"
    return (Path(AIRFLOW_HOME) / Path(configured).expanduser()).absolute()


def dags_folder_from_airflow() -> Path:
    """Airflow's `[core] dags_folder`, the folder deploy writes DAG files into."""
    from airflow.configuration import conf

    return Path(conf.get_mandatory_value("core", "dags_folder")).expanduser().absolute()


def warm_runs_from_airflow() -> bool:
    from airflow.configuration import conf

    return conf.getboolean(WORKSPACE_SECTION, "warm_runs", fallback=True)


def ui_config_from_airflow() -> UiConfig:
    """The editor app's config in plugin mode: Airflow's login, permissions and folders."""
    warm = warm_runs_from_airflow()
    return UiConfig(
        workspace=workspace_from_airflow(),
        mode="airflow",
        read_dependencies=airflow_auth.read_dependencies(),
        write_dependencies=airflow_auth.write_dependencies(),
        current_user=airflow_auth.current_user_dependency(),
        dags_folder=dags_folder_from_airflow(),
        warm_runs=warm,
        start_runner=warm,
    )
