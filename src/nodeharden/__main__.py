"""Allow ``python -m nodeharden``."""

from nodeharden._cli import main

raise SystemExit(main())
