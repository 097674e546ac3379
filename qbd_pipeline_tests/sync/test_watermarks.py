"""High-water marks as pure functions: where a window starts, and when the mark may move."""

from datetime import datetime, timedelta, timezone

from qbd_pipeline.sync.watermarks import Window, advanced, plan_window

H = timedelta(hours=1)
LOOKBACK = timedelta(minutes=15)
T = datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc)


def test_the_first_pull_of_an_entity_is_a_full_load_whatever_its_partition():
    window = plan_window(T, T + H, mark=None, lookback=LOOKBACK)
    assert (window.after, window.before) == (None, T + H - timedelta(seconds=1))
    assert advanced(None, window) == T + H


def test_a_pull_starts_at_the_mark_so_failed_hours_are_fetched_again():
    # The 10:00 hour failed (QuickBooks offline); the mark stayed at 10:00. The 13:00 run reaches back.
    window = plan_window(T + 3 * H, T + 4 * H, mark=T, lookback=LOOKBACK)
    assert window.after == T - LOOKBACK
    assert advanced(T, window) == T + 4 * H


def test_an_old_backfill_neither_starts_at_nor_moves_the_mark_back():
    window = plan_window(T - 5 * H, T - 4 * H, mark=T, lookback=LOOKBACK)
    assert window.after == T - 5 * H - LOOKBACK
    assert advanced(T, window) == T


def test_runs_of_the_open_day_fetch_from_the_mark_and_end_now():
    day = timedelta(days=1)
    now = T + 10 * H + timedelta(minutes=5, seconds=3, microseconds=7)
    window = plan_window(T, T + day, mark=T + 9 * H, lookback=LOOKBACK, now=now)
    assert (window.after, window.before) == (T + 9 * H - LOOKBACK, T + 10 * H + timedelta(minutes=5, seconds=2))
    assert advanced(T + 9 * H, window) == T + 10 * H + timedelta(minutes=5, seconds=3)  # never past now


def test_refetch_fetches_the_whole_range_again_and_a_fetched_range_is_fetched_whole():
    day = timedelta(days=1)
    assert plan_window(T, T + day, mark=T + 9 * H, lookback=LOOKBACK, refetch=True).after == T - LOOKBACK
    assert plan_window(T, T + day, mark=T + 2 * day, lookback=LOOKBACK).after == T - LOOKBACK
    assert plan_window(T, T + day, mark=T - day, lookback=LOOKBACK, refetch=True).after == T - day - LOOKBACK


def test_a_window_that_leaves_a_gap_does_not_move_the_mark():
    gap = Window(after=T + 2 * H, before=T + 3 * H, mark=T)
    assert advanced(T, gap) == T


def test_the_first_partition_reads_from_the_beginning_once_it_is_fetched_whole():
    window = plan_window(None, T + H, mark=T + 5 * H, lookback=LOOKBACK)
    assert window.after is None
    assert advanced(T + 5 * H, window) == T + 5 * H
    assert plan_window(None, T + H, mark=T + H / 2, lookback=LOOKBACK).after == T + H / 2 - LOOKBACK


def test_a_reconciliation_window_has_no_end_and_moves_no_mark():
    assert advanced(T, Window(None, None, T)) == T


def test_a_pull_in_the_same_second_as_the_last_mark_fetches_from_the_mark_not_the_whole_history():
    """The last pull of the open day set the mark to `now` (to the second); the next one starts in that
    same second. It must read from the mark, not take the day (or, on the first day, all history) again."""
    day = timedelta(days=1)
    mark = T + 10 * H
    same_second = mark + timedelta(microseconds=400_000)
    for partition_start in (T, None):  # an open day, and the first partition (which takes everything older)
        window = plan_window(partition_start, T + day, mark=mark, lookback=LOOKBACK, now=same_second)
        assert window.after == mark - LOOKBACK, partition_start
        assert advanced(mark, window) == mark  # and the mark stays where it is
