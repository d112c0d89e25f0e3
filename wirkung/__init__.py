"""The `wirkung` command: starts and administers the services. Nothing imports it."""
