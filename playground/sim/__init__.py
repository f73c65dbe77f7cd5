"""The simulated provider: real wire formats on loopback with scripted behaviour and faults.

One HTTP server (starlette + uvicorn) speaks four protocol families under prefixes —
``/openai/v1``, ``/anthropic``, ``/gemini``, ``/ollama`` — byte-faithfully enough for the
official SDKs. Start it with :mod:`playground.sim.embedded` (``start_sim_thread``,
``start_sim_process``, ``sim_root_url``) or ``playground sim --port N``.

Models (same names in every family): ``echo`` (the last user message, word by word),
``lorem`` (deterministic text, ``tokens=N``), ``thinker`` (thinks as much as the request's
effort/budget/level asks, then states the setting it received), ``tools`` (calls the first
offered tool with schema-valid arguments; answers from a tool result), ``vision`` (reports
each attached image's media type and size).

Parameters after ``?`` in the model id (``echo?tps=2000&fail=429&fail_times=2``):
``tps`` tokens/s (0 = flat out; default 60), ``tokens``, ``ttft_ms`` (default 150),
``fail`` = ``429 500 503 529 401 403 400ctx stall cutoff midstream_error malformed``,
``fail_times`` (first N requests for this model id in this family fail), ``retry_after``
(seconds: ``Retry-After``, ``retry-after-ms`` and the family's body hint), ``fail_key``
(fault only for credentials containing it), ``after`` / ``stall_after`` (tokens before a
stream fault strikes), ``noise=1`` (SSE comments and ``obfuscation`` padding in the OpenAI
family, for parser robustness). Unknown parameters are ignored. Keys containing ``invalid`` or
``revoked`` are rejected the way each family rejects a bad key; a missing key is accepted.

``GET /_sim/requests`` lists recent requests (keys masked, images elided);
``POST /_sim/reset`` clears that log and the ``fail_times`` counters.
"""
