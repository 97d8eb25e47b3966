"""The names of the formats profiles are imported from and exported to (light: the CLI's help reads them)."""

from __future__ import annotations

__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS"]

IMPORT_FORMATS = ("beerjson", "beerxml", "brewpi-csv", "fermentrack", "brewpiless", "craftbeerpi")
EXPORT_FORMATS = ("beerjson", "brewpi-csv")
