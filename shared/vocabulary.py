"""Value types of the domain language shared by services and contracts."""

from __future__ import annotations

from enum import StrEnum


class FieldOfAction(StrEnum):
    """Handlungsfeld of social policy."""

    SOZIALES = "soziales"
    JUGEND = "jugend"
    WOHNEN = "wohnen"
    ARBEIT = "arbeit"
    BILDUNG = "bildung"
    GESUNDHEIT = "gesundheit"


class AgeBand(StrEnum):
    """Coarse age band; the exact birth date never leaves the cases service."""

    UNDER_6 = "0-5"
    FROM_6 = "6-13"
    FROM_14 = "14-17"
    FROM_18 = "18-26"
    FROM_27 = "27-44"
    FROM_45 = "45-64"
    FROM_65 = "65+"
