"""`python -m ftkit audit ...`: the same command line as the `ftkit` script."""

import sys

from ftkit.data_quality.cli import main

sys.exit(main())
