"""The pure core: agents, parsers, planner, call flows and policy. No I/O, no clock, no vendors."""
