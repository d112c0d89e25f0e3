"""What the opening of a case derives: the client's age band and whether it is a re-entry
(its window is the one the metrics service counts the re-entry rate with: shared.closures)."""

from __future__ import annotations

from datetime import date

from shared.closures import within_reentry_window
from shared.vocabulary import AgeBand

# Lowest age of each band, oldest first.
_BANDS = ((65, AgeBand.FROM_65), (45, AgeBand.FROM_45), (27, AgeBand.FROM_27),
          (18, AgeBand.FROM_18), (14, AgeBand.FROM_14), (6, AgeBand.FROM_6),
          (0, AgeBand.UNDER_6))


def age_on(birth_date: date, day: date) -> int:
    """Completed years of life on `day`; 0 before birth (early help starts before it)."""
    years = day.year - birth_date.year - ((day.month, day.day) < (birth_date.month,
                                                                   birth_date.day))
    return max(years, 0)


def age_band_on(birth_date: date, day: date) -> AgeBand:
    """The coarse age band on `day`; the exact birth date goes no further."""
    age = age_on(birth_date, day)
    return next(band for lowest, band in _BANDS if age >= lowest)


def is_reentry(last_closed_on: date | None, opened_on: date) -> bool:
    """A new case within the re-entry window after the client's last closure is a re-entry."""
    return last_closed_on is not None and within_reentry_window(last_closed_on, opened_on)
