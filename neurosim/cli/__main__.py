"""``python -m neurosim.cli`` runs the command-line interface (same as ``neurosim``)."""

import sys

from .parser import main

sys.exit(main())
