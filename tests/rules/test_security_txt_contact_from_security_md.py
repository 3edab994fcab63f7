"""security-txt takes Contact from the SECURITY.md line that says how to report a
vulnerability, not from a link for other products or non-security bugs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from nodeharden.rules.security_txt import security_md_contact


def contact_of(security_md: str) -> str | None:
    files = {"SECURITY.md": security_md.encode()}
    return security_md_contact(SimpleNamespace(read=files.get))  # type: ignore[arg-type]


ORG_POLICY = """\
# Security policy

This policy covers our website and services. Problems in our other products should be
reported through the [company bug bounty](https://example.com/security/bug-bounty/).

For non-security issues, please file a [bug](https://github.com/example/app/issues/new).

## Reporting a vulnerability

If you find a security issue, please report it privately via <https://hackerone.example/acme>.
If you prefer not to, you can use <https://bugs.example.com/form.bounty>.
"""


@pytest.mark.parametrize(("text", "expected"), [
    (ORG_POLICY, "https://hackerone.example/acme"),
    ("# Security\n\nReport vulnerabilities to security@acme.test, not in public issues.\n"
     "Maintainer: jane@acme.test\n", "mailto:security@acme.test"),
    ("# Security\n\nMail security@acme.test.\n", "mailto:security@acme.test"),
    ("# Security\n\nUse https://github.com/acme/app/security/advisories/new\n",
     "https://github.com/acme/app/security/advisories/new"),
    ("# Security\n\nNo contact yet.\n", None),
])
def test_contact_comes_from_the_reporting_line(text: str, expected: str | None) -> None:
    assert contact_of(text) == expected
