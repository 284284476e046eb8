"""The document's language: label catalogs (catalog.py), dates by Babel (formatting.py), writing
direction (direction.py)."""

from __future__ import annotations

from briefgen.locale.catalog import Labels, check_overrides, labels_for
from briefgen.locale.formatting import date_range, long_date

__all__ = ["Labels", "check_overrides", "date_range", "labels_for", "long_date"]
