"""Descent: interview practice for ML loss functions and optimization (HTTP layer)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("descent")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
