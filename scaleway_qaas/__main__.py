"""``python -m scaleway_qaas``: the ``scaleway-qaas`` command."""

import sys

from .cli import main

sys.exit(main())
