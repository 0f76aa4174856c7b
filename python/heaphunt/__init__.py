"""heaphunt: read, compare and check heap profiles; run programs under heaphunt.

The library side of the `heaphunt` command.  For tests:

    import heaphunt
    result = heaphunt.run(["./prog", "arg"], env=heaphunt.fixed_env())
    heaphunt.assert_totals(result.profile, blocks=10, bytes=1000, end_bytes=0)
    heaphunt.assert_site(result.profile, "make_event", bytes=640, blocks=10)

    p = heaphunt.load("heaphunt.out.1234")      # any DHAT v2 file too
    for f in heaphunt.find_findings(p): print(f.sentence)

Modules: profile (loading and checking files), metrics (sort metrics),
findings, report / diff / check (the commands' text), writer (merge and
export --mode=copy), exports (pprof, collapsed stacks, speedscope), view
(local web server), runner (Valgrind), asserts, cli, and pytest_plugin (the
`heaphunt` fixture).
"""

__version__ = "0.1.0"

from .asserts import assert_site, assert_totals  # noqa: E402
from .findings import Finding, find_all as find_findings  # noqa: E402
from .profile import (CopySite, Checkpoint, Profile, ProfileError, Site,  # noqa: E402
                      Timeline, Totals, load, loads)
from .runner import RunError, RunResult, fixed_env, run  # noqa: E402

__all__ = [
    "__version__", "load", "loads", "run", "fixed_env", "assert_totals", "assert_site",
    "find_findings", "Finding", "Profile", "Site", "CopySite", "Timeline", "Checkpoint",
    "Totals", "ProfileError", "RunError", "RunResult",
]
