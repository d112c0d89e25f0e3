"""Tamper evidence: a hash chain over each service's stored events, signed checkpoints."""
