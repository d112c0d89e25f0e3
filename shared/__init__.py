"""Wirkung's shared package: contracts, envelope, relay, auth, settings, observability."""
