"""The three Wirkung services; each imports only `shared`, never another service."""
