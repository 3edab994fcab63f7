"""nodeharden: make Express.js backends secure by default and keep them that way."""

from nodeharden._version import __version__

__all__ = ["__version__"]
