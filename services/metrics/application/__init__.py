"""The metrics application: every indicator answered in PostgreSQL, one way for every caller.

Callers outside the service (the `wirkung` command, the auditor's report) use
`Indicators` and the answer types named here, not the modules behind them.
"""

from services.metrics.application.indicators import Indicators
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.disclosure import CellKeyMethod
from services.metrics.indicators.engine import Question, UnknownDimension
from services.metrics.indicators.manifest import Attested, Manifest
from services.metrics.indicators.moments import EventRef, Moment
from services.metrics.indicators.restatements import Restatement, Restatements, closing_of
from services.metrics.progress import ProgressLine
from services.metrics.verification import FIGURES, BadManifest, Verdict

__all__ = ["FIGURES", "Attested", "BadManifest", "Cell", "CellKeyMethod", "EventRef",
           "Indicators", "Manifest", "Moment", "ProgressLine", "Question", "Restatement",
           "Restatements", "UnknownDimension", "Verdict", "closing_of"]
