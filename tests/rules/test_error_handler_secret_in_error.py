"""error-handler reports a secret the server holds written into the text of an error request
code raises (Spacebar's CDN: ``throw new HTTPError(`Invalid request signature, expected
'${Config.get().security.requestSignature}' …`)``, sent to the caller by the API's handler).
One pass over the file's ``throw``/``next(new``/``reject(new`` sites: thousands of them take
well under a second."""

from __future__ import annotations

import pytest
from _complexity import growth

from nodeharden._parse import parse, text
from nodeharden.rules.error_handler import secrets_in_raised_errors

HEAD = ("import { HTTPError } from 'lambert-server';\n"
        "import { Config } from './util';\n"
        "const CDN_SECRET = process.env.CDN_SECRET;\n")


def _found(body: str, lang: str = "typescript") -> list[str]:
    source = (HEAD + body).encode()
    tree = parse(lang, source)
    return [text(node) for node in secrets_in_raised_errors(tree.root_node, source)]


@pytest.mark.parametrize(("body", "expected"), [
    (("router.post('/', async (req: Request, res: Response) => {\n"
      "  throw new HTTPError(`expected '${Config.get().security.requestSignature}', "
      "got ${req.headers.signature}`);\n});\n"),
     ["Config.get().security.requestSignature"]),
    ("app.get('/', (req, res, next) => next(new Error('upload failed: ' + CDN_SECRET)));\n",
     ["CDN_SECRET"]),
    (("app.get('/', (req, res) => new Promise((resolve, reject) => {\n"
      "  reject(new Error(`db ${process.env.DB_PASSWORD} refused`));\n}));\n"),
     ["process.env.DB_PASSWORD"]),
    # the caller's own values, names that only start like a secret, a non-secret setting
    (("app.get('/', (req, res) => {\n  const token = req.get('x-token');\n"
      "  throw new Error(`bad ${token} ${req.headers.apiKey} ${Config.tokenTimeout} "
      "${process.env.PORT} ${Config.passwordMinLength}`);\n});\n"), []),
    # not request code: a helper with no request or response parameter
    ("export function sign(path: string) {\n  throw new Error(`${path} ${CDN_SECRET}`);\n}\n",
     []),
    # a literal message names no value
    ("app.get('/', (req, res) => {\n  throw new Error('the secret is not configured');\n});\n",
     []),
])
def test_secrets_in_raised_errors(body: str, expected: list[str]) -> None:
    assert _found(body) == expected


def test_many_raises_in_one_pass() -> None:
    # Counted steps, not time: 4 times the raises cost about 4 times the work.
    def make(count: int):
        lines = ["app.get('/x', (req, res, next) => {"]
        lines += [f"  if (req.query.a === '{i}') throw new Error(`fail {i} ${{CDN_SECRET}} "
                  f"${{req.query.b}}`);" for i in range(count)]
        lines += ["  res.json({});", "});", ""]
        source = (HEAD + "\n".join(lines)).encode()
        tree = parse("typescript", source)
        return lambda: list(secrets_in_raised_errors(tree.root_node, source))

    _, found = growth(make, 200)
    assert len(found) == 800