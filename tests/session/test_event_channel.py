"""The batched hand-over between a pane's producer task and its stream."""

from __future__ import annotations

import asyncio

from playground.session.event_channel import EventChannel


async def test_items_put_before_a_take_come_out_in_one_batch_in_order() -> None:
    channel: EventChannel[int] = EventChannel()
    for item in range(5):
        channel.put(item)
    assert await channel.take() == [0, 1, 2, 3, 4]
    channel.put(5)
    assert await channel.take() == [5]


async def test_a_waiting_consumer_wakes_for_a_producer_in_another_task() -> None:
    channel: EventChannel[str] = EventChannel()
    taken = asyncio.create_task(channel.take())
    await asyncio.sleep(0)
    assert not taken.done()  # nothing put yet: the consumer waits

    async def produce() -> None:
        channel.put("a")
        channel.put("b")

    await asyncio.create_task(produce())
    assert await asyncio.wait_for(taken, 1) == ["a", "b"]


async def test_a_cancelled_take_loses_nothing_put_afterwards() -> None:
    channel: EventChannel[int] = EventChannel()
    taken = asyncio.create_task(channel.take())
    await asyncio.sleep(0)
    taken.cancel()
    await asyncio.gather(taken, return_exceptions=True)
    channel.put(1)
    assert await channel.take() == [1]


def test_take_ready_hands_over_what_is_pending_without_waiting() -> None:
    channel: EventChannel[int] = EventChannel()
    assert channel.take_ready() == []
    channel.put(1)
    channel.put(2)
    assert channel.take_ready() == [1, 2]
    assert channel.take_ready() == []
