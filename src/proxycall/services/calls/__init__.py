"""Calls: the use cases (brief, start, status, result), dialing, webhooks and the worker.

`service.CallService` is the one object routes and the lifespan talk to; `dialing` holds what the
use cases share (dependencies, dialing, settling outcomes); `webhooks` applies the provider's
callbacks; `worker` dials due calls and ends calls the provider went quiet on; `views` shapes a
call for the API; `setup` builds the service and its worker.
"""
