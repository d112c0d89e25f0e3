"""Garbage collection tuned for a projection that allocates short-lived objects by the million.

The metrics service calls it once its consumer is built; the projection
benchmark calls it for its baselines too, so that they meet the same collector.
"""

from __future__ import annotations

import gc


def tune_garbage_collection() -> None:
    """Move what start-up made into the permanent generation, and collect the young less often.

    Each decoded event leaves a few objects that die with its batch; with the
    default threshold (700) the collector walks them many times per batch.
    """
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(50_000, second, third)
