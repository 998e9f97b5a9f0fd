"""The moment the tests' command line and service read from their clock.

Requests in the tests are booked in 2026; a clock set before them all keeps
every plan the same whatever day the tests run, as the real clock would not.
The conftest sets ``medplan.clock.now`` to this for every test.
"""

from __future__ import annotations

from datetime import UTC, datetime

TEST_NOW = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
