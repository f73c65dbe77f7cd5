"""Synchronised scrolling keeps the same turn in view in every pane."""

from __future__ import annotations

from playground.compare.turn_alignment import aligned_offset, turn_position

SHORT = [(0, 4), (5, 4), (10, 4), (15, 4)]  # four turns of 4 lines, a blank line between
TALL = [(0, 10), (11, 30), (42, 10), (53, 6)]


def test_the_top_of_a_turn_maps_to_the_top_of_the_same_turn():
    assert aligned_offset(SHORT, 15, TALL) == 53  # turn 4's top, below a taller turn 2
    assert aligned_offset(TALL, 53, SHORT) == 15


def test_halfway_through_a_turn_maps_halfway_through_the_other():
    assert aligned_offset(TALL, 11 + 15, SHORT) == 7  # halfway into turn 2 (4 lines)


def test_above_the_first_turn_reads_as_its_top_and_a_gap_as_the_turns_end():
    assert turn_position(SHORT, -3) == (0, 0.0)
    assert turn_position(SHORT, 4) == (0, 1.0)  # the blank line after turn 1
    assert aligned_offset(SHORT, 4, TALL) == 10


def test_a_pane_with_fewer_turns_goes_to_the_end_of_its_last():
    assert aligned_offset(TALL, 53, SHORT[:2]) == 9


def test_no_turns_no_position():
    assert turn_position([], 10) is None
    assert aligned_offset([], 0, TALL) is None
    assert aligned_offset(SHORT, 0, []) is None
