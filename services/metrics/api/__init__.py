"""HTTP routes of the metrics service."""

from services.metrics.api.impact_goals import router as impact_goals
from services.metrics.api.indicators import router as indicators
from services.metrics.api.reference import router as reference
from services.metrics.api.verifications import router as verifications

ROUTERS = (indicators, impact_goals, reference, verifications)
