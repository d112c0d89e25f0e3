"""German names of the domain's codes, marked for translation (the templates translate them)."""

from __future__ import annotations


def N_(text: str) -> str:
    return text


FIELDS_OF_ACTION = {
    "soziales": N_("Soziales"), "jugend": N_("Jugend"), "wohnen": N_("Wohnen"),
    "arbeit": N_("Arbeit"), "bildung": N_("Bildung"), "gesundheit": N_("Gesundheit"),
}
STATUSES = {"open": N_("offen"), "closed": N_("abgeschlossen")}
CLOSURE_REASONS = {
    "planned_goals_achieved": N_("planmäßig, Ziele erreicht"),
    "planned_partially": N_("planmäßig, Ziele teilweise erreicht"),
    "dropped_out": N_("abgebrochen"),
    "transferred": N_("an andere Stelle übergeben"),
    "moved": N_("verzogen"),
}
WORK_KINDS = {
    "review": N_("Hilfeplan überprüfen"),
    "assessment": N_("Einschätzung fehlt"),
    "service_ending": N_("Leistung endet"),
}
PRICING_UNITS = {"hour": N_("Stunden"), "day": N_("Tage"), "case": N_("Fälle"),
                 "place": N_("Plätze")}
GENDERS = {"female": N_("weiblich"), "male": N_("männlich"), "diverse": N_("divers")}
# The minus sign, not a hyphen: screen readers read it as "minus".
GAS_LEVELS = {
    "-2": N_("−2: viel weniger als erwartet"),  # noqa: RUF001
    "-1": N_("−1: weniger als erwartet"),  # noqa: RUF001
    "0": N_("0: wie erwartet"), "1": N_("+1: mehr als erwartet"),
    "2": N_("+2: viel mehr als erwartet"),
}
# Pydantic's error types, as a person filling in a form should read them.
FIELD_ERRORS = {
    "missing": N_("Bitte ausfüllen."),
    "string_too_short": N_("Bitte ausfüllen."),
    "string_too_long": N_("Der Text ist zu lang."),
    "date_from_datetime_parsing": N_("Bitte ein gültiges Datum angeben (Tag.Monat.Jahr)."),
    "date_parsing": N_("Bitte ein gültiges Datum angeben (Tag.Monat.Jahr)."),
    "date_past": N_("Das Datum muss in der Vergangenheit liegen."),
    "decimal_parsing": N_("Bitte eine Zahl angeben."),
    "greater_than": N_("Die Zahl ist zu klein."),
    "greater_than_equal": N_("Die Zahl ist zu klein."),
    "less_than_equal": N_("Die Zahl ist zu groß."),
    "int_parsing": N_("Bitte eine ganze Zahl angeben."),
    "enum": N_("Bitte einen Eintrag aus der Liste wählen."),
    "literal_error": N_("Bitte einen Eintrag aus der Liste wählen."),
    "uuid_parsing": N_("Bitte einen Eintrag aus der Liste wählen."),
    "string_pattern_mismatch": N_("Das Format stimmt nicht."),
}
ANY_FIELD_ERROR = N_("Diese Angabe ist ungültig.")
EVENTS = {
    "Case.Opened": N_("Fall eröffnet"), "Case.Assessed": N_("Einschätzung erfasst"),
    "Case.GoalSet": N_("Ziel gesetzt"), "Case.GoalReviewed": N_("Ziel bewertet"),
    "Case.GoalWithdrawn": N_("Ziel zurückgenommen"),
    "Case.ServiceAssigned": N_("Leistung zugewiesen"),
    "Case.DeliveryRecorded": N_("Erbringung erfasst"),
    "Case.DeliveryReversed": N_("Erbringung storniert"),
    "Case.ServiceEnded": N_("Leistung beendet"), "Case.Closed": N_("Fall abgeschlossen"),
    "Case.Reopened": N_("Fall wiedereröffnet"), "Case.HandedOver": N_("Fall übergeben"),
}
# The cases service's rules (`rule` of its problem documents), as a caseworker should read them.
RULES = {
    "goal_needs_five_levels": N_("Bitte beschreiben Sie alle fünf Stufen."),
    "agreement_fully_booked": N_("Diese Vereinbarung hat keinen freien Platz mehr."),
    "agreement_not_active": N_("Diese Vereinbarung ist an diesem Tag nicht aktiv."),
    "agreement_field_of_action_mismatch": N_(
        "Die Vereinbarung gehört zu einem anderen Handlungsfeld oder Sozialraum."),
    "agreement_unknown": N_("Diese Vereinbarung ist nicht bekannt."),
    "case_already_closed": N_("Der Fall ist bereits abgeschlossen."),
    "case_not_closed": N_("Der Fall ist nicht abgeschlossen."),
    "case_not_open": N_("Der Fall ist nicht offen."),
    "period_malformed": N_("Bitte den Zeitraum wie 2026-Q3 oder 2026-09 angeben."),
    "units_not_positive": N_("Die Einheiten müssen größer als null sein."),
    "service_already_ended": N_("Die Leistung ist bereits beendet."),
    "level_out_of_range": N_("Die Stufe muss zwischen −2 und +2 liegen."),  # noqa: RUF001
}
ANY_RULE = N_("Das ist so nicht möglich. Bitte prüfen Sie Ihre Eingaben.")

# Steering (issue 12): the metrics service's dimensions, comparisons and key indicators.
DIMENSIONS = {
    "period": N_("Zeitabschnitt"), "field_of_action": N_("Handlungsfeld"),
    "target_group": N_("Zielgruppe"), "district": N_("Sozialraum"),
    "age_band": N_("Altersgruppe"), "provider": N_("Träger"), "agreement": N_("Vereinbarung"),
    "budget_product": N_("Produkt (Haushalt)"),
}
COMPARISONS = {">=": N_("mindestens"), "<=": N_("höchstens"), "=": N_("genau")}
# What the key indicators of the steering start page mean, in a sentence.
MEANINGS = {
    "active_cases": N_("Fälle, die im Zeitraum mindestens einen Tag liefen."),
    "planned_closure_rate": N_(
        "Anteil der im Zeitraum abgeschlossenen Fälle, die planmäßig endeten."),
    "goal_attainment_rate": N_(
        "Anteil der im Zeitraum abgeschlossenen Fälle mit bewerteten Zielen, deren T-Wert bei "
        "Abschluss 50 oder mehr beträgt (Ziele mindestens wie erwartet erreicht)."),
    "impact_goal_achievement": N_(
        "Anteil der in Berichten gemessenen Wirkungsziele, die ihren Zielwert erreichen."),
    "budget_utilisation": N_(
        "Anteil des Budgets der laufenden Vereinbarungen, der für erbrachte Leistungen "
        "ausgegeben wurde."),
    "capacity_utilisation": N_("Anteil der vereinbarten Platz-Tage, die belegt waren."),
    "report_timeliness": N_("Anteil der fälligen Berichte, die bis zur Frist eingingen."),
}
