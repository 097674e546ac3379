"""The environment is the locked one: every package at the version constraints.txt pins."""

from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            requirement = Requirement(line)
            [spec] = requirement.specifier
            assert spec.operator == "==", f"{line}: constraints pin exact versions"
            found[requirement.name.lower()] = spec.version
    return found


def test_every_installed_package_is_at_its_pinned_version():
    locked = pins()
    installed = {d.metadata["Name"].lower(): d.version for d in metadata.distributions()}
    assert {n: v for n, v in installed.items() if n != "qbd-pipeline" and locked.get(n) != v} == {}


def test_sqlalchemy_stays_on_the_series_dagster_postgres_works_with():
    major, minor = (int(x) for x in pins()["sqlalchemy"].split(".")[:2])
    assert (major, minor) == (2, 0)  # 2.1 makes postgresql:// mean psycopg 3; Dagster's storage needs psycopg2
