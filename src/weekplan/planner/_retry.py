"""Running a write again when it lost a race it never opted into.

A call that writes without ``expected_version`` asks for "last writer wins",
so losing a race to a concurrent call is not its caller's problem: the store
raises :class:`~weekplan.errors.ConcurrentUpdate` (someone created the same
dish first, changed the same row since it was read, or the database undid the
transaction to break a deadlock), and the call is run again from the start, in
a new unit of work, so it reads what the winner wrote. A call with
``expected_version`` is retried too, but its second attempt finds the version
changed and answers :class:`~weekplan.VersionConflict`, as it asked.

Attempts are bounded (:data:`ATTEMPTS`) and spaced by a short random pause that
grows with each attempt, so that callers who collided do not collide again in
step. When every attempt lost, the last ``ConcurrentUpdate`` (409) is raised.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Final, TypeVar

from weekplan.errors import ConcurrentUpdate

__all__ = ["ATTEMPTS", "retry_lost_races"]

R = TypeVar("R")

#: How many times a write is attempted before ``ConcurrentUpdate`` reaches the caller.
ATTEMPTS: Final = 10
#: The longest pause between two attempts, in seconds.
_MAX_PAUSE: Final = 0.05
_FIRST_PAUSE: Final = 0.002


def retry_lost_races(call: Callable[[], R]) -> R:
    """``call()``, run again (at most :data:`ATTEMPTS` times in all) while it raises
    :class:`~weekplan.errors.ConcurrentUpdate`."""
    for attempt in range(ATTEMPTS - 1):
        try:
            return call()
        except ConcurrentUpdate:
            # Full jitter: a random pause up to a bound that doubles each time.
            time.sleep(random.uniform(0, min(_MAX_PAUSE, _FIRST_PAUSE * 2**attempt)))
    return call()
