"""``python -m scaleway_qaas.emulator``."""

import sys

from .cli import main

sys.exit(main())
