#!/usr/bin/env python3
"""Write viewer/js/rules.js from python/heaphunt/rules.json.

    scripts/gen-viewer-rules.py            # rewrite viewer/js/rules.js
    scripts/gen-viewer-rules.py --check    # exit 1 if it is out of date

The viewer opens from file://, where a page cannot fetch() a JSON file
beside it, so it loads the rules as a script: the same JSON, checked by the
Python package's loader, wrapped in HH.define("rules", ...).  rules.json is
the one source; edit it and run this script (tests/test_findings_parity.py
fails while the two differ).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "python"))

from heaphunt.rules import RULES_PATH, RulesError, parse_rules  # noqa: E402

OUT = REPO / "viewer" / "js" / "rules.js"

HEADER = """\
/* rules.js: the findings rules, GENERATED from python/heaphunt/rules.json by
   scripts/gen-viewer-rules.py: edit rules.json and run the script, not this
   file.  The thresholds of every finding kind and the expressions that tell
   allocation wrappers and library frames from the program's own, shared
   with `heaphunt report` (docs/findings.md explains each). */
"use strict";
HH.define("rules", [], function () {
    return """


def render(data: dict) -> str:
    body = json.dumps(data, indent=4, ensure_ascii=True)
    body = body.replace("\n", "\n    ")
    return HEADER + body + ";\n});\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only check that rules.js is current")
    args = ap.parse_args()
    data = json.loads(RULES_PATH.read_text())
    try:
        parse_rules(data, str(RULES_PATH))
    except RulesError as e:
        print(f"gen-viewer-rules: {e}", file=sys.stderr)
        return 1
    text = render(data)
    if args.check:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"gen-viewer-rules: {OUT.relative_to(REPO)} is out of date; run "
                  "scripts/gen-viewer-rules.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"{OUT.relative_to(REPO)} written from {RULES_PATH.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
