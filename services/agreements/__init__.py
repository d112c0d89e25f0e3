"""Agreements service."""
