"""The company file's clock: QuickBooks stamps and filters in the machine's local time.

Timestamps leave the emulator as `YYYY-MM-DDTHH:MM:SS±HH:MM` in the company's UTC offset, and
filter values without an offset are read in that offset, as QuickBooks Desktop does.
"""

import re
import threading
from datetime import date, datetime, time, timedelta, timezone

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_offset(text: str) -> timezone:
    """`-05:00`, `+0530`, `UTC` or `Z` to a fixed offset."""
    text = text.strip()
    if text.upper() in ("Z", "UTC", ""):
        return timezone.utc
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", text)
    if not m:
        raise ValueError(f"not a UTC offset: {text!r} (use e.g. -05:00)")
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))


def format_offset(tz: timezone) -> str:
    total = int(tz.utcoffset(None).total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    return f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


class CompanyClock:
    """Real time by default; set or advanced by the control API so tests can script edits."""

    def __init__(self, tz: timezone) -> None:
        self.tz = tz
        self._lock = threading.Lock()
        self._fixed: datetime | None = None
        self._fixed_set_at: datetime | None = None

    def now(self) -> datetime:
        """Now, in the company's offset, truncated to the second as QuickBooks stores it."""
        with self._lock:
            current = datetime.now(timezone.utc) if self._fixed is None else self._fixed
        return current.astimezone(self.tz).replace(microsecond=0)

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("the clock needs a timestamp with a UTC offset")
        with self._lock:
            self._fixed = when

    def advance(self, seconds: float) -> None:
        with self._lock:
            base = self._fixed or datetime.now(timezone.utc)
            self._fixed = base + timedelta(seconds=seconds)

    def reset(self) -> None:
        with self._lock:
            self._fixed = None

    @property
    def is_fixed(self) -> bool:
        return self._fixed is not None

    def stamp(self, when: datetime) -> str:
        return when.astimezone(self.tz).replace(microsecond=0).isoformat()

    def parse_bound(self, text: str, *, end_of_day: bool) -> datetime:
        """A filter bound: date-only means start (or end) of that local day; no offset means local."""
        text = text.strip()
        if _DATE_ONLY.match(text):
            day = date.fromisoformat(text)
            moment = time(23, 59, 59) if end_of_day else time(0, 0, 0)
            return datetime.combine(day, moment, tzinfo=self.tz)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.tz)
        return parsed

    def parse_date(self, text: str, *, end_of_day: bool) -> date:
        return date.fromisoformat(text.strip()[:10])
