"""The single place the nodeharden version is defined."""

__version__ = "0.1.0"
