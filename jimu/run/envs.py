"""Per-component Python environments for local runs, cached by (python, requirements) digest.

A component that declares requirements, or a Python other than Jimu's own, runs in its own
virtual environment under $JIMU_HOME/envs/<digest>/, so its dependencies never touch Jimu's.
Jimu's runtime (pure Python) is put on the environment's path with a .pth file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from jimu.catalog import Component
from jimu.errors import ComponentError
from jimu.home import jimu_home

READY_MARKER = ".jimu-env-ready"
# The runtime (ctx.read_table and friends) needs these; for Jimu's own Python they are pinned
# as in requirements-runtime.txt. Built-ins declare no requirements: Jimu's lock covers them.
RUNTIME_PACKAGES = ("pyarrow", "pyyaml", "pandas", "numpy")


def jimu_python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def needs_own_env(component: Component) -> bool:
    runtime = component.spec.runtime
    return bool(runtime.requirements) or runtime.python != jimu_python_version()


def _runtime_pins() -> list[str]:
    pins_file = Path(__file__).resolve().parents[2] / "requirements-runtime.txt"
    pins = {}
    if pins_file.exists():
        for line in pins_file.read_text(encoding="utf-8").splitlines():
            name, sep, _ = line.partition("==")
            if sep and not line.startswith("#"):
                pins[name.strip().lower()] = line.strip()
    return [pins[p] for p in RUNTIME_PACKAGES if p in pins]


def env_requirements(component: Component) -> list[str]:
    """The component's requirements, plus Jimu's runtime pins when it names none of them."""
    runtime = component.spec.runtime
    named = {r.split("==")[0].split(">")[0].split("<")[0].split("[")[0].strip().lower() for r in runtime.requirements}
    extra = []
    if runtime.python == jimu_python_version():
        extra = [pin for pin in _runtime_pins() if pin.split("==")[0].lower() not in named]
    return sorted({*runtime.requirements, *extra})


def env_digest(component: Component) -> str:
    runtime = component.spec.runtime
    payload = json.dumps({"python": runtime.python, "requirements": env_requirements(component), "locked": runtime.locked})
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def envs_root() -> Path:
    return jimu_home() / "envs"


def find_interpreter(version: str) -> str:
    """A working pythonX.Y: pyenv's installs first (its shims exist but fail for inactive versions)."""
    pyenv = sorted(Path.home().joinpath(".pyenv", "versions").glob(f"{version}.*/bin/python{version}"))
    candidates = [str(p) for p in reversed(pyenv)] + [shutil.which(f"python{version}") or ""]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
        if probe.returncode == 0:
            return candidate
    raise ComponentError(
        f"Python {version} is needed by this component but python{version} is not on PATH; "
        f"install it (e.g. `pyenv install {version}`) or change runtime.python"
    )


def python_for(component: Component, echo=print) -> str:
    """The interpreter a component's local process uses: Jimu's own, or its cached environment."""
    if not needs_own_env(component):
        return sys.executable
    return str(ensure_env(component, echo) / "bin" / "python")


def ensure_env(component: Component, echo=print) -> Path:
    """Create (once) and return the component's environment folder; safe across processes."""
    folder = envs_root() / env_digest(component)
    if (folder / READY_MARKER).exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second run waits for the first to finish building
        if (folder / READY_MARKER).exists():
            return folder
        _build(component, folder, echo)
    return folder


def _build(component: Component, folder: Path, echo) -> None:
    spec = component.spec
    requirements = env_requirements(component)
    interpreter = find_interpreter(spec.runtime.python)
    echo(
        f"jimu: creating the environment of {spec.ref} (Python {spec.runtime.python}, "
        f"{len(requirements)} requirement(s)) in {folder}; this happens once"
    )
    started = time.perf_counter()
    shutil.rmtree(folder, ignore_errors=True)  # a half-built one from an interrupted run
    _step(echo, "creating the virtual environment", [interpreter, "-m", "venv", str(folder)])
    python = str(folder / "bin" / "python")
    if requirements:
        (folder / "requirements.txt").write_text("\n".join(requirements) + "\n", encoding="utf-8")
        # A locked list is complete: resolving it again could fail on packages whose declared
        # ranges are wrong (pyalink's), so it is installed exactly as written.
        no_deps = ["--no-deps"] if spec.runtime.locked else []
        _step(
            echo,
            f"installing {len(requirements)} requirement(s) (downloads can take a few minutes)",
            [python, "-m", "pip", "install", "--disable-pip-version-check", *no_deps, "-r", str(folder / "requirements.txt")],
        )
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    # Jimu's runtime is pure Python: a .pth puts it on the path without installing Jimu's deps.
    Path(site, "jimu_runtime.pth").write_text(str(Path(__file__).resolve().parents[2]) + "\n", encoding="utf-8")
    (folder / READY_MARKER).write_text(json.dumps({"component": spec.ref, "requirements": requirements}), encoding="utf-8")
    echo(f"jimu: environment of {spec.ref} ready in {time.perf_counter() - started:.0f} s")


def _step(echo, what: str, command: list[str]) -> None:
    echo(f"jimu:   {what}...")
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-20:])
        raise ComponentError(f"{what} failed (exit {proc.returncode}):\n{tail}")
