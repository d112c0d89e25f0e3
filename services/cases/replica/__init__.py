"""The cases service's replica of the service agreements, built from the agreements topic."""
