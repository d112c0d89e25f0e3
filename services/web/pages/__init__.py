"""The pages, one module per area; each handler reads, calls a client, renders."""
