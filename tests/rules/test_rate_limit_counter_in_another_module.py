"""rate-limit: a limiter the project writes itself whose count is kept by another project
module, one call away (a MongoDB ``$inc`` upsert with an expiry in a model, the bound and
the 429 in the middleware that calls it). A counter nothing answers 429 for, or a 429 with
no counter behind it, is still no limiter."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import found, write_tree

APP = """\
    import express from 'express';
    import { throttle } from './http/throttle';
    const app = express();
    app.use(throttle(20));
    app.get('/blocks', (req, res) => res.json([]));
    app.listen(4000);
"""

# The middleware: bound and 429, the count asked of the model.
THROTTLE = """\
    import { Request, Response, NextFunction } from 'express';
    import { Hits } from '../store/hits';

    export function throttle(maxPerMinute: number) {
      return async (req: Request, res: Response, next: NextFunction) => {
        const who = req.ip || '';
        const doc = await Hits.bump(who);
        if (doc.value.n > maxPerMinute) {
          return res.status(429).send('slow down');
        }
        return next();
      };
    }
"""

# The model: one counter document per client and minute, removed by a TTL index.
HITS_TTL = """\
    import { db } from './db';
    class HitStore {
      setup() {
        db.collection('hits').createIndex({ dropAt: 1 }, { expireAfterSeconds: 0 });
      }
      bump(who: string) {
        return db.collection('hits').findOneAndUpdate(
          { who },
          { $setOnInsert: { dropAt: new Date(Date.now() + 60000) }, $inc: { n: 1 } },
          { upsert: true, returnDocument: 'after' }
        );
      }
    }
    export const Hits = new HitStore();
"""

# Same, the window given by a time filter instead of a TTL.
HITS_WINDOW = """\
    import { db } from './db';
    export const Hits = {
      bump(who: string) {
        return db.collection('hits').findOneAndUpdate(
          { who, since: { $gte: new Date(Date.now() - 60000) } },
          { $inc: { n: 1 } },
          { upsert: true }
        );
      }
    };
"""

# A visit counter that never expires: not a rate counter.
HITS_FOREVER = """\
    import { db } from './db';
    export const Hits = {
      bump(who: string) {
        return db.collection('hits')
          .findOneAndUpdate({ who }, { $inc: { n: 1 } }, { upsert: true });
      }
    };
"""

# The middleware reads a value but answers no 429 over it.
THROTTLE_LOGS = THROTTLE.replace("return res.status(429).send('slow down');",
                                 "console.warn('busy client', who);")


def project(root: Path, hits: str, throttle: str = THROTTLE) -> Path:
    return write_tree(root, {
        "package.json": '{"name": "explorer", "dependencies": {"express": "^4.18.2",'
                        ' "mongodb": "^6.3.0"}}\n',
        "tsconfig.json": '{"compilerOptions": {"strict": true}}\n',
        "src/server.ts": APP,
        "src/http/throttle.ts": throttle,
        "src/store/hits.ts": hits,
        "src/store/db.ts": "export const db: any = null;\n",
    })


@pytest.mark.parametrize("hits", [HITS_TTL, HITS_WINDOW], ids=["ttl-index", "time-window"])
def test_limiter_with_its_counter_in_a_model_is_recognised(tmp_path: Path, hits: str) -> None:
    root = project(tmp_path, hits)
    assert found(root, ["rate-limit"]) == set()


@pytest.mark.parametrize("hits, throttle", [
    (HITS_FOREVER, THROTTLE),
    (HITS_TTL, THROTTLE_LOGS),
], ids=["counter-without-expiry", "no-429"])
def test_half_a_limiter_is_still_reported(tmp_path: Path, hits: str, throttle: str) -> None:
    root = project(tmp_path, hits, throttle)
    assert found(root, ["rate-limit"]) == {("rate-limit", "src/server.ts", 3)}


def test_limiter_that_nothing_mounts_is_still_reported(tmp_path: Path) -> None:
    root = project(tmp_path, HITS_TTL)
    (root / "src/server.ts").write_text(APP.replace("app.use(throttle(20));\n", "")
                                        .replace("    ", ""), encoding="utf-8")
    assert ("rate-limit", "src/server.ts", 3) in found(root, ["rate-limit"])
