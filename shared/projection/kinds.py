"""The shapes of what a projection plugs into its consumer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
from aiokafka.structs import ConsumerRecord
from asyncpg.pool import PoolConnectionProxy

from shared.envelope import Envelope, Headers

Connection = asyncpg.Connection | PoolConnectionProxy
DeadLetterSender = Callable[[bytes | None, bytes | None, Headers], Awaitable[Any]]
Parse = Callable[[Envelope], Any]  # the event's contract instance; raises if unusable
Project = Callable[[Connection, Envelope, Any], Awaitable[None]]
Decode = Callable[[ConsumerRecord[bytes, bytes]], tuple[Envelope, Any]]
ProjectBatch = Callable[[Connection, Sequence[tuple[Envelope, Any]]], Awaitable[None]]
Begin = Callable[[Connection], Awaitable[None]]
