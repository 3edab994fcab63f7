"""security-txt: a new file follows RFC 9116 (the configured contact, policy and languages,
Expires as many days ahead as configured), without a contact it is report only with the line to
add, and an expired file is reported and renewed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import write_tree

from nodeharden import check, fix
from nodeharden.rules.security_txt import parse_fields


EXPRESS_PJ = '{\n  "name": "app",\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'


def test_new_security_txt_follows_rfc_9116(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS_PJ,
        ".nodeharden.yml": "security_txt:\n  contact: sec@acme.test\n  languages: en, de\n"
                           "  policy: https://acme.test/policy\n  expires_days: 200\n",
        "app.js": "const express = require('express');\nconst app = express();\n",
    })
    result = fix(root, dry_run=True, select=["security-txt"]).plan
    text = result.final[".well-known/security.txt"].decode()
    fields = {name: value for _, name, value in parse_fields(text)}
    assert fields["contact"] == "mailto:sec@acme.test"
    assert fields["policy"] == "https://acme.test/policy"
    assert fields["preferred-languages"] == "en, de"
    expires = datetime.fromisoformat(fields["expires"].replace("Z", "+00:00"))
    now = datetime.now(timezone.utc)
    assert now + timedelta(days=199) < expires <= now + timedelta(days=201)
    assert "PLACEHOLDER" not in text and "SECURITY.md" in result.final


def test_without_a_contact_security_txt_is_report_only_with_the_line_to_add(
        tmp_path: Path) -> None:
    # Issue 15: no placeholder contact any more, and never package.json's author.
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS_PJ,
        "Procfile": "web: node app.js\n",  # deployed as a service: security.txt is due
        "app.js": "const express = require('express');\nconst app = express();\n",
    })
    [finding] = check(root, select=["security-txt"]).findings
    assert finding.fix is None
    assert "`contact: mailto:security@<your domain>` under `security_txt:`" in finding.message
    result = fix(root, dry_run=True, select=["security-txt"], unsafe=True).plan
    assert result.changed_paths() == []


def test_expired_security_txt_is_reported_and_renewed(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS_PJ,
        ".well-known/security.txt": "Contact: mailto:a@b.test\nExpires: 2020-01-01T00:00:00Z\n",
        "app.js": "const express = require('express');\nconst app = express();\n"
                  "app.get('/.well-known/security.txt', (req, res) => res.send('x'));\n",
    })
    [finding] = check(root, select=["security-txt"]).findings
    assert (finding.path, finding.line) == (".well-known/security.txt", 2)
    assert "expired" in finding.message
    result = fix(root, dry_run=True, select=["security-txt"]).plan
    renewed = result.final[".well-known/security.txt"].decode()
    assert renewed.startswith("Contact: mailto:a@b.test\nExpires: ")
    assert datetime.fromisoformat(parse_fields(renewed)[1][2].replace("Z", "+00:00")) > datetime.now(timezone.utc)
