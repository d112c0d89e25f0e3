"""Cases service."""
