"""Metrics service."""
