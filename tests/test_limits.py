"""The in-process time limit (SIGALRM): it stops the block, and nested limits keep the outer one."""

from __future__ import annotations

import time

import pytest

from briefgen.limits import TimeLimitExceeded, time_limit


def test_a_block_over_its_limit_is_stopped_and_the_alarm_is_gone_after() -> None:
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded), time_limit(0.2):
        time.sleep(5)
    assert time.monotonic() - started < 2
    time.sleep(0.3)  # no alarm left behind to fire here


def test_an_inner_limit_that_ends_keeps_the_outer_one() -> None:
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded), time_limit(0.5):
        with time_limit(5):
            time.sleep(0.1)
        time.sleep(5)
    assert time.monotonic() - started < 2


def test_an_inner_limit_cannot_extend_the_outer_one() -> None:
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded), time_limit(0.3), time_limit(5):
        time.sleep(5)
    assert time.monotonic() - started < 2
