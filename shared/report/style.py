"""The report's stylesheet, inlined into the page: readable on screen and on A4 paper."""

CSS = """
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #c8c8c8; --ok: #1d6b32; --bad: #a31515; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, "DejaVu Sans", Arial, sans-serif; color: var(--ink);
       margin: 24px auto; max-width: 1200px; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 2px solid var(--ink); padding-bottom: 2px; margin-top: 32px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
p.meta, .note { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 6px; text-align: left;
         vertical-align: top; }
th { background: #f1f1f1; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ok { color: var(--ok); font-weight: 600; }
.broken { color: var(--bad); font-weight: 600; }
code { font: 12px/1.3 "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
dl.manifest { margin: 0; font-size: 12px; }
dl.manifest dt { color: var(--muted); }
dl.manifest dd { margin: 0 0 4px 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr));
          gap: 12px; }
figure { margin: 0; border: 1px solid var(--rule); padding: 6px; break-inside: avoid; }
figcaption { font-size: 12px; color: var(--muted); }
svg.chart { max-width: 100%; height: auto; display: block; }
svg .chart-title { font-size: 13px; font-weight: 600; fill: var(--ink); }
svg .tick { font-size: 10px; fill: var(--muted); }
svg .axis { font-size: 11px; fill: var(--ink); }
svg .empty { font-size: 13px; fill: var(--muted); }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  .charts { grid-template-columns: 1fr 1fr; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"""
