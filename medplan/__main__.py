"""``python -m medplan``: the same command line as ``medplan``."""

import sys

from medplan.cli import main

sys.exit(main())
