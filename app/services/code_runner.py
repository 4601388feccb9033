"""Start the code sandbox with the service and say which isolation layers protect it."""

from __future__ import annotations

import logging

from engine.sandbox import LAYER_NAMES, IsolationReport, default_sandbox, runtime_unavailable

LOG_FORMAT = "%(levelname)s:     %(name)s: %(message)s"  # lines up with uvicorn's own


def _logger() -> logging.Logger:
    """The ``descent`` logger, given a handler when nothing configured one (``descent serve``
    sets up only uvicorn's loggers, and an operator must see which layers are on)."""
    log = logging.getLogger("descent")
    if not log.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        log.addHandler(handler)
        if log.level == logging.NOTSET:
            log.setLevel(logging.INFO)
    return log


def start_and_report() -> IsolationReport:
    """Start the process-wide sandbox (idempotent) and log its active and missing layers, and
    whether PyTorch questions can run."""
    log = _logger()
    report = default_sandbox().start()
    if not report.enabled:
        log.warning("code execution is DISABLED: %s", report.reason())
        return report
    missing = runtime_unavailable("torch")
    if missing:
        log.info("PyTorch questions are unavailable: %s", missing)
    else:  # its zygote starts with the first PyTorch check or attempt (importing torch takes ~1 s)
        log.info("PyTorch questions are enabled (a PyTorch sandbox with the same layers)")
    log.info("code sandbox isolation %s", report.summary())
    for layer in report.inactive:
        log.warning("code sandbox layer off: %s (%s)", layer, LAYER_NAMES.get(layer, layer))
    return report
