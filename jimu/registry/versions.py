"""Semantic versions: their order, and which bump may carry a breaking change.

The rule publishing enforces (README, "Publishing a component"): a breaking change needs a
new major version; below 1.0.0 a new minor is enough (0.2.0 -> 0.3.0 may break, 0.2.0 ->
0.2.1 may not). A version is compared with the nearest lower published release of the same
name; pre-releases promise nothing (semver.org, item 9), so they are never that baseline,
but a pre-release is itself held to the rule against the release below it.
"""

from __future__ import annotations

from typing import NamedTuple

from jimu.refs import SEMVER


class Version(NamedTuple):
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...]
    build: str

    @classmethod
    def parse(cls, text: str) -> Version:
        if not SEMVER.accepts(text):
            raise ValueError(f"{text!r} is not a semantic version ({SEMVER.hint})")
        rest, _, build = text.partition("+")
        core, _, pre = rest.partition("-")
        major, minor, patch = (int(part) for part in core.split("."))
        return cls(major, minor, patch, tuple(pre.split(".")) if pre else (), build)

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    def sort_key(self) -> tuple:
        """semver precedence (1.0.0-rc.1 < 1.0.0), then the build text so the order is total."""
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre, self.build)

    def line(self) -> tuple[int, ...]:
        """The versions that must stay compatible with each other: same major, or same 0.minor."""
        return (0, self.minor) if self.major == 0 else (self.major,)

    def next_breaking(self) -> str:
        return f"0.{self.minor + 1}.0" if self.major == 0 else f"{self.major + 1}.0.0"


def version_key(text: str) -> tuple:
    return Version.parse(text).sort_key()


def may_break(base: str, new: str) -> bool:
    """May `new` carry breaking changes relative to `base` (its nearest lower release)?"""
    old, candidate = Version.parse(base), Version.parse(new)
    if candidate.major != old.major:
        return candidate.major > old.major
    return old.major == 0 and candidate.minor > old.minor


def compatibility_baseline(new: str, published: list[str]) -> str | None:
    """The published release `new` must stay compatible with: the nearest one below it."""
    key = version_key(new)
    below = [v for v in published if v != new and not Version.parse(v).is_prerelease and version_key(v) < key]
    return max(below, key=version_key) if below else None


def version_for_breaking_change(base: str, published: list[str]) -> str:
    """The version to suggest for a breaking change over `base`: a new, unused line."""
    suggestion = Version.parse(base).next_breaking()
    lines = {Version.parse(v).line() for v in published}
    if Version.parse(suggestion).line() in lines:
        suggestion = Version.parse(max(published, key=version_key)).next_breaking()
    return suggestion
