"""From a validated request and the tables to a plan. Pure: no I/O, no clock."""
