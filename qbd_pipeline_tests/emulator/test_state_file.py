"""A state file keeps the company across restarts; the generator is deterministic per seed."""

import conductor

from qbd_pipeline.emulator.server import EmulatorServer
from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY, small_config

EU = {"conductor_end_user_id": END_USER}


def _snapshot(server) -> list[tuple]:
    client = conductor.Conductor(api_key=SECRET_KEY, base_url=server.base_url, max_retries=0)
    return [(c.id, c.full_name, c.revision_number, c.updated_at)
            for c in client.qbd.customers.list(status="all", **EU)]


def test_state_file_round_trip(tmp_path):
    state = tmp_path / "company.sqlite"
    config = small_config(state_file=state, end_user_ids=(END_USER,))
    with EmulatorServer(config) as first:
        client = conductor.Conductor(api_key=SECRET_KEY, base_url=first.base_url, max_retries=0)
        made = client.qbd.customers.create(name="Survives Restart", **EU)
        before = _snapshot(first)
    assert state.exists()
    with EmulatorServer(small_config(state_file=state, end_user_ids=(END_USER,), seed=999)) as second:
        after = _snapshot(second)
        client = conductor.Conductor(api_key=SECRET_KEY, base_url=second.base_url, max_retries=0)
        assert client.qbd.customers.retrieve(made.id, **EU).name == "Survives Restart"
        newer = client.qbd.customers.create(name="Made After Restart", **EU)
        assert newer.id not in {row[0] for row in before}  # counters were kept too
    assert after == before  # not re-seeded


def test_same_seed_same_company_different_seed_different_company():
    with EmulatorServer(small_config(end_user_ids=(END_USER,))) as a, \
            EmulatorServer(small_config(end_user_ids=(END_USER,))) as b, \
            EmulatorServer(small_config(end_user_ids=(END_USER,), seed=8)) as c:
        assert _snapshot(a) == _snapshot(b)
        assert _snapshot(a) != _snapshot(c)
