"""Reference computations for the notebook capstones: the learner's numbers from a notebook
(fits, weight norms, loss surfaces, gradient norms) are compared with these on the same seeded
data, and each check says what the comparison shows.

Public API: the data generators (:func:`regression.make_data`, :func:`classification.make_data`),
the checks (``check_*`` in :mod:`regression`, :mod:`classification`, :mod:`landscapes`), the
:class:`Report` they return and :class:`CheckInputError` for numbers that cannot be compared.
"""

from engine.capstones import classification, landscapes, regression
from engine.capstones.core import CheckInputError, Item, Report

__all__ = ["CheckInputError", "Item", "Report", "classification", "landscapes", "regression"]
