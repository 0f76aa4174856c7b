"""pytest wiring for the example: load heaphunt's pytest plugin.

In your own project, make heaphunt's Python package importable (after
`make install` it is in <prefix>/share/heaphunt/python; put that on
PYTHONPATH) and add the `pytest_plugins` line below to your top-level
conftest.py, or pass `-p heaphunt.pytest_plugin` to pytest.  Here the source
tree's copy of the package is used, so the example runs without installing.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "python"))

pytest_plugins = ["heaphunt.pytest_plugin"]
