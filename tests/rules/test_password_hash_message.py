"""password-hash: a fast hash of a password is reported without a fix, naming the replacement
(bcrypt or argon2id) and linking OWASP's password storage cheat sheet."""

from __future__ import annotations

import json

from nodeharden import check


EXPRESS = {"name": "app", "dependencies": {"express": "^5.1.0"}}


def _findings(root, rule):
    return [f for f in check(root, select=[rule]).findings if f.rule == rule]


def test_password_findings_name_the_replacement_and_link_owasp(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "a.js": """
            const crypto = require('crypto');
            const h = (password) => crypto.createHash('sha1').update(password).digest('hex');
        """,
    })
    [finding] = _findings(root, "password-hash")
    assert finding.fix is None
    assert "bcrypt (cost >= 12) or argon2id" in finding.message
    assert "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html" \
        in finding.message
