"""lan-collector: LAN discovery and inventory into one SQLite file."""

__version__ = "0.1.0"

__all__ = ["__version__"]
