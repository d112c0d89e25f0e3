"""The constants of Goal Attainment Scaling (Kiresuk & Sherman 1968) both services count with.

The cases service shows a case's T-score, the metrics service counts T-scores
into indicators (in SQL, these passed as query parameters): one definition, so
a caseworker's page and the indicator cannot disagree.
"""

from __future__ import annotations

# The assumed correlation between the goals' scores in
# T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w*w) + rho * sum(w)**2).
RHO = 0.3
EXPECTED_LEVEL = 0  # of the five levels -2 .. +2: as expected
