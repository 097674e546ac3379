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


def test_a_window_that_leaves_a_gap_does_not_move_the_mark():
    gap = Window(after=T + 2 * H, before=T + 3 * H, mark=T)
    assert advanced(T, gap) == T


def test_the_first_partition_always_reads_from_the_beginning():
    window = plan_window(T, T + H, mark=T + 5 * H, lookback=LOOKBACK, from_beginning=True)
    assert window.after is None
    assert advanced(T + 5 * H, window) == T + 5 * H


def test_a_reconciliation_window_has_no_end_and_moves_no_mark():
    assert advanced(T, Window(None, None, T)) == T
