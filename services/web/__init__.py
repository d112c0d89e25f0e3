"""The browser application: pages over the three services' public APIs (owns no data)."""
