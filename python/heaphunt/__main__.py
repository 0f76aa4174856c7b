"""`python3 -m heaphunt ...`: the heaphunt command."""

import sys

from .cli import main

sys.exit(main())
