"""``python -m layers``: the data staff's command line (:mod:`layers.cli`)."""

import sys

from layers.cli import main

sys.exit(main())
