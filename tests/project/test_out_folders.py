"""A folder named ``out`` is build output only where a build writes it: at the root, next to
a package.json or tsconfig.json, or where a tsconfig's ``outDir`` points. Elsewhere
(``src/out/``, the outbound half of a service beside ``src/in/``) it is source and is walked.
``dist`` and ``build`` stay skipped at any depth, and a git-ignored ``out`` stays ignored."""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree
from nodeharden._project import compiled_out_dirs, files_with_suffix, walk
from nodeharden._resultcache import tree_fingerprint

LIB = "module.exports = 1;\n"


def walked(root: Path) -> set[str]:
    return {f.rel for f in walk(root)[0] if f.kind == "js"}


def test_only_an_out_folder_where_a_build_writes_is_skipped(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": '{"name": "svc"}\n',
        "app.js": LIB,
        "out/bundle.js": LIB,                          # the root's: build output
        "src/in/reader.js": LIB,
        "src/out/sender.js": LIB,                      # source: walked
        "src/out/api/server.js": LIB,
        "packages/web/package.json": '{"name": "web"}\n',
        "packages/web/out/page.js": LIB,               # next to a package.json
        "packages/lib/tsconfig.json": '{"compilerOptions": {"outDir": "out"}}\n',
        "packages/lib/out/index.js": LIB,              # next to a tsconfig.json
        "tools/tsconfig.json": '{\n  // emitted below\n  "compilerOptions": '
                               '{"outDir": "./gen/out",}\n}\n',
        "tools/gen/out/made.js": LIB,                  # a tsconfig's outDir names it
        "src/dist/x.js": LIB,                          # dist and build: at any depth
        "src/build/y.js": LIB,
    })
    assert walked(root) == {"app.js", "src/in/reader.js", "src/out/sender.js",
                            "src/out/api/server.js"}
    found = {Path(p).relative_to(root).as_posix()
             for p, _ in files_with_suffix(str(root), {".js"}, 10_000)}
    assert found == walked(root)


def test_a_git_ignored_nested_out_folder_stays_out(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        ".gitignore": "src/out/\n", "package.json": '{"name": "svc"}\n',
        "src/out/sender.js": LIB, "src/app.js": LIB})
    assert walked(root) == {"src/app.js"}


def test_the_result_cache_sees_a_change_in_a_walked_out_folder(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"package.json": "{}\n", "src/out/a.js": LIB,
                                         "out/b.js": LIB})
    before = tree_fingerprint(root)
    (root / "out/b.js").write_text("module.exports = 22;\n")
    assert tree_fingerprint(root) == before
    (root / "src/out/a.js").write_text("module.exports = 22;\n")
    assert tree_fingerprint(root) != before


def test_the_folder_a_tsconfig_compiles_into_is_skipped_and_listed(tmp_path: Path) -> None:
    # Ride The Lightning: server/tsconfig.server.json compiles server/ into the committed
    # backend/; scanned beside its source, every finding would be reported twice.
    root = write_tree(tmp_path / "app", {
        "package.json": '{"name": "rtl"}\n',
        "rtl.js": LIB,
        "server/tsconfig.server.json": '{"compilerOptions": {"outDir": "../backend"}}\n',
        "server/utils/app.ts": "export const app = 1;\n",
        "backend/utils/app.js": LIB,
        # an outDir that is the config's own folder, or one above it, is source, not output
        "lib/tsconfig.json": '{"compilerOptions": {"outDir": "."}}\n',
        "lib/index.js": LIB,
        "tools/tsconfig.build.json": '{"compilerOptions": {"outDir": ".."}}\n',
        "tools/make.js": LIB,
    })
    files, skipped = walk(root)
    assert {f.rel for f in files if f.kind == "js"} == {
        "rtl.js", "server/utils/app.ts", "lib/index.js", "tools/make.js"}
    assert [(s.path, s.reason) for s in skipped] == [
        ("backend", "build output (server/tsconfig.server.json compiles its TypeScript into "
                    "this folder)")]


def test_an_out_dir_with_more_scripts_than_the_config_compiles_is_source(tmp_path: Path
                                                                          ) -> None:
    # CryptPad: tsconfig.json compiles src/ (a few .ts files) into www/common/, which holds
    # two hundred scripts of its own: source, walked. With allowJs the config compiles its
    # JavaScript too (Strider's lib/ into dist-lib/): output.
    scripts = {f"www/common/s{i}.js": LIB for i in range(5)}
    root = write_tree(tmp_path / "pad", {
        "package.json": '{"name": "pad"}\n',
        "tsconfig.json": '{"compilerOptions": {"outDir": "./www/common"}, '
                         '"include": ["src/**/*"]}\n',
        "src/worker.ts": "export const w = 1;\n",
        **scripts,
    })
    assert compiled_out_dirs(root) == {}
    assert {f"www/common/s{i}.js" for i in range(5)} <= walked(root)
    root = write_tree(tmp_path / "strider", {
        "package.json": '{"name": "strider"}\n',
        "tsconfig.json": '{"compilerOptions": {"allowJs": true, "outDir": "dist-lib"}}\n',
        **{f"lib/m{i}.js": LIB for i in range(4)}, "lib/types.ts": "export type T = 1;\n",
        **{f"dist-lib/m{i}.js": LIB for i in range(4)}, "dist-lib/types.js": LIB,
    })
    assert compiled_out_dirs(root) == {"dist-lib": "tsconfig.json"}
