"""The code location loads, with its resources bound to the environment."""

import dagster as dg

from qbd_pipeline.definitions import defs


def test_definitions_load_without_any_secret_set(monkeypatch):
    for name in ("CONDUCTOR_SECRET_KEY", "CONDUCTOR_END_USER_ID", "CONDUCTOR_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    dg.Definitions.validate_loadable(defs)
    assert "conductor" in defs.resources
