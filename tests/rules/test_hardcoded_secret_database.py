"""hardcoded-secret: a database password written in the source for a remote host (held-out
sample 41: caretechers' ``mysql.createConnection({ host: '….rds.amazonaws.com', password:
'…' })``, the worst secret of the repository, was not reported). In a connection URI, as
``password:`` beside ``host:``, or as ``new Sequelize``'s third argument. The developer's own
machine and containers (localhost, a compose service's name), a value from the environment, a
placeholder, a comment or an interpolated URI are not reported."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

PACKAGE = json.dumps({"name": "api", "dependencies": {"express": "^4.21.0", "mysql2": "^3.9.0",
                                                      "mongoose": "^8.0.0", "pg": "^8.11.0",
                                                      "sequelize": "^6.37.0"}})


def _findings(project, source: str, name: str) -> list[str]:
    root = project({"package.json": PACKAGE, "db.js": source}, name)
    return [f"{f.line}:{f.message.split(' written')[0]}"
            for f in check(root, select=["hardcoded-secret"]).findings]


MYSQL = """\
const mysql = require('mysql2/promise');

module.exports.connect = () => mysql.createConnection({
  host: HOST,
  user: 'admin',
  password: PASSWORD,
});
"""


@pytest.mark.parametrize(("source", "expected"), [
    (MYSQL.replace("HOST", "'carecoord.abc123.us-west-2.rds.amazonaws.com'")
     .replace("PASSWORD", "'Capstone1234!'"),
     ["6:database password for carecoord.abc123.us-west-2.rds.amazonaws.com"]),
    ("const mongoose = require('mongoose');\n"
     "mongoose.connect('mongodb+srv://app:Xy7pQ2@cluster0.ab12c.mongodb.net/shop');\n",
     ["2:database password for cluster0.ab12c.mongodb.net"]),
    ("const { Pool } = require('pg');\n"
     "module.exports = new Pool({ connectionString: `postgres://app:hunter22@db.example.com/app` "
     "});\n",
     ["2:database password for db.example.com"]),
    ("const { Sequelize } = require('sequelize');\n"
     "module.exports = new Sequelize('shop', 'app', 'pa55word!', { host: '10.0.3.7', "
     "dialect: 'mysql' });\n",
     ["2:database password for 10.0.3.7"]),
], ids=["mysql-object", "mongodb-uri", "postgres-template", "sequelize-arguments"])
def test_a_remote_database_password_in_the_source_is_reported(project, source: str,
                                                              expected: list[str]) -> None:
    assert _findings(project, source, "remote") == expected


@pytest.mark.parametrize("source", [
    MYSQL.replace("HOST", "'localhost'").replace("PASSWORD", "'secret123'"),
    MYSQL.replace("HOST", "'127.0.0.1'").replace("PASSWORD", "'secret123'"),
    MYSQL.replace("HOST", "'db'").replace("PASSWORD", "'secret123'"),  # a compose service
    MYSQL.replace("HOST", "'db.example.com'").replace("PASSWORD", "process.env.DB_PASSWORD"),
    MYSQL.replace("HOST", "'db.example.com'").replace("PASSWORD", "'<password>'"),
    MYSQL.replace("HOST", "'db.example.com'").replace("PASSWORD", "''"),
    "const mongoose = require('mongoose');\n"
    "// mongoose.connect('mongodb+srv://app:Xy7pQ2@cluster0.ab12c.mongodb.net/shop');\n"
    "mongoose.connect(process.env.MONGO_URL);\n",
    "const mongoose = require('mongoose');\n"
    "mongoose.connect(`mongodb+srv://app:${process.env.PW}@cluster0.ab12c.mongodb.net/shop`);\n",
    "const mongoose = require('mongoose');\n"
    "mongoose.connect('mongodb://app:app@localhost:27017/shop');\n",
], ids=["localhost", "loopback", "service-name", "from-env", "placeholder", "empty", "comment",
        "interpolated", "local-uri"])
def test_the_developers_own_machine_the_environment_and_placeholders_are_not(
        project, source: str) -> None:
    assert _findings(project, source, "local") == []
