"""`wirkung audit report`: the auditor's report (Prüfbericht) of one period, from the databases.

`gather` collects what the report states (chain verification, indicator values with
their manifests, restatements, the access log) into the report's model, `evidence`
holds the manifest and the restatements of one indicator. The model and the renderer
are `shared.report`'s: the web's `/revision/pruefbericht` fills the same model from the
APIs.
"""
