"""`heaphunt check`'s results for CI systems: JUnit XML and GitHub annotations.

- JUnit XML (`--junit FILE`): one <testsuite> for the profile checked, one
  <testcase> per limit, named for the limit ("bytes at t-end <= 0"); a limit
  exceeded is a <failure> whose message is the expected-vs-got line and
  whose text lists the sites contributing most.  The shape is the one
  Jenkins, GitLab and GitHub test reporters read (the JUnit 4 / Ant schema:
  testsuites > testsuite > testcase > failure).
- GitHub Actions (`--github`): one `::error` workflow command per limit
  exceeded, on the source line of the site contributing most when the
  profile knows it, so the annotation shows in the pull request's diff.

Pure functions from check Results to text; cli.py writes them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .check import Result
from .textfmt import count, signed

JUNIT_CLASSNAME = "heaphunt.check"


def _case_name(r: Result) -> str:
    return f"{r.limit.description} {r.limit.bound_text}"


def _sites_text(r: Result) -> str:
    lines = []
    for c in r.responsible:
        value = signed(c.value) if r.limit.needs_baseline else count(c.value)
        lines.append(f"{value:>15}  {c.label}")
    return "\n".join(lines)


def junit_xml(results: list[Result], profile_path: str, baseline_path: str | None) -> str:
    failures = sum(1 for r in results if not r.passed)
    suites = ET.Element("testsuites", name="heaphunt check", tests=str(len(results)),
                        failures=str(failures), errors="0", time="0")
    suite = ET.SubElement(suites, "testsuite", name=f"heaphunt check {profile_path}",
                          tests=str(len(results)), failures=str(failures), errors="0",
                          skipped="0", time="0")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="profile", value=profile_path)
    if baseline_path is not None:
        ET.SubElement(props, "property", name="baseline", value=baseline_path)
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=JUNIT_CLASSNAME, name=_case_name(r),
                             time="0")
        if not r.passed:
            failure = ET.SubElement(case, "failure", message=r.message(), type="limit exceeded")
            failure.text = f"{r.limit.description}: {r.message()}\n{_sites_text(r)}".rstrip()
        else:
            out = ET.SubElement(case, "system-out")
            out.text = f"{r.limit.description}: {r.message()}"
    ET.indent(suites)
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + ET.tostring(suites, "unicode") + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(results: list[Result]) -> list[str]:
    """`::error file=F,line=L,title=T::message` per limit exceeded."""
    lines = []
    for r in results:
        if r.passed:
            continue
        props = []
        located = next((c for c in r.responsible if c.location), None)
        if located is not None:
            file, _, line = located.location.rpartition(":")
            props += [f"file={_escape_property(file)}", f"line={_escape_property(line)}"]
        props.append(f"title={_escape_property('heaphunt check: ' + r.limit.description)}")
        body = f"{r.limit.description}: {r.message()}"
        sites = _sites_text(r)
        if sites:
            body += "\n" + sites
        lines.append(f"::error {','.join(props)}::{_escape_data(body)}")
    return lines
