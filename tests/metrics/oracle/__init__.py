"""The Python implementation of every indicator, the oracle the SQL is checked against."""
