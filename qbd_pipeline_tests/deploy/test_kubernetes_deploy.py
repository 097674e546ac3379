"""The Kubernetes deployment (deploy/k8s/): Helm values for Dagster's chart, the instance they render,
and the image.

There is no cluster here, so the one stand-in is the Kubernetes API itself: a small HTTP server that
records the Jobs it is asked to create. Everything else is real: the shipped instance config (its
in-cluster credentials swapped for a kubeconfig naming that server), Dagster's storage in PostgreSQL,
a real `dagster-daemon` dequeuing runs through Dagster's K8sRunLauncher, runs created from the code
location the way the webserver and `dagster job launch` create them.
"""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

import dagster as dg
import pytest
import yaml

from qbd_pipeline.quickbooks.partitions import COMPANIES, key
from qbd_pipeline.settings import COMPANY_TAG
from qbd_pipeline_tests.conftest import SECRET_KEY
from qbd_pipeline_tests.queued_runs import launcher

from .instance import ROOT, dagster_process, production_env, use_env, wait_for

K8S = ROOT / "deploy" / "k8s"
IMAGE = "registry.example.com/qbd-pipeline:test"


def _values() -> dict:
    return yaml.safe_load((K8S / "values.yaml").read_text())


def _rendered() -> dict:
    return yaml.safe_load((K8S / "dagster.yaml").read_text())


def _snake(value):
    """The chart's camelCase values as the instance's snake_case config."""
    if isinstance(value, dict):
        return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower() if k != "applyLimitPerUniqueValue" else k: _snake(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


def test_the_helm_values_render_the_shipped_instance_and_name_one_image_and_the_code_location():
    values, rendered = _values(), _rendered()
    coordinator = values["dagsterDaemon"]["runCoordinator"]
    assert coordinator["enabled"] and coordinator["type"] == "CustomRunCoordinator"
    custom = coordinator["config"]["customRunCoordinator"]
    assert {"module": custom["module"], "class": custom["class"], "config": custom["config"]} == rendered[
        "run_coordinator"]
    assert values["concurrency"]["enabled"] is True
    assert _snake(values["concurrency"]["runs"]) == rendered["concurrency"]["runs"]
    assert rendered["concurrency"]["runs"]["tag_concurrency_limits"] == [
        {"key": COMPANY_TAG, "value": {"applyLimitPerUniqueValue": True}, "limit": 1}]
    monitoring = dict(_snake(values["dagsterDaemon"]["runMonitoring"]))
    assert monitoring == rendered["run_monitoring"]
    assert _snake({k: v for k, v in values["retention"].items() if k != "enabled"}) == rendered["retention"]

    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    assert (rendered["run_launcher"]["module"], rendered["run_launcher"]["class"]) == ("dagster_k8s", "K8sRunLauncher")
    launcher_values, launcher_config = values["runLauncher"]["config"]["k8sRunLauncher"], rendered["run_launcher"][
        "config"]
    assert [s["name"] for s in launcher_values["envSecrets"]] == launcher_config["env_secrets"]
    assert {c["name"] for c in launcher_values["envConfigMaps"]} <= set(launcher_config["env_config_maps"])
    assert _snake(launcher_values["runK8sConfig"]) == launcher_config["run_k8s_config"]
    assert launcher_config["dagster_home"] == values["global"]["dagsterHome"]
    assert launcher_config["postgres_password_secret"] == values["global"]["postgresqlSecretName"]
    assert values["postgresql"]["enabled"] is False and values["generatePostgresqlPasswordSecret"] is False
    assert values["telemetry"] == rendered["telemetry"]
    assert _snake(values["pythonLogs"]) == rendered["python_logs"] == {"python_log_level": "INFO"}

    # One image for the webserver, the daemon and the code location: the first two import the run coordinator.
    [deployment] = values["dagster-user-deployments"]["deployments"]
    images = {(v["image"]["repository"], v["image"]["tag"])
              for v in (values["dagsterWebserver"], values["dagsterDaemon"], deployment)}
    assert len(images) == 1
    [location] = yaml.safe_load((ROOT / "workspace.yaml").read_text())["load_from"]
    module = location["python_module"]["module_name"]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", module]
    assert deployment["includeConfigInLaunchedRuns"]["enabled"] is True
    dockerfile = (K8S / "Dockerfile").read_text()
    assert f'"-m", "{module}"' in dockerfile and f'"-p", "{deployment["port"]}"' in dockerfile
    assert "-c constraints.txt" in dockerfile and "'.[k8s]'" in dockerfile
    # The chart's version is the Dagster release the project pins.
    assert f"--version {metadata.version('dagster')}" in (K8S / "values.yaml").read_text()


class _FakeKubernetes(BaseHTTPRequestHandler):
    """Kubernetes' batch/v1 Jobs API, enough for K8sRunLauncher: creating a Job records it; reading
    one says it does not exist (no pod ever runs)."""

    jobs: list[tuple[str, dict]]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        match = re.fullmatch(r"/apis/batch/v1/namespaces/([^/]+)/jobs", self.path.split("?")[0])
        if not match:
            return self._answer(404, {"kind": "Status", "status": "Failure", "code": 404})
        self.server.jobs.append((match.group(1), body))
        body.setdefault("metadata", {})["uid"] = f"uid-{len(self.server.jobs)}"
        self._answer(201, body)

    def do_GET(self) -> None:
        self._answer(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                           "code": 404})

    def _answer(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def kubernetes():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeKubernetes)
    server.jobs = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _kubeconfig(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "test",
        "clusters": [{"name": "test", "cluster": {"server": f"http://127.0.0.1:{port}"}}],
        "users": [{"name": "test", "user": {"token": "kubernetes-token-of-the-test"}}],
        "contexts": [{"name": "test", "context": {"cluster": "test", "user": "test", "namespace": "qbd"}}]}))
    return path


def _partition(company: str) -> dict[str, str]:
    """The tags the UI puts on a run of one partition (an asset page's Materialize)."""
    return {"dagster/partition": str(key(company, "2026-11-02")), "dagster/partition/company": company,
            "dagster/partition/day": "2026-11-02"}


@pytest.mark.postgres
@pytest.mark.slow
def test_a_real_daemon_on_the_kubernetes_instance_launches_one_job_per_company_file_at_a_time(
        tmp_path, dagster_database, kubernetes, monkeypatch):
    shipped = (K8S / "dagster.yaml").read_text()
    assert shipped.count("load_incluster_config: true") == 1
    instance_yaml = shipped.replace(  # the only edit: outside a cluster, credentials come from a kubeconfig
        "load_incluster_config: true",
        f"load_incluster_config: false\n    kubeconfig_file: {_kubeconfig(tmp_path, kubernetes.server_port)}")
    env = production_env(tmp_path, dagster_database, base_url="http://127.0.0.1:9/v1",
                         wms_url=f"sqlite:///{tmp_path / 'wms.sqlite'}", instance_yaml=instance_yaml,
                         DAGSTER_PG_PASSWORD="unused-with-trust-auth",
                         DAGSTER_CURRENT_IMAGE=IMAGE)  # what the chart sets in the code location's pod
    use_env(monkeypatch, env)
    a, b, c = "end_usr_k8s_a", "end_usr_k8s_b", "end_usr_k8s_c"
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_launcher).__name__ == "K8sRunLauncher"
        instance.add_dynamic_partitions(COMPANIES, [a, b, c])
    with dagster_process("dagster-daemon", ["run", "-w", "workspace.yaml"], env, tmp_path / "daemon.log"), \
            dg.DagsterInstance.get() as instance, launcher(instance) as ui:
        a_pull = ui.submit("qbd_incremental_pull", {COMPANY_TAG: a, **_partition(a)})  # the hourly schedule's
        a_push = ui.submit("wms_push_back", {COMPANY_TAG: a})  # the sensor's, while A's pull runs
        b_pull = ui.submit("qbd_incremental_pull", _partition(b))  # from B's asset page: no company tag
        b_push = ui.submit("wms_push_back", {COMPANY_TAG: b})
        c_push = ui.submit("wms_push_back", {COMPANY_TAG: c})

        def launched() -> dict[str, dict]:
            return {body["metadata"]["labels"]["dagster/run-id"]: body for _, body in kubernetes.jobs}

        wait_for("a Job for each company file", lambda: len(launched()) >= 3, timeout=120)
        assert set(launched()) == {a_pull.run_id, b_pull.run_id, c_push.run_id}
        # A's pull ends; its push may start now, and only it: B's pull is still running.
        instance.report_run_failed(instance.get_run_by_id(a_pull.run_id))
        wait_for("A's push-back Job", lambda: a_push.run_id in launched(), timeout=60)
        assert set(launched()) == {a_pull.run_id, b_pull.run_id, c_push.run_id, a_push.run_id}
        assert instance.get_run_by_id(b_push.run_id).status == dg.DagsterRunStatus.QUEUED
        assert instance.get_run_by_id(b_pull.run_id).tags[COMPANY_TAG] == b
        assert {namespace for namespace, _ in kubernetes.jobs} == {"qbd"}

        job = launched()[c_push.run_id]
        pod = job["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["image"] == IMAGE
        assert container["args"][:3] == ["dagster", "api", "execute_run"]
        sources = {(k, v["name"]) for source in container["envFrom"] for k, v in source.items()}
        assert {("secretRef", "qbd-pipeline-secrets"), ("configMapRef", "qbd-pipeline-config")} <= sources
        assert container["resources"] == {"requests": {"cpu": "500m", "memory": "512Mi"},
                                          "limits": {"memory": "1Gi"}}
        assert pod["serviceAccountName"] == "qbd-dagster"
        env_of_pod = {e["name"]: e for e in container["env"]}
        assert env_of_pod["DAGSTER_HOME"]["value"] == "/opt/dagster/dagster_home"
        assert env_of_pod["DAGSTER_PG_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "dagster-postgresql-secret"
        # Secrets travel as references to Kubernetes Secrets, never as values in a Job.
        assert SECRET_KEY not in json.dumps(kubernetes.jobs)
        assert "unused-with-trust-auth" not in json.dumps(kubernetes.jobs)
