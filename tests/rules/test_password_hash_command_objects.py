"""password-hash: a call on a receiver the file cannot trace to a model, ORM or database
client (``this.loginStep``, a parameter) is a store only when its verb is one of a data
layer's writes (``create``, ``insert*``, ``save``, ``update*``, ``upsert``...). A generic
verb (``execute``, ``run``, ``query``, ``raw``) handed a command object (``this.signIn
.execute({ email, password })``, a use case that hashes or verifies on its side) stores
nothing; the same verb with SQL text first still runs a statement and stays judged."""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "app", "dependencies": {"express": "^4.21.0", "bcrypt": "^5.1.1"}})


def _lines(project, source: str, name: str = "app.js") -> list[int]:
    root = project({"package.json": PACKAGE, name: source})
    report = check(root, select=["password-hash"])
    assert report.failed == []
    return sorted(f.line for f in report.findings if "plain text" in f.message)


CONTROLLER = """\
class AccountController {
  constructor(openSession, enroll, store, accounts) {
    this.openSession = openSession;
    this.enroll = enroll;
    this.store = store;
    this.accounts = accounts;
  }
  async login(req, res) {
    const { email, password } = req.body;
    const session = await this.openSession.execute({ email, password });
    await this.enroll.run({ email, password, plan: 'free' });
    res.json(session);
  }
  async register(req, res) {
    const { email, password } = req.body;
    await this.store.save({ email, password });
    await this.accounts.insertOne({ email, password });
    await this.accounts.update({ email }, { password });
    res.status(201).end();
  }
}
module.exports = AccountController;
"""


def test_a_command_object_handed_to_a_generic_verb_is_no_store(project) -> None:
    # `execute`/`run` on an injected collaborator: kept out; data-layer verbs stay reported.
    assert _lines(project, CONTROLLER) == [16, 17, 18]


def test_typescript_injected_use_cases_are_no_store(project) -> None:
    source = """\
interface SignIn { execute(dto: { email: string; password: string }): Promise<string> }
interface UserRepository { save(user: object): Promise<void> }
export class AuthController {
  constructor(private signIn: SignIn, private userRepository: UserRepository) {}
  async post(request: { body: { email: string; password: string } }): Promise<string> {
    const { email, password } = request.body;
    await this.userRepository.save({ email, password });
    return this.signIn.execute({ email, password });
  }
}
"""
    assert _lines(project, source, "auth.controller.ts") == [7]


def test_sql_text_on_a_generic_verb_is_still_judged(project) -> None:
    source = """\
module.exports = function routes(app, db) {
  app.post('/signup', (req, res) => {
    const { name, password } = req.body;
    db.run('INSERT INTO users (name, password) VALUES ($name, $password)',
           { $name: name, $password: password });
    db.query('INSERT INTO users SET ?', { name, password });
    const sql = 'INSERT INTO users SET ?';
    db.query(sql, { name, password });
    db.execute({ name, password });
    res.end();
  });
};
"""
    assert _lines(project, source) == [4, 6, 8]
