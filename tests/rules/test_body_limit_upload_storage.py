"""body-limit: multer's storage read through a name. `const storage = multer.memoryStorage()`
given as `{ storage }` holds files in memory like the inline call; a storage the file cannot
resolve (imported, a parameter, reassigned) is never taken to be on disk, so its bound is
reported from 50mb, without a fix; and one lookup of the file's bindings serves every call."""

from __future__ import annotations

from _complexity import growth
from conftest import each_place, found

from nodeharden import check

PJ = '{"name": "t", "dependencies": {"express": "^5.1.0", "multer": "^2.0.2"}}\n'


def test_storage_names_are_resolved_and_unknown_storage_is_not_disk(project) -> None:
    root = project({
        "package.json": PJ,
        "upload.js": """
            const multer = require('multer');
            const s3 = require('./s3');
            const storage = multer.memoryStorage();
            let later = multer.diskStorage({ destination: 'tmp/' });
            later = multer.memoryStorage();
            const disk = multer.diskStorage({ destination: 'tmp/' });
            exports.a = multer({ storage, limits: { fileSize: 1024 * 1024 * 1024 } });
            exports.b = multer({ storage: later, limits: { fileSize: 1024 * 1024 * 1024 } });
            exports.c = multer({ storage: s3.engine, limits: { fileSize: 1024 * 1024 * 1024 } });
            exports.d = (engine) => multer({ storage: engine, limits: { fileSize: 200 * 1024 * 1024 } });
            exports.e = multer({ storage: disk, limits: { fileSize: 1024 * 1024 * 1024 } });
            exports.f = multer({ storage: s3.engine, limits: { fileSize: 20 * 1024 * 1024 } });
        """,
    })
    # 7: memory through the name; 8: a name reassigned; 9: a member; 10: a parameter. 11: disk
    # storage through a const, a 1gb bound is the maintainers'. 12: 20mb is below 50mb.
    assert found(root, ["body-limit"]) == {("body-limit", "upload.js", n) for n in (7, 8, 9, 10)}
    # Only the storage known to be memory gets a fix; the others may be the maintainers' bound.
    fixed = {f.line for f in each_place(check(root, select=["body-limit"]).findings)
             if f.fix is not None}
    assert fixed == {7}


def test_bounds_read_through_names_take_one_walk_per_file(project) -> None:
    def make(count: int):
        lines = ["const multer = require('multer');",
                 "const disk = multer.diskStorage({ destination: 'tmp/' });",
                 "const BOUND = 2 * 1024 * 1024 * 1024;"]
        lines += [f"exports.u{i} = multer({{ storage: disk, limits: {{ fileSize: BOUND }} }});"
                  for i in range(count)]
        root = project({"package.json": PJ, "big.js": "\n".join(lines) + "\n"}, f"n{count}")
        return lambda: found(root, ["body-limit"])

    # Counted work, not time: 4 times the calls costs about 4 times the steps (a walk of the
    # file per call would cost about 16 times).
    _, findings = growth(make, 40)
    assert findings == set()
