"""How long a failed listing window waits before it is fetched again."""

from qbd_pipeline.conductor.errors import Transient
from qbd_pipeline.conductor.fetch import _restart_delays


def test_the_wait_doubles_up_to_thirty_seconds_unless_the_server_says_how_long():
    delays = _restart_delays(base=4.0)
    next(delays)  # primed, as backoff does
    waits = [delays.send(Transient("500")) for _ in range(5)]
    assert waits == [4.0, 8.0, 16.0, 30.0, 30.0]
    assert delays.send(Transient("429", retry_after=2.5)) == 2.5
