"""A one-consumer hand-over of stream events between two tasks, taken in batches.

``asyncio.Queue`` costs a few method calls and a deque operation per item on both sides,
thousands of times a second while a model streams. Here the producer appends to a list and
wakes the consumer only when it is waiting; the consumer takes everything pending at once.
"""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

T = TypeVar("T")


class EventChannel(Generic[T]):
    """Items put by any number of producers, taken in order by one consumer."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[T] = []
        self._waiter: asyncio.Future[None] | None = None

    def put(self, item: T) -> None:
        """Add ``item`` (never blocks); wakes the consumer if it waits."""
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def take_ready(self) -> list[T]:
        """Every item put since the last call, without waiting (empty when there is none)."""
        items = self._items
        if items:
            self._items = []
        return items

    async def take(self) -> list[T]:
        """Every item put since the last call, in order; waits while there is none."""
        while not self._items:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        items = self._items
        self._items = []
        return items
