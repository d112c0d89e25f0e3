"""The metrics application: every indicator answered in PostgreSQL, one way for every caller.

Callers outside the service (the `wirkung` command, the auditor's report) use
`Indicators` and the answer types named here, not the modules behind them.
"""

from services.metrics.application.indicators import Indicators
from services.metrics.application.main_figures import MainFigure
from services.metrics.catalog import CATALOG, IndicatorDefinition
from services.metrics.facts.schema import LIVE_SCHEMA
from services.metrics.indicators import agreement_units, case_units
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.disclosure import CellKeyMethod
from services.metrics.indicators.engine import Question, UnknownDimension
from services.metrics.indicators.manifest import Attested, Manifest
from services.metrics.indicators.moments import EventRef, Moment
from services.metrics.indicators.restatements import Restatement, Restatements, closing_of
from services.metrics.periods import Grain, InvalidPeriod, Period, parse_period
from services.metrics.population import InvalidPopulation
from services.metrics.progress import ProgressLine
from services.metrics.rebuild import RebuildRunning
from services.metrics.replay import HistoryIncomplete
from services.metrics.verification import FIGURES, BadManifest, Verdict

# The indicators the units kept beside the facts answer (about what is known now).
KEPT_INDICATORS = frozenset({*case_units.KIND, *agreement_units.KINDS})

# The catalog, the periods and the live schema's name: what a question is made of; and what
# the rebuild and the population import raise.
__all__ = ["CATALOG", "FIGURES", "KEPT_INDICATORS", "LIVE_SCHEMA", "Attested",
           "BadManifest", "Cell", "CellKeyMethod", "EventRef", "Grain", "HistoryIncomplete",
           "IndicatorDefinition", "Indicators", "InvalidPeriod", "InvalidPopulation",
           "MainFigure", "Manifest", "Moment", "Period", "ProgressLine", "Question",
           "RebuildRunning", "Restatement", "Restatements", "UnknownDimension", "Verdict",
           "closing_of", "parse_period"]
