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


class ClosureReason(StrEnum):
    """Why a case was closed (Abschlussgrund)."""

    PLANNED_GOALS_ACHIEVED = "planned_goals_achieved"
    PLANNED_PARTIALLY = "planned_partially"
    DROPPED_OUT = "dropped_out"
    TRANSFERRED = "transferred"
    MOVED = "moved"


class GenderCategory(StrEnum):
    """Gender as a coarse category for statistics; no entry is recorded as None."""

    FEMALE = "female"
    MALE = "male"
    DIVERSE = "diverse"


class AgeBand(StrEnum):
    """Coarse age band; the exact birth date never leaves the cases service."""

    UNDER_6 = "0-5"
    FROM_6 = "6-13"
    FROM_14 = "14-17"
    FROM_18 = "18-26"
    FROM_27 = "27-44"
    FROM_45 = "45-64"
    FROM_65 = "65+"


class PricingUnit(StrEnum):
    """What one unit price of a service agreement pays for."""

    HOUR = "hour"
    DAY = "day"
    CASE = "case"
    PLACE = "place"


class Comparison(StrEnum):
    """How an impact goal's indicator value is compared with its target."""

    AT_LEAST = ">="
    AT_MOST = "<="
    EQUAL = "="


class ReportingFrequency(StrEnum):
    """How often a provider reports on an agreement."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
