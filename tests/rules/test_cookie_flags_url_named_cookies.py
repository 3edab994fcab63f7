"""cookie-flags: a cookie whose name says it holds a URL, a path or a return target
(`last_survey_url`, `lastStreetUrl`, `redirect_path`, `next`, `returnTo`) and whose value is a
URL path built from literals and the segments put into it (`'/' + street.creatorId + '/' +
street.namespacedId`, also through `let url = '/'; url += ...`) holds no secret: it is not
reported (sample 22, streetmix votes.ts:186, judged false; its sameSite fix was rejected).
The cookie's name alone still credits nothing, and a segment, query value or name that may
carry a secret keeps the finding."""

from __future__ import annotations

from conftest import PACKAGE_JSON

from nodeharden import check

APP = """\
const express = require('express');
const app = express();
app.get('/survey/:id', async (req, res) => {
  const street = await findStreet(req.params.id);
  res.cookie('last_survey_url', '/' + street.creatorId + '/' + street.namespacedId);
  let candidateUrl = '/';
  if (street.creatorId) candidateUrl += `${street.creatorId}/${street.namespacedId}`;
  else candidateUrl += `-/${street.namespacedId}`;
  res.cookie('lastStreetUrl', candidateUrl);
  res.cookie('redirect_path', `/streets/${encodeURIComponent(street.slug)}`);
  res.cookie('next', req.originalUrl);
  res.cookie('returnTo', '/' + street.namespacedId);
  res.redirect(candidateUrl);
});
app.get('/near-misses', (req, res) => {
  const street = req.street;
  res.cookie('redirect_url', '/reset?token=' + req.user.resetToken);
  res.cookie('return_url', '/welcome?ref=' + req.user.referralId);
  res.cookie('next_url', '/invite/' + req.invite.code);
  res.cookie('last_url', '/s/' + req.sessionID);
  res.cookie('token_url', '/' + street.slug);
  res.cookie('redirect_url', req.user.id);
  res.cookie('location', '/' + street.slug);
  res.cookie('next_url', '/' + secrets.slug);
  res.cookie('back_url', `/a/${street.slug}?sig=${street.signature}`);
  res.cookie('back_url', '/a/' + street.slug + '?n=' + street.name);
  res.cookie('user_id', '/' + street.slug);
  res.send('ok');
});
module.exports = app;
"""


def _lines(project) -> set[int]:
    report = check(project({"package.json": PACKAGE_JSON, "app.js": APP}),
                   select=["cookie-flags"])
    assert not report.failed, report.failed
    return {f.line for f in report.findings}


def test_a_url_named_cookie_holding_a_path_is_not_reported(project) -> None:
    assert not _lines(project) & set(range(5, 13))


def test_secrets_ids_and_query_values_keep_the_finding(project) -> None:
    # a token or session id in the URL (17, 20), a query value (18, 26), a capability code
    # (19), a name that says token, id or place (21, 27, 23), a bare id (22), a segment of an
    # object named for secrets (24), a signature after `?` (25)
    assert _lines(project) == set(range(17, 28))
