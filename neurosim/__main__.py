"""``python -m neurosim`` runs the command-line interface (same as ``neurosim``)."""

import sys

from .cli import main

sys.exit(main())
