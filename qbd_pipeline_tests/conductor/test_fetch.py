"""How long a failed listing window waits before it is fetched again."""

from qbd_pipeline.conductor.errors import Transient
from qbd_pipeline.conductor.fetch import _restart_delays


def test_the_wait_doubles_up_to_thirty_seconds_unless_the_server_says_how_long():
    delays = _restart_delays(base=4.0)
    next(delays)  # primed, as backoff does
    waits = [delays.send(Transient("500")) for _ in range(5)]
    assert waits == [4.0, 8.0, 16.0, 30.0, 30.0]
    assert delays.send(Transient("429", retry_after=2.5)) == 2.5


def test_a_pages_cursor_is_read_from_its_last_bytes_and_anything_unusual_is_left_to_a_full_parse():
    from qbd_pipeline.conductor.fetch import page_tail

    page = (b'{"objectType":"list","url":"/v1/quickbooks-desktop/customers",'
            b'"data":[{"memo":"\\"nextCursor\\":\\"x\\""}],')
    assert page_tail(page + b'"nextCursor":"c-1","remainingCount":20,"hasMore":true}') == ("c-1", 20, True)
    assert page_tail(page + b'"nextCursor":null,"remainingCount":0,"hasMore":false}\n') == (None, 0, False)
    assert page_tail(page + b'"hasMore":true,"nextCursor":"c-1","remainingCount":20}') is None  # another order
    assert page_tail(b'{"data": [], "nextCursor": "c-1", "remainingCount": 20, "hasMore": true}') is None  # spaced


def test_the_spool_hands_pages_over_in_order_and_counts_the_last_attempt():
    from datetime import datetime, timezone

    from qbd_pipeline.conductor.fetch import Spool

    now = datetime.now(timezone.utc)
    with Spool() as spool:
        spool.reset()
        spool.put(b'{"data":[{"id":"A"},{"id":"B"}]}', now, [{"id": "A"}, {"id": "B"}])
        spool.reset()  # the window is fetched again: the pages already fetched stay
        spool.put(b'{"data":[{"id":"A"}]}', now)
        spool.put(b'{"data":[{"id":"C"}]}', now)
        spool.finish()
        batches = list(spool.batches(2))
        assert [[r["id"] for r in batch] for batch, _times in batches] == [["A", "B"], ["A", "C"]]
        assert spool.count == 2


def test_a_batch_is_written_when_no_further_page_is_waiting_so_writes_keep_up_with_a_slow_quickbooks():
    import threading
    import time
    from datetime import datetime, timezone

    from qbd_pipeline.conductor.fetch import Spool

    now = datetime.now(timezone.utc)
    handed: list[list[str]] = []
    with Spool() as spool:
        def slow_fetch() -> None:
            for name in "ABC":
                spool.put(b'{"data":[{"id":"%s"}]}' % name.encode(), now)
                deadline = time.monotonic() + 2  # QuickBooks takes its time over the next page
                while len(handed) < "ABC".index(name) + 1 and time.monotonic() < deadline:
                    time.sleep(0.01)
            spool.finish()

        fetch = threading.Thread(target=slow_fetch)
        fetch.start()
        for batch, _times in spool.batches(2000):
            handed.append([r["id"] for r in batch])
        fetch.join()
    assert handed == [["A"], ["B"], ["C"]]  # each written while the next page was on its way, not all at the end
