"""The auditor's report (Prüfbericht): one self-contained HTML file for one period.

`gather` collects what the report states (chain verification, indicator
values with their manifests, restatements, the access log), `evidence`
holds the manifest and the restatements of one indicator, `svg` draws the
charts and `html` writes the page.
"""
