"""password-hash: handing the submitted password to an ORM whose model hashes it in a save
hook (mongoose ``pre('save')``, Sequelize ``beforeCreate``) is not plain-text storage."""

from __future__ import annotations

from conftest import check_json

CONTROLLER = """\
    const express = require('express');
    const User = require('./models/user');
    const app = express();
    app.use(express.json());
    app.post('/register', async (req, res) => {
      const { name, email, password } = req.body;
      const user = await User.create({ name, email, password });
      res.status(201).json({ id: user._id });
    });
    app.listen(3000);
    """

MODEL_WITH_HOOK = """\
    const mongoose = require('mongoose');
    const bcrypt = require('bcryptjs');
    const userSchema = new mongoose.Schema({ name: String, email: String, password: String });
    userSchema.pre('save', async function (next) {
      if (!this.isModified('password')) return next();
      this.password = await bcrypt.hash(this.password, 12);
      next();
    });
    module.exports = mongoose.model('User', userSchema);
    """

PACKAGE = '{"name": "m", "dependencies": {"express": "^4.21.0", "mongoose": "^8.0.0"}}'


def password_findings(report: dict) -> list[tuple[str, int]]:
    return [(f["path"], f["line"]) for f in report["findings"] if f["rule"] == "password-hash"]


def test_a_model_that_hashes_on_save_clears_the_create_call(project) -> None:
    root = project({"package.json": PACKAGE, "app.js": CONTROLLER,
                    "models/user.js": MODEL_WITH_HOOK})
    assert password_findings(check_json(root)) == []


def test_without_the_hook_the_plain_password_is_reported(project) -> None:
    model = MODEL_WITH_HOOK.replace("this.password = await bcrypt.hash(this.password, 12);\n",
                                    "")
    model = model.replace("const bcrypt = require('bcryptjs');\n", "")
    root = project({"package.json": PACKAGE, "app.js": CONTROLLER, "models/user.js": model})
    assert password_findings(check_json(root)) == [("app.js", 7)]
