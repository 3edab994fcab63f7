"""Headers an app sends that the helmet rule must credit before it says they are missing:

- a table of headers filled entry by entry (``headers['Content-Security-Policy'] = csp``) and
  sent through ``res.setHeader(name, table[name])``, its policy written, with its
  ``frame-ancestors``, in the module the table's values come from;
- headers the repository's reverse-proxy configuration adds to every response (nginx
  ``add_header``, Apache ``Header set``, HAProxy ``http-response set-header``, Caddy
  ``header``); a directive that is commented out adds nothing.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree
from nodeharden._api import check

PACKAGE = '{"name": "entry-headers", "private": true, "dependencies": {"express": "^4.21.0"}}\n'

POLICIES = """\
exports.baseHeaders = function () {
  return { 'Strict-Transport-Security': 'max-age=31536000', 'Referrer-Policy': 'same-origin' };
};
exports.policy = function (origin) {
  return "default-src 'self'; frame-ancestors 'self' " + origin;
};
"""

APP = """\
const express = require('express');
const Policies = require('./policies');

function headersFor(origin) {
  const headers = Policies.baseHeaders();
  headers['Content-Security-Policy'] = Policies.policy(origin);
%(nosniff)s  return headers;
}

const app = express();
app.use(function (req, res, next) {
  const headers = headersFor(req.hostname);
  for (const name in headers) {
    res.setHeader(name, headers[name]);
  }
  next();
});
app.get('/', (req, res) => res.send('ok'));
app.listen(3000);
"""

NOSNIFF_LINE = "  headers['X-Content-Type-Options'] = 'nosniff';\n"


def helmet_messages(root: Path) -> list[str]:
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    return [f.message for f in report.findings if f.rule == "helmet"]


def test_a_table_filled_entry_by_entry_is_credited(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "policies.js": POLICIES,
                                 "app.js": APP % {"nosniff": NOSNIFF_LINE}})
    assert helmet_messages(root) == []


def test_the_one_header_the_table_lacks_is_named(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "policies.js": POLICIES,
                                 "app.js": APP % {"nosniff": ""}})
    [message] = helmet_messages(root)
    assert "but not X-Content-Type-Options;" in message
    assert "Content-Security-Policy" in message.split(" but not ")[0]
    assert "X-Frame-Options" not in message  # the policy's frame-ancestors stands for it


def test_a_written_key_that_is_only_read_is_no_header_sent(tmp_path: Path) -> None:
    reads = APP.replace("headers['Content-Security-Policy'] = Policies.policy(origin);",
                        "const seen = headers['Content-Security-Policy'];")
    reads %= {"nosniff": NOSNIFF_LINE}
    root = write_tree(tmp_path, {"package.json": PACKAGE, "policies.js": POLICIES,
                                 "app.js": reads})
    [message] = helmet_messages(root)
    assert "Content-Security-Policy" in message.split(" but not ")[1]


PLAIN_APP = """\
const express = require('express');
const app = express();
app.use((req, res, next) => {
  res.setHeader('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'");
  res.setHeader('Strict-Transport-Security', 'max-age=31536000');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
});
app.get('/', (req, res) => res.send('ok'));
app.listen(3000);
"""


def test_nosniff_added_by_the_repos_nginx_is_credited(tmp_path: Path) -> None:
    nginx = ("server {\n  listen 443 ssl;\n"
             '  add_header X-Content-Type-Options "nosniff" always;\n'
             "  location / { proxy_pass http://127.0.0.1:3000; }\n}\n")
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": PLAIN_APP,
                                 "deploy/nginx.conf": nginx})
    assert helmet_messages(root) == []


def test_proxy_headers_are_named_in_the_message(tmp_path: Path) -> None:
    app = PLAIN_APP.replace("; frame-ancestors 'none'", "")
    apache = "<VirtualHost *:443>\n  Header always set X-Content-Type-Options \"nosniff\"\n" \
             "  ProxyPass / http://127.0.0.1:3000/\n</VirtualHost>\n"
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": app,
                                 "apache/site.conf": apache})
    [message] = helmet_messages(root)
    assert "the proxy configuration apache/site.conf adds X-Content-Type-Options" in message
    assert message.split(" but not ")[1].startswith("X-Frame-Options")


def test_a_commented_out_directive_adds_nothing(tmp_path: Path) -> None:
    nginx = "server {\n  # add_header X-Content-Type-Options \"nosniff\";\n}\n"
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": PLAIN_APP,
                                 "nginx.conf": nginx})
    [message] = helmet_messages(root)
    assert message.split(" but not ")[1].startswith("X-Content-Type-Options")


def test_a_config_that_only_serves_files_says_nothing_of_the_app(tmp_path: Path) -> None:
    """A front end's nginx that serves its build and passes nothing on to the app."""
    nginx = ("server {\n  listen 80;\n  root /usr/share/nginx/html;\n"
             '  add_header X-Content-Type-Options "nosniff" always;\n'
             "  location / { try_files $uri /index.html; }\n}\n")
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": PLAIN_APP,
                                 "client/nginx.conf": nginx})
    [message] = helmet_messages(root)
    assert message.split(" but not ")[1].startswith("X-Content-Type-Options")
