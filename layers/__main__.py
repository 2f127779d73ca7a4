import sys

from layers.cli import main

sys.exit(main())
