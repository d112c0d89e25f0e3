"""The auditor's report as one self-contained HTML page: inline CSS and SVG, no script.

Every value gathered (from the APIs or the databases) passes `escape` on its way into the page.
"""

from __future__ import annotations

import json
from html import escape
from itertools import groupby

from shared.report import svg
from shared.report.model import (
    Accesses,
    ChainStatus,
    Indicator,
    IndicatorValues,
    Manifest,
    Report,
    Restatement,
)
from shared.report.style import CSS
from shared.report.text import LEVELS, cell_text, count_text, tick


def render(report: Report) -> str:
    """The whole page."""
    title = f"Prüfbericht / Auditor's report {report.period.label}"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="de"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="meta">Zeitraum / period {escape(report.period.start.isoformat())} &ndash; '
        f"{escape(report.period.end.isoformat())} · erstellt / made "
        f"{escape(report.made_at.isoformat(timespec='seconds'))}</p></header>",
        chain_section(report.chains),
        charts_section(report),
        indicators_section(report),
        restatements_section(report),
        access_section(report.accesses),
        f'<footer><p class="note">Zellen mit weniger als {report.disclosure_threshold} '
        "Personen werden zurückgehalten. / Cells counting fewer than "
        f"{report.disclosure_threshold} persons are withheld.</p></footer>",
        "</body></html>",
    ])


def chain_section(chains: list[ChainStatus]) -> str:
    rows = []
    for chain in chains:
        if chain.failure is not None:
            verdict = ('<span class="broken">NICHT GEPRÜFT / NOT VERIFIED</span> '
                       f"{escape(chain.failure)}")
        elif chain.intact:
            verdict = '<span class="ok">unversehrt / intact</span>'
        else:
            verdict = ('<span class="broken">GEBROCHEN / BROKEN</span><ul>' + "".join(
                f"<li>{escape(finding)}</li>" for finding in chain.findings) + "</ul>")
        counts = _numbers(chain.events, chain.chained, chain.checkpoints, chain.kept,
                          chain.published)
        rows.append(f"<tr><td>{escape(chain.service)}</td>{counts}<td>{verdict}</td></tr>")
    return _section("chain", "Prüfkette / Chain verification", _table(
        ["Dienst / service", "Ereignisse / events", "verkettet / chained",
         "gültige Signaturen / valid signatures", "Checkpoints DB", "Checkpoints Topic",
         "Ergebnis / result"], rows))


def charts_section(report: Report) -> str:
    figures = [f"<figure>{_chart(values)}<figcaption>{escape(values.indicator.id)} · "
               f"{escape(LEVELS.get(values.indicator.level, values.indicator.level))}"
               "</figcaption></figure>"
               for values in report.indicators]
    return _section("charts", "Kennzahlen im Zeitverlauf / Indicators over time",
                    f'<div class="charts">{"".join(figures)}</div>')


def _chart(values: IndicatorValues) -> str:
    definition = values.indicator
    points = [(month[5:] or month, None if cell is None or cell.suppressed else cell.value)
              for month, cell in values.months]
    draw = svg.bar_chart if definition.aggregation == "count" else svg.line_chart
    return draw(f"chart-{definition.id}", _title(definition), definition.unit, points,
                caption="Monat / month", fmt=lambda value: tick(value, definition.unit))


def indicators_section(report: Report) -> str:
    parts = []
    for level, group in groupby(report.indicators, key=lambda v: v.indicator.level):
        rows = [_indicator_row(values) for values in group]
        parts.append(f"<h3>{escape(LEVELS.get(level, level))}</h3>" + _table(
            ["Kennzahl / indicator", "Einheit / unit", f"Wert / value {report.period.label}",
             "Zähler / numerator", "Nenner / denominator", "Personen / persons",
             "Manifest"], rows))
    return _section("indicators", "Kennzahlen mit Manifest / Indicator values and manifests",
                    "".join(parts))


def _indicator_row(values: IndicatorValues) -> str:
    definition, total = values.indicator, values.total
    parts = (None, None, None) if total is None else (total.numerator, total.denominator,
                                                       total.persons)
    counts = "".join(f'<td class="number">{escape(count_text(part))}</td>' for part in parts)
    return (f"<tr><td><strong>{escape(_title(definition))}</strong><br>"
            f"<code>{escape(str(definition.id))}</code> v{definition.version}</td>"
            f"<td>{escape(definition.unit)}</td>"
            f'<td class="number">{escape(cell_text(total, definition.unit))}</td>{counts}'
            f"<td>{manifest_list(values.manifest)}</td></tr>")


def manifest_list(manifest: Manifest) -> str:
    """Each entry of a manifest, whatever it holds: text as is, anything else as JSON."""
    items = "".join(f"<dt>{escape(key)}</dt><dd><code>{escape(_plain(value))}</code></dd>"
                    for key, value in manifest.items())
    return f'<dl class="manifest">{items}</dl>'


def _plain(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def restatements_section(report: Report) -> str:
    changes = [change for restated in report.restatements for change in restated.changes]
    if not report.period_ended:
        body = (f'<p class="note">Der Zeitraum endet am {escape(report.period.end.isoformat())};'
                " Korrekturen werden nach seinem Ende ausgewiesen. / The period has not ended;"
                " restatements are shown once it has.</p>")
    elif not changes:
        body = ('<p class="note">Keine: jeder Wert ist so, wie er nach dem Ende des Zeitraums '
                "zuerst bekannt war. / None: every value is as it was first known after the "
                "period's end.</p>")
    else:
        definitions = {v.indicator.id: v.indicator for v in report.indicators}
        body = _table(["Kennzahl / indicator", "Zeitraum / period", "erfasst am / recorded at",
                       "vorher / before", "nachher / after", "Ereignisse / events"],
                      [_restatement(change, definitions[change.indicator])
                       for change in changes])
    return _section("restatements", "Korrekturen / Restatements", body + _unexamined(report))


def _restatement(restated: Restatement, definition: Indicator) -> str:
    events = "".join(f"<li>{escape(name)}</li>" for name in restated.events)
    return (f"<tr><td>{escape(_title(definition))}</td><td>{escape(restated.period)}</td>"
            f"<td>{escape(restated.at.isoformat())}</td>"
            f'<td class="number">{escape(cell_text(restated.before, definition.unit))}</td>'
            f'<td class="number">{escape(cell_text(restated.after, definition.unit))}</td>'
            f'<td><ul class="events">{events}</ul></td></tr>')


def _unexamined(report: Report) -> str:
    """Indicators with more later moments than the report examined."""
    left = [restated for restated in report.restatements if restated.left]
    if not left:
        return ""
    items = "".join(f"<li>{escape(r.indicator)}: {r.examined:,} geprüft / examined, "
                    f"{r.left:,} weitere / more</li>" for r in left)
    return ('<p class="note">Nur die ersten Zeitpunkte nach dem Ende des Zeitraums wurden '
            "geprüft; die API nennt alle (<code>GET /indicators/{id}/restatements</code>). / "
            "Only the first moments after the period's end were examined; the API lists all."
            f"</p><ul>{items}</ul>")


def access_section(accesses: list[Accesses]) -> str:
    counted = [(log.service, count) for log in accesses for count in log.counts]
    if not counted:
        return _section("access", "Zugriffsprotokoll / Access log",
                        '<p class="note">Keine Zugriffe im Zeitraum. / No access in the '
                        "period.</p>")
    rows = [f"<tr><td>{escape(service)}</td><td>{escape(a.role)}</td>"
            f"<td>{escape(a.purpose)}</td>{_numbers(a.granted, a.refused, a.granted + a.refused)}"
            "</tr>" for service, a in counted]
    granted = sum(a.granted for _, a in counted)
    refused = sum(a.refused for _, a in counted)
    totals = _numbers(granted, refused, granted + refused)
    rows.append(f"<tr><th>Summe / total</th><th></th><th></th>{totals}</tr>")
    return _section("access", "Zugriffsprotokoll / Access log", _table(
        ["Dienst / service", "Rolle / role", "Zweck / purpose", "gewährt / granted",
         "verweigert / refused", "alle / all"], rows))


def _title(definition: Indicator) -> str:
    return f"{definition.title_de} / {definition.title_en}"


def _numbers(*counts: int) -> str:
    return "".join(f'<td class="number">{count:,}</td>' for count in counts)


def _table(header: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{escape(name)}</th>" for name in header)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _section(ident: str, heading: str, body: str) -> str:
    return f'<section id="{ident}"><h2>{escape(heading)}</h2>{body}</section>'
