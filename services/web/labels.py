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
    "Client.Registered": N_("Person registriert"),
    "Client.PersonalDataUpdated": N_("Personenbezogene Daten geändert"),
    "Client.PersonalDataErased": N_("Personenbezogene Daten gelöscht"),
    "Provider.Registered": N_("Träger registriert"), "Provider.Updated": N_("Träger geändert"),
    "Provider.Deactivated": N_("Träger deaktiviert"),
    "ServiceAgreement.Drafted": N_("Vereinbarung entworfen"),
    "ServiceAgreement.Edited": N_("Entwurf bearbeitet"),
    "ServiceAgreement.Signed": N_("Vereinbarung unterzeichnet"),
    "ServiceAgreement.Amended": N_("Vereinbarung geändert"),
    "ServiceAgreement.Suspended": N_("Vereinbarung ausgesetzt"),
    "ServiceAgreement.Resumed": N_("Vereinbarung wieder aufgenommen"),
    "ServiceAgreement.Terminated": N_("Vereinbarung gekündigt"),
    "ProviderReport.Submitted": N_("Bericht eingereicht"),
    "ProviderReport.Resubmitted": N_("Bericht korrigiert eingereicht"),
    "ProviderReport.Accepted": N_("Bericht angenommen"),
    "ProviderReport.Rejected": N_("Bericht abgelehnt"),
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

# The auditor's desk (Revision): what the chain verification finds.
CHAIN_FINDINGS = {
    "event inserted into the chain": N_("Ereignis in die Kette eingefügt"),
    "event edited": N_("Ereignis verändert"),
    "chain broken: an earlier event was removed or reordered": N_(
        "Kette unterbrochen: ein früheres Ereignis wurde entfernt oder umgestellt"),
    "event deleted": N_("Ereignis gelöscht"),
    "checkpoint forged: its signature is not the service's": N_(
        "Prüfpunkt gefälscht: die Signatur stammt nicht vom Dienst"),
    "the events up to here differ from the signed checkpoint": N_(
        "Die Ereignisse bis hier weichen vom signierten Prüfpunkt ab"),
}
# The auditor's desk for indicators: the dimensions of a breakdown, a cell's figures, and
# where a verification by replay stands.
INDICATOR_DIMENSIONS = {
    "period": N_("Zeitraum"), "field_of_action": N_("Handlungsfeld"),
    "target_group": N_("Zielgruppe"), "district": N_("Sozialraum"),
    "age_band": N_("Altersgruppe"), "provider": N_("Träger"), "agreement": N_("Vereinbarung"),
    "budget_product": N_("Produkt (Haushalt)"),
}
CELL_FIGURES = {
    "value": N_("Wert"), "numerator": N_("Zähler"), "denominator": N_("Nenner"),
    "persons": N_("Personen"), "suppressed": N_("zurückgehalten"),
}
VERIFICATION_STATES = {
    "queued": N_("wartet auf den Start"), "running": N_("läuft"),
    "done": N_("abgeschlossen"), "failed": N_("nicht möglich"),
}
# The auditor's report (Prüfbericht): the part of the year it covers, and how far it is.
REPORT_PARTS = {
    "": N_("ganzes Jahr"),
    "Q1": N_("1. Quartal (Januar bis März)"), "Q2": N_("2. Quartal (April bis Juni)"),
    "Q3": N_("3. Quartal (Juli bis September)"), "Q4": N_("4. Quartal (Oktober bis Dezember)"),
    "01": N_("Januar"), "02": N_("Februar"), "03": N_("März"), "04": N_("April"),
    "05": N_("Mai"), "06": N_("Juni"), "07": N_("Juli"), "08": N_("August"),
    "09": N_("September"), "10": N_("Oktober"), "11": N_("November"), "12": N_("Dezember"),
}
REPORT_STAGES = {
    "catalog": N_("Kennzahlenkatalog wird gelesen"),
    "chains": N_("Prüfketten beider Dienste werden geprüft"),
    "indicators": N_("Kennzahlen und Korrekturen werden abgefragt"),
    "accesses": N_("Zugriffsprotokolle werden gezählt"),
    "writing": N_("Bericht wird geschrieben"),
}
# Contract management (Träger, Vereinbarungen, Bezugsgrößen).
AGREEMENT_STATUSES = {
    "draft": N_("Entwurf"), "signed": N_("unterzeichnet, noch nicht begonnen"),
    "active": N_("aktiv"), "suspended": N_("ausgesetzt"), "terminated": N_("gekündigt"),
    "expired": N_("ausgelaufen"),
}
COMPARISONS = {">=": N_("mindestens"), "<=": N_("höchstens"), "=": N_("genau")}
REPORTING_FREQUENCIES = {"monthly": N_("monatlich"), "quarterly": N_("vierteljährlich"),
                         "half_yearly": N_("halbjährlich"), "yearly": N_("jährlich")}
# The units and directions of the metrics catalog, as a contract manager choosing a goal reads them.
CATALOG_UNITS = {
    "share": N_("Anteil (0 bis 1)"), "days": N_("Tage"), "T-score": N_("T-Wert"),
    "cases": N_("Fälle"), "share points": N_("Prozentpunkte (als Anteil)"),
    "per 1,000 inhabitants": N_("je 1.000 Einwohner"), "EUR": N_("Euro"),
    "EUR per inhabitant": N_("Euro je Einwohner"),
}
CATALOG_DIRECTIONS = {
    "higher_is_better": N_("höher ist besser"), "lower_is_better": N_("niedriger ist besser"),
    "closer_to_zero_is_better": N_("näher an null ist besser"), "neutral": N_("ohne Richtung"),
}
CATALOG_LEVELS = {"case": N_("Einzelfall"), "target_group": N_("Zielgruppe"),
                  "agreement": N_("Vereinbarung"), "society": N_("Gesellschaft")}
# What an entry of an agreement's or provider's history says, by the field its data names.
CONTRACT_FIELDS = {
    "name": N_("Name"), "legal_form": N_("Rechtsform"), "fields_of_action": N_("Handlungsfelder"),
    "contact": N_("Kontakt"), "title": N_("Titel"), "budget_product_code": N_("Produkt"),
    "field_of_action": N_("Handlungsfeld"), "target_groups": N_("Zielgruppen"),
    "districts": N_("Sozialräume"), "term_start": N_("Laufzeit ab"),
    "term_end": N_("Laufzeit bis"), "annual_budget_cents": N_("Jahresbudget"),
    "pricing_unit": N_("Abrechnungseinheit"), "unit_price_cents": N_("Preis je Einheit"),
    "capacity": N_("Plätze"), "impact_goals": N_("Wirkungsziele"),
    "reporting_obligation": N_("Berichtspflicht"), "reason": N_("Grund"),
    "effective_date": N_("wirksam ab"), "termination_date": N_("Kündigung zum"),
}
# The agreements service's rules (`rule` of its problem documents).
CONTRACT_RULES = {
    "expected_version": N_("Inzwischen hat jemand anderes etwas geändert. Prüfen Sie den neuen "
                           "Stand und senden Sie noch einmal."),
    "change_must_not_be_empty": N_("Bitte geben Sie an, was sich ändert."),
    "reason_required": N_("Bitte geben Sie einen Grund an."),
    "amounts_must_not_be_negative": N_("Beträge und Plätze dürfen nicht negativ sein."),
    "update_requires_active_provider": N_("Ein deaktivierter Träger kann nicht geändert werden."),
    "deactivate_requires_active_provider": N_("Der Träger ist bereits deaktiviert."),
    "new_agreement_requires_active_provider": N_(
        "Mit einem deaktivierten Träger kann keine Vereinbarung entworfen werden."),
    "term_must_end_after_start": N_("Die Laufzeit muss nach ihrem Beginn enden."),
    "impact_goal_indicators_must_be_distinct": N_(
        "Jede Kennzahl kann nur in einem Wirkungsziel vorkommen."),
    "impact_goal_required": N_("Bitte legen Sie mindestens ein Wirkungsziel fest."),
    "edit_requires_draft": N_("Nur ein Entwurf kann bearbeitet werden."),
    "sign_requires_draft": N_("Die Vereinbarung ist bereits unterzeichnet."),
    "amend_requires_signed_agreement": N_(
        "Nur eine unterzeichnete Vereinbarung kann geändert werden."),
    "amend_requires_unexpired_agreement": N_("Die Vereinbarung ist ausgelaufen."),
    "effective_date_inside_term": N_("Das Datum muss innerhalb der Laufzeit liegen."),
    "term_end_not_before_effective_date": N_(
        "Das neue Laufzeitende darf nicht vor dem Wirksamkeitsdatum liegen."),
    "suspend_requires_active_agreement": N_("Nur eine aktive Vereinbarung kann ausgesetzt werden."),
    "resume_requires_suspended_agreement": N_("Die Vereinbarung ist nicht ausgesetzt."),
    "terminate_requires_signed_agreement": N_(
        "Nur eine unterzeichnete Vereinbarung kann gekündigt werden."),
    "termination_date_inside_term": N_("Das Kündigungsdatum muss innerhalb der Laufzeit liegen."),
    "terminated_agreement_is_final": N_("Die Vereinbarung ist gekündigt; das ist endgültig."),
}
# Why a line of a reference population file was refused (the metrics service's `kind`).
POPULATION_ERRORS = {
    "missing_column": N_("Die Spalte fehlt in der Kopfzeile."),
    "empty": N_("Das Feld ist leer."),
    "not_a_whole_number": N_("Das ist keine ganze Zahl."),
    "negative": N_("Die Zahl darf nicht negativ sein."),
    "year_out_of_range": N_("Das Jahr muss zwischen 1900 und 2200 liegen."),
    "too_long": N_("Der Text ist zu lang."),
    "no_rows": N_("Die Datei enthält keine Zeilen mit Zahlen."),
    "not_utf8": N_("Die Datei ist nicht in UTF-8 gespeichert."),
    "too_large": N_("Die Datei ist zu groß (höchstens 20 MB)."),
}
# Where a period's report stands (the agreements service's report overview).
REPORT_STATES = {
    "overdue": N_("überfällig"), "due": N_("fällig"), "rejected": N_("abgelehnt"),
    "submitted": N_("eingereicht"), "accepted": N_("angenommen"),
}
# The agreements service's rules about reports, as a provider or contract manager should read them.
RULES.update({
    "achieved_not_above_measured": N_(
        "Bei einem Wirkungsziel ist „erreicht“ größer als „gemessen“. Es können nicht mehr "
        "Personen das Ziel erreichen, als gemessen wurden."),
    "measured_not_above_participants": N_(
        "Bei einem Wirkungsziel sind mehr Personen gemessen, als teilgenommen haben."),
    "amounts_must_not_be_negative": N_("Zahlen und Beträge dürfen nicht negativ sein."),
    "change_must_not_be_empty": N_(
        "Die Korrektur ändert nichts. Bitte ändern Sie mindestens eine Angabe."),
    "one_current_report_per_period": N_(
        "Für diesen Zeitraum ist inzwischen ein Bericht abgegeben worden."),
    "report_after_period_end": N_("Der Zeitraum ist noch nicht zu Ende."),
    "review_requires_submitted_report": N_(
        "Dieser Bericht ist inzwischen geprüft worden oder noch nicht abgegeben."),
    "resubmit_requires_reviewed_report": N_(
        "Der Bericht wird gerade geprüft; korrigieren können Sie ihn nach der Prüfung."),
    "reason_required": N_("Bitte geben Sie einen Grund an."),
})
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
# Every status a page names (a case's, an agreement's, a report's): one wording each.
ALL_STATUSES = {**STATUSES, **AGREEMENT_STATUSES, **REPORT_STATES,
                "resubmitted": N_("korrigiert eingereicht")}
