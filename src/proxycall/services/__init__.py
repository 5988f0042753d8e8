"""Use cases: the transaction boundary; the only code that calls both the core and the ports."""
