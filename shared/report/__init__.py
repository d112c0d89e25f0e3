"""The auditor's report (Prüfbericht): its model and the one renderer of it.

Two gatherers fill the model, the web's from the services' APIs
(`services.web.report.gather`) and `wirkung audit report` from the databases
(`wirkung.report.gather`); both render it here, so both write the same page.
"""
