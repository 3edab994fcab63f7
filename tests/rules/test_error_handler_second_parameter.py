"""error-handler: a function's second parameter is the HTTP response unless the evidence says
otherwise (a first parameter named like a socket or connection, a parameter typed as one).
An annotation the rule cannot read, or ``any``, decides nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'


def source(params: str, receiver: str, prelude: str = "") -> str:
    return (f"{prelude}"
            "async function load(id: unknown): Promise<unknown> { return id }\n"
            f"export function handle({params}) {{\n"
            "  load(1).catch((failure) => {\n"
            f"    {receiver}.end(failure.message)\n"
            "  })\n"
            "}\n")


def reported(tmp_path: Path, code: str) -> bool:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "src/h.ts": code})
    done = run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                   "error-handler")
    assert done.returncode == 0, done.stderr
    line = code.splitlines().index(next(t for t in code.splitlines() if ".end(" in t)) + 1
    return any(f["line"] == line for f in json.loads(done.stdout)["findings"])


@pytest.mark.parametrize(("params", "receiver", "prelude"), [
    ("incoming, outgoing", "outgoing", ""),                      # no names to go by
    ("incoming, socket", "socket", ""),                          # an upgrade's raw socket
    ("input: any, output: any", "output", ""),
    ("input, output: Out", "output", "type Out = { end(t: string): void }\n"),
    ("input, output: Socket | Response", "output", "type Socket = unknown\n"),
])
def test_second_parameter_is_the_response(tmp_path: Path, params: str, receiver: str,
                                          prelude: str) -> None:
    assert reported(tmp_path, source(params, receiver, prelude))


@pytest.mark.parametrize(("params", "receiver"), [
    ("socket, answer", "answer"),
    ("conn, out", "out"),
    ("ws, out", "out"),
    ("server: unknown, link: Spark", "link"),
    ("link: WebSocket, out", "out"),
    ("server, pipe: net.Socket", "pipe"),
])
def test_a_socket_says_otherwise(tmp_path: Path, params: str, receiver: str) -> None:
    assert not reported(tmp_path, source(params, receiver))
