"""ConductorResource, configured from the environment by Dagster, reaches QuickBooks through Conductor."""

import conductor
import dagster as dg
import pytest

from qbd_pipeline.conductor.resource import ConductorResource, MissingSetting, conductor_from_env
from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY


def test_resource_from_env_talks_to_the_emulator(shared_server, monkeypatch):
    monkeypatch.setenv("CONDUCTOR_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("CONDUCTOR_END_USER_ID", END_USER)
    monkeypatch.setenv("CONDUCTOR_BASE_URL", shared_server.base_url)
    with dg.build_resources({"conductor": conductor_from_env()}) as resources:
        resource: ConductorResource = resources.conductor
        assert resource.end_user_id == END_USER
        assert resource.health_check() >= 0
        reader, writer = resource.client(), resource.client(retries=False)
        assert (reader.max_retries, writer.max_retries) == (2, 0)
        assert reader.qbd.customers.list(conductor_end_user_id=END_USER, limit=3).data


def test_a_wrong_key_fails_without_echoing_it(shared_server):
    resource = ConductorResource(secret_key="sk_test_definitely_wrong_key", end_user_id=END_USER,
                                 base_url=shared_server.base_url)
    with pytest.raises(conductor.AuthenticationError) as caught:
        resource.health_check()
    assert "sk_test_definitely_wrong_key" not in str(caught.value)


def test_deployments_take_the_secret_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("CONDUCTOR_SECRET_KEY", "sk_test_from_env")
    monkeypatch.setenv("CONDUCTOR_END_USER_ID", END_USER)
    resource = conductor_from_env()
    assert isinstance(resource.secret_key, dg.EnvVar)  # resolved at launch, masked in the UI
    assert resource.secret_key.env_var_name == "CONDUCTOR_SECRET_KEY"
    monkeypatch.delenv("CONDUCTOR_SECRET_KEY")
    with pytest.raises(MissingSetting, match=r"^CONDUCTOR_SECRET_KEY is not set"):
        conductor_from_env().client()
