"""The rollout commands: smoke runs, the watch, the 24/48-hour checks and the filled-in report.

`commands` declares the typer sub-app; `client` talks to a served instance; `smoke`, `watch`,
`checks` and `report` are the steps of the rollout log; `records` keeps what each step
recorded on the server; `render`, `browser` and `ops` are their shared helpers.
"""
