"""dependency-audit: vulnerable packages in the lockfile, found by ``npm audit``.

Nothing happens in a plain ``check``: the audit needs the network, so it runs only with
``check --audit`` (see ``nodeharden._audit``).
"""

from __future__ import annotations

from nodeharden.rules._base import Rule


class DependencyAudit(Rule):
    """Report only, and only through ``check --audit``."""

    id = "dependency-audit"


RULE = DependencyAudit()
