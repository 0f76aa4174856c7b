"""pytest wiring for the example, run from heaphunt's source tree.

Installed heaphunt (the Debian package, pip, make install) needs no conftest:
pytest loads the plugin through the package's entry point.  Here the source
tree's copy of the package is used instead, so that the example runs without
installing: its python/ goes first on sys.path and the plugin is loaded by
name.  (The repository's pyproject.toml passes `-p no:heaphunt`, so that an
installed copy's plugin does not load too.)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "python"))

pytest_plugins = ["heaphunt.pytest_plugin"]
