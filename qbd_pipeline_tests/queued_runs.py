"""Runs created and queued as `dagster job launch` and the webserver do: from the code location that
workspace.yaml names (a gRPC server in a subprocess), through the instance's run coordinator."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster._cli.job import _create_run
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import WorkspaceFileTarget

ROOT = Path(__file__).resolve().parents[1]


class Launcher:
    def __init__(self, instance: dg.DagsterInstance, request_context) -> None:
        self.instance, self.workspace = instance, request_context
        self.location = request_context.get_code_location("qbd_pipeline")
        [self.repository] = self.location.get_repositories().values()

    def submit(self, job_name: str, tags: dict[str, str] | None = None) -> dg.DagsterRun:
        """Create a run of `job_name` with `tags` and hand it to the run coordinator (queued)."""
        run = _create_run(instance=self.instance, code_location=self.location, remote_repo=self.repository,
                          remote_job=self.repository.get_full_job(job_name), run_config={}, tags=tags or {},
                          op_selection=None, run_id=None)
        return self.instance.submit_run(run.run_id, self.workspace)


@contextlib.contextmanager
def launcher(instance: dg.DagsterInstance) -> Iterator[Launcher]:
    with WorkspaceProcessContext(instance, WorkspaceFileTarget(paths=[str(ROOT / "workspace.yaml")])) as process:
        yield Launcher(instance, process.create_request_context())
