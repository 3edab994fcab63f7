"""Tool configuration files (``webpack.config.js``, ``.eslintrc.js``, ``Gruntfile.js``…) are
recognised by their name; a cheap test in front of the long pattern (start-up time) gives the
same answer as the pattern alone for every name."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from nodeharden._roles import _TOOL_CONFIG_RE, _is_tool_config, role_from_path

WORDS = ("gruntfile", "gulpfile", "jakefile", "karma.conf", "protractor.conf", "wdio.conf",
         "webpack", "rollup", "vite", "jest", "babel", "eslint", "ecosystem", "semantic-release",
         "mocha", ".eslintrc", ".prettierrc", ".mocharc", ".babelrc", ".lintstagedrc", "config",
         "CONFIG", "Config", "conf", "app", "server", "index", "file0001", "seed", "test")
PIECES = ("", ".", "-", "_", ".config", "-config", ".base.config", ".prod", ".dev.", "config.")
SUFFIXES = (".js", ".ts", ".mjs", ".cjs", ".mts", ".jsx", ".json", "")
# Letters re.IGNORECASE folds onto ASCII ones: the Kelvin sign, the long s, dotted capital I.
ODD = ("\u212a", "\u017f", "\u0130", "\u0131", "é")


def _pattern_says(name: str) -> bool:
    return _TOOL_CONFIG_RE.match(name) is not None


def test_known_names() -> None:
    for name in ("webpack.config.js", "Gruntfile.js", ".eslintrc.cjs", "karma.conf.js",
                 "webpack.prod.js", "rollup.config.mjs", "ecosystem.config.js",
                 "vite.config.ts", "JEST.CONFIG.JS"):
        assert _is_tool_config(name), name
        assert role_from_path(f"src/{name}").role == "script"
    for name in ("app.js", "config.js", "server.ts", "webpack.js", "myconfig.json"):
        assert not _is_tool_config(name), name
        assert _is_tool_config(name) == _pattern_says(name)


def test_same_answer_as_the_pattern_on_built_names() -> None:
    count = 0
    for first in WORDS:
        for middle in PIECES:
            for second in WORDS[-8:]:
                for suffix in SUFFIXES:
                    for name in (first + middle + suffix, first + middle + second + suffix,
                                 (first + middle + suffix).upper(),
                                 (first + middle + suffix).title()):
                        assert _is_tool_config(name) == _pattern_says(name), name
                        count += 1
    assert count > 20_000


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aceflnogrtijkpsuwbmvxdy.-_CKJGWR") + list(ODD)),
               max_size=24),
       st.sampled_from(WORDS), st.sampled_from(SUFFIXES))
def test_same_answer_as_the_pattern_on_any_name(noise: str, word: str, suffix: str) -> None:
    for name in (noise + suffix, word + noise + suffix, noise + word + suffix):
        assert _is_tool_config(name) == _pattern_says(name), name


def test_non_ascii_names_go_to_the_pattern() -> None:
    # The Kelvin sign matches "k" under IGNORECASE: such a name is never decided by the cheap
    # (ASCII) test.
    assert re.match(r"k", "\u212a", re.IGNORECASE)
    for name in ("\u212aarma.conf.js", "vite.conf\u0130g.js", "jest.conf\u0131g.ts",
                 ".e\u017flintrc.js", "gulpf\u0131le.js"):
        assert _is_tool_config(name) == _pattern_says(name) is True, name
