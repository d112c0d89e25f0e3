"""What each form on the case page sends to the cases service, and what it says afterwards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.web.flow import Form
from services.web.forms import date_text, decimal_text, optional
from services.web.labels import N_

LEVELS = ("-2", "-1", "0", "1", "2")


def _present(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value not in (None, "")}


def _goal(form: Form) -> dict[str, Any]:
    levels = {level: form.get(f"level_{level}", "").strip() for level in LEVELS}
    return _present({"title": optional(form.get("title")),
                     "levels": {k: v for k, v in levels.items() if v},
                     "weight": decimal_text(form.get("weight", "")) or None,
                     "baseline": optional(form.get("baseline"))})


def _review(form: Form) -> dict[str, Any]:
    return _present({"level": optional(form.get("level")), "note": form.get("note", "").strip()})


def _assignment(form: Form) -> dict[str, Any]:
    return _present({"agreement_id": optional(form.get("agreement_id")),
                     "units_planned": decimal_text(form.get("units_planned", "")),
                     "start_date": date_text(form.get("start_date")),
                     "end_date": date_text(form.get("end_date"))})


def _delivery(form: Form) -> dict[str, Any]:
    return _present({"period": optional(form.get("period")),
                     "units": decimal_text(form.get("units", ""))})


def _reason(form: Form) -> dict[str, Any]:
    return _present({"reason": optional(form.get("reason"))})


def _handover(form: Form) -> dict[str, Any]:
    return _present({"team": optional(form.get("team")), "reason": optional(form.get("reason"))})


def _assessment(form: Form) -> dict[str, Any]:
    return _present({"summary": optional(form.get("summary"))})


# The purposes (the cases service's catalog) the case page's forms serve.
CASEWORK, ASSISTANCE_PLANNING, HANDOVER = "casework", "assistance_planning", "handover"


@dataclass(frozen=True)
class CaseCommand:
    """One form of the case page: the API path below the case, its body, its message."""

    path: str
    body: Callable[[Form], dict[str, Any]]
    done: str
    section: str
    # Where the person goes afterwards, when the case is no longer theirs to see.
    leaves_the_case: bool = False
    # What the form is for: the purpose the service logs the change under.
    purpose: str = CASEWORK


COMMANDS = {
    "einschaetzung": CaseCommand("assessment", _assessment, N_("Die Einschätzung ist gespeichert."),
                                 "einschaetzung"),
    "ziel": CaseCommand("goals", _goal, N_("Das Ziel ist gesetzt."), "ziele",
                        purpose=ASSISTANCE_PLANNING),
    "bewertung": CaseCommand("goals/{item}/reviews", _review, N_("Die Bewertung ist gespeichert."),
                             "ziele", purpose=ASSISTANCE_PLANNING),
    "ruecknahme": CaseCommand("goals/{item}/withdrawal", _reason,
                              N_("Das Ziel ist zurückgenommen."), "ziele",
                              purpose=ASSISTANCE_PLANNING),
    "leistung": CaseCommand("services", _assignment, N_("Die Leistung ist zugewiesen."),
                            "leistungen"),
    "erbringung": CaseCommand("services/{item}/deliveries", _delivery,
                              N_("Die Erbringung ist erfasst."), "leistungen"),
    "storno": CaseCommand("services/{item}/deliveries/{sub}/reversal", _reason,
                          N_("Die Erbringung ist storniert."), "leistungen"),
    "leistungsende": CaseCommand("services/{item}/end", _reason,
                                 N_("Die Leistung ist beendet."), "leistungen"),
    "abschluss": CaseCommand("closure", _reason, N_("Der Fall ist abgeschlossen."), "abschluss"),
    "wiedereroeffnung": CaseCommand("reopening", _reason, N_("Der Fall ist wiedereröffnet."),
                                    "abschluss"),
    "uebergabe": CaseCommand("handover", _handover, N_("Der Fall ist übergeben."), "uebergabe",
                             leaves_the_case=True, purpose=HANDOVER),
}
