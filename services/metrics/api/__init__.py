"""HTTP routes of the metrics service."""

from services.metrics.api.impact_goals import router as impact_goals
from services.metrics.api.indicators import router as indicators
from services.metrics.api.reference import router as reference

ROUTERS = (indicators, impact_goals, reference)
