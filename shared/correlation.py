"""The correlation id of the request being served, for logs and for the events it stores.

Apart from the HTTP middleware that sets it (`shared.observability`), so that the event store
and the applications read it without importing the web framework.
"""

from __future__ import annotations

import contextvars

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")
