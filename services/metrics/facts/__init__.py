"""Facts: append-only, bitemporal rows projected from both event streams."""
