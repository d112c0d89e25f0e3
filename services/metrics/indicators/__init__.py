"""Indicator values: facts as known at a time, counted per cell, small cells withheld."""
