"""Test programs with hand-derived counts, run under heaphunt and DHAT.

Each program in tests/programs/ states in its header comment what the tool
must report (see heaphunt_testlib.parse_expectations).  For every program:

- the hand-derived numbers are checked against DHAT (so the derivation
  itself is validated by an independent oracle) and against heaphunt, both
  its stderr summary and its JSON profile;
- heaphunt's summary and per-site numbers must equal DHAT's on the same
  binary, for every number whose meaning the two tools share.
"""

from __future__ import annotations

import pytest

import heaphunt_testlib as lib

PROGRAMS = lib.programs_with_expectations()
TOOLS = ["heaphunt", "dhat"]


def _programs_stating(kind: str) -> list[str]:
    """Programs whose Expected block states sites, accs or stdout; the
    others get no such test at all (rather than a skipped one)."""
    names = []
    for name in PROGRAMS:
        try:
            if getattr(lib.parse_expectations(name), kind):
                names.append(name)
        except lib.TestSetupError:
            names.append(name)  # let the test report the unreadable block
    return names


def _site_matches(site_key: str, frames: list[str]) -> bool:
    """"leaf/caller" matches a site whose first frames are in leaf, caller."""
    wanted = site_key.split("/")
    functions = [lib.frame_function(f) for f in frames[: len(wanted)]]
    return functions == wanted


def _site_numbers(run: lib.ToolRun, site_key: str) -> dict[str, int]:
    total: dict[str, int] = {}
    matched = 0
    for site in run.sites:
        if _site_matches(site_key, site.frames):
            matched += 1
            for field, value in site.numbers.items():
                total[field] = total.get(field, 0) + value
    assert matched, (f"{run.tool}: no site whose frames start with {site_key}; sites:\n"
                     + "\n".join(" > ".join(s.frames[:3]) for s in run.sites))
    return total


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("program", PROGRAMS)
def test_program_exits_zero(program_runs, program: str, tool: str) -> None:
    run = program_runs.get(tool, program)
    assert run.returncode == 0, run.describe()


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("program", PROGRAMS)
def test_summary_matches_hand_derivation(program_runs, program: str, tool: str) -> None:
    expected = lib.parse_expectations(program).summary
    run = program_runs.get(tool, program)
    assert run.summary is not None, f"no summary on stderr\n{run.describe()}"
    diff = lib.diff_numbers(expected, run.summary)
    assert not diff, f"{tool} stderr summary of {program} differs from the hand derivation:\n{diff}"


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("program", _programs_stating("sites"))
def test_sites_match_hand_derivation(program_runs, program: str, tool: str) -> None:
    expected_sites = lib.parse_expectations(program).sites
    run = program_runs.get(tool, program)
    problems = []
    for site_key, expected in expected_sites.items():
        diff = lib.diff_numbers(expected, _site_numbers(run, site_key))
        if diff:
            problems.append(f"site {site_key}:\n{diff}")
    assert not problems, f"{tool} per-site numbers of {program}:\n" + "\n".join(problems)


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("program", _programs_stating("accs"))
def test_acc_histogram_matches_hand_derivation(program_runs, program: str, tool: str) -> None:
    expected_accs = lib.parse_expectations(program).accs
    run = program_runs.get(tool, program)
    for function, expected in expected_accs.items():
        got = run.site_acc(function)
        assert got == expected, (
            f"{tool} acc of site {function} in {program}:\n"
            f"  expected {expected}\n  got      {got}")


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("program", _programs_stating("stdout"))
def test_stdout_matches_hand_derivation(program_runs, program: str, tool: str) -> None:
    expected_stdout = lib.parse_expectations(program).stdout
    run = program_runs.get(tool, program)
    assert run.stdout.strip() == expected_stdout


@pytest.mark.parametrize("program", PROGRAMS)
def test_json_totals_match_hand_derivation(program_runs, program: str) -> None:
    expected = lib.parse_expectations(program).summary
    run = program_runs.get("heaphunt", program)
    assert run.profile is not None, f"no parsable profile\n{run.describe()}"
    diff = lib.diff_numbers(expected, lib.json_totals(run))
    assert not diff, f"heaphunt hhTotals of {program} differ from the hand derivation:\n{diff}"


@pytest.mark.parametrize("program", PROGRAMS)
def test_json_totals_equal_stderr_summary(program_runs, program: str) -> None:
    run = program_runs.get("heaphunt", program)
    assert run.profile is not None and run.summary is not None, run.describe()
    diff = lib.diff_numbers(run.summary, lib.json_totals(run))
    assert not diff, f"hhTotals (got) vs stderr summary (expected) of {program}:\n{diff}"


@pytest.mark.parametrize("program", PROGRAMS)
def test_sites_add_up_to_totals(program_runs, program: str) -> None:
    run = program_runs.get("heaphunt", program)
    assert run.profile is not None, run.describe()
    diff = lib.diff_numbers(lib.json_totals(run), lib.pps_totals(run))
    assert not diff, f"sum over pps (got) vs hhTotals (expected) of {program}:\n{diff}"


@pytest.mark.parametrize("program", PROGRAMS)
def test_summary_equals_dhat(program_runs, program: str) -> None:
    dhat = program_runs.get("dhat", program)
    heaphunt = program_runs.get("heaphunt", program)
    assert dhat.summary is not None, dhat.describe()
    assert heaphunt.summary is not None, heaphunt.describe()
    diff = lib.diff_numbers(dhat.summary, heaphunt.summary)
    assert not diff, f"heaphunt (got) vs DHAT (expected) summary of {program}:\n{diff}"


def _compare_sites_with_dhat(program_runs, program: str, fields: tuple[str, ...]) -> None:
    dhat = program_runs.get("dhat", program).sites_by_stack()
    heaphunt = program_runs.get("heaphunt", program).sites_by_stack()
    assert set(heaphunt) == set(dhat), (
        "sites differ:\n  only in heaphunt: "
        + repr(sorted(set(heaphunt) - set(dhat)))
        + "\n  only in DHAT: " + repr(sorted(set(dhat) - set(heaphunt))))
    problems = []
    for stack, numbers in dhat.items():
        diff = lib.diff_numbers({f: numbers[f] for f in fields}, heaphunt[stack])
        if diff:
            problems.append(f"site {' > '.join(stack[:3])}: (expected = DHAT)\n{diff}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("program", PROGRAMS)
def test_sites_equal_dhat(program_runs, program: str) -> None:
    """Same sites (frames with preload frames removed) and, per site, the
    same tb, tbk, gb, gbk, eb, ebk, rb and wb as DHAT."""
    _compare_sites_with_dhat(program_runs, program,
                             ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb"))


# Programs whose blocks live across str/mem calls (heaphunt's replacements
# run a few more instructions than DHAT's, to report copies) or across
# other threads (scheduling follows instruction counts) cannot have DHAT's
# exact lifetimes; every other program must.
CLOCK_SENSITIVE = {"threads", "thread_stacks", "stack_in_heap", "export_mix"} | {p for p in PROGRAMS if p.startswith("strmem_")}


@pytest.mark.parametrize("program", [p for p in PROGRAMS
                                     if p not in CLOCK_SENSITIVE])
def test_site_lifetimes_equal_dhat(program_runs, program: str) -> None:
    """Per site, the same total lifetime (tl, in instructions) as DHAT: the
    two tools' clocks count the same instructions."""
    _compare_sites_with_dhat(program_runs, program, ("tl",))


@pytest.mark.parametrize("program", PROGRAMS)
def test_acc_histograms_equal_dhat(program_runs, program: str) -> None:
    """Where DHAT writes a histogram for a site, heaphunt writes the same."""
    dhat = program_runs.get("dhat", program)
    heaphunt = program_runs.get("heaphunt", program)
    heaphunt_accs = {tuple(s.frames): s.acc for s in heaphunt.sites}
    problems = []
    for site in dhat.sites:
        if site.acc is None or any(v >= 0xFFFF for v in site.acc):
            continue  # DHAT wraps counts above 65535; heaphunt saturates
        got = heaphunt_accs.get(tuple(site.frames))
        if got != site.acc:
            problems.append(f"site {' > '.join(site.frames[:2])}:\n"
                            f"  DHAT     {site.acc}\n  heaphunt {got}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("program", PROGRAMS)
def test_no_acc_histogram_where_dhat_has_none(program_runs, program: str) -> None:
    """Where DHAT writes no histogram for a site, heaphunt writes none
    either (whether a site keeps one depends on the order in which its
    blocks retire: retire_order.c)."""
    dhat = program_runs.get("dhat", program)
    heaphunt = program_runs.get("heaphunt", program)
    dhat_accs = {tuple(s.frames): s.acc for s in dhat.sites}
    problems = [f"site {' > '.join(site.frames[:2])}: heaphunt {site.acc}, DHAT none"
                for site in heaphunt.sites
                if site.acc is not None and tuple(site.frames) in dhat_accs
                and dhat_accs[tuple(site.frames)] is None]
    assert not problems, "\n".join(problems)
