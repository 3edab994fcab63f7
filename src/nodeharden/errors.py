"""The nodeharden error hierarchy: every error a user can cause is one of these.

The CLI catches ``NodehardenError`` in one place, prints its message on one line and exits
with ``exit_code``.
"""

from __future__ import annotations


class NodehardenError(Exception):
    """Base class of every error nodeharden reports to the user."""

    exit_code = 2


class UsageError(NodehardenError):
    """The command line asks for something impossible or contradictory."""


class PathNotFoundError(NodehardenError):
    """A path given on the command line does not exist."""


class NotADirectoryError_(NodehardenError):
    """A path that must be a directory is a file."""


class ConfigError(NodehardenError):
    """``.nodeharden.yml`` cannot be read or does not match its schema."""


class PackageJsonError(NodehardenError):
    """``package.json`` is not valid JSON or not an object."""


class UnknownRuleError(NodehardenError):
    """A rule id given by the user is not in the catalog."""


class DirtyTreeError(NodehardenError):
    """``fix`` would write into a git work tree with uncommitted changes."""


class InteractiveRequiredError(NodehardenError):
    """A prompt was needed but there is no terminal to ask on."""


class TemplateError(NodehardenError):
    """The project template could not be rendered or updated."""


class DestinationNotEmptyError(NodehardenError):
    """``new`` was asked to render into a directory that already has files."""


class SarifImportError(NodehardenError):
    """A SARIF file given to ``--from-sarif`` cannot be read."""


class BaselineError(NodehardenError):
    """A baseline file cannot be read or written."""


class GitError(NodehardenError):
    """A git command needed by ``--diff`` or the dirty-tree check failed."""
