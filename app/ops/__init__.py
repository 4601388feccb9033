"""Running in production: body and rate limits, request ids and logs, Prometheus metrics.

``install.install`` wires all of it into the app :func:`app.main.create_app` builds; each
piece is one module: ``bodylimit``, ``ratelimit``, ``bounded`` (timeouts), ``logs``,
``metrics`` and ``middleware`` (request ids, access log, HTTP metrics).
"""
