"""session-cookie with an OpenID Connect client: openid-client and MSAL Node ask for no
response mode unless told to, so the provider redirects back with a top-level GET, which a
SameSite=Lax session cookie rides on, and the fix writes it. Where the code or a settings file
names a response mode (``form_post``, or one read from a setting), the answer may be a
cross-site POST that Lax would keep the cookie off: reported without a fix, as for SAML."""

from __future__ import annotations

import pytest
from conftest import write_tree

from nodeharden import check


def _oidc_project(tmp_path, module: str, extra: str = "", files: dict | None = None):
    return write_tree(tmp_path / "p", {
        "package.json": '{"name": "a", "dependencies": {"express": "^4.21.0",'
                        f' "express-session": "^1.18.0", "{module}": "^5.0.0"}}}}',
        "app.js": "const express = require('express');\nconst session = require('express-session');\n"
                  f"const oidc = require('{module}');\nconst app = express();\n"
                  "app.set('trust proxy', 1);\napp.use(session({ name: 'sid', secret: process.env.S,"
                  " resave: false, saveUninitialized: false,\n  cookie: { secure: 'auto' } }));\n"
                  + extra + "module.exports = { app, oidc };\n",
        **(files or {})})


@pytest.mark.parametrize("module", ["openid-client", "@azure/msal-node"])
def test_an_oidc_client_that_redirects_back_gets_same_site_lax(tmp_path, module: str) -> None:
    # openid-client and MSAL Node ask for no response mode: the provider redirects back with
    # a top-level GET, which a SameSite=Lax cookie rides on (pigallery2, sample 29).
    root = _oidc_project(tmp_path, module)
    [finding] = check(root, select=["session-cookie"]).findings
    assert finding.fix is not None and module not in finding.message


@pytest.mark.parametrize(("extra", "files"), [
    ("const params = { response_mode: 'form_post' };\n", None),
    ("const mode = process.env.OIDC_RESPONSE_MODE;\n", None),
    ("", {"config/default.json": '{"oidc": {"responseMode": "form_post"}}'}),
])
def test_an_oidc_client_asked_for_another_response_mode_keeps_the_finding_unfixed(
        tmp_path, extra: str, files) -> None:
    root = _oidc_project(tmp_path, "openid-client", extra, files)
    [finding] = check(root, select=["session-cookie"]).findings
    assert finding.fix is None and "openid-client" in finding.message
