"""Allow ``python -m brewctl``."""

from brewctl.cli import main

raise SystemExit(main())
