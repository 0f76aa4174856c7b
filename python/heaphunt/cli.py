"""The `heaphunt` command: report, diff, check, merge, export, view, run.

`main(argv)` parses the arguments (argparse, one sub-parser per command),
calls the command's function, and returns its exit status.  User errors --
a bad option, a file that is missing, malformed or of the wrong kind -- go
through `die()`: one line on stderr, "heaphunt: <what is wrong>", exit
status 2, never a traceback.  `check` exits 1 when a limit is exceeded.
The commands compute with the pure functions of the other modules and print
their lines here.
"""

from __future__ import annotations

import argparse
import os
import sys
import webbrowser
from pathlib import Path
from typing import Callable, NoReturn, Sequence

from . import __version__
from .budgets import BudgetError, load_budgets
from .check import (DEFAULT_GROWTH_METRIC, GLOBAL_LIMITS, Limit, LimitSyntaxError, evaluate,
                    growth_limits, growth_metric_key, missing_data, parse_site_limit,
                    result_lines)
from .ci_output import github_lines, junit_xml
from .diff import diff_lines
from .exports import FORMATS, export_bytes, metric_total
from .findings import KINDS
from .metrics import Metric, find_metric, metric_names
from .profile import Profile, ProfileError, load
from .report import ReportOptions, report_lines
from .rules import Rules, RulesError, default_rules, with_frames
from .runner import RunError, run as run_under_valgrind
from .textfmt import plural
from .view import find_viewer_dir, make_server, viewer_url
from .writer import (ExportError, MergeError, export_copy_mode, merge_profiles, write_bytes,
                     write_json)

PROG = "heaphunt"
EXIT_OK = 0
EXIT_OVER_LIMIT = 1
EXIT_BAD_INPUT = 2

DEFAULT_SORT = "total-bytes"
DEFAULT_TOP = 10
DEFAULT_STACK_FRAMES = 5
DEFAULT_FINDINGS = 20
# Where `run` writes the profile unless -o says: Valgrind's own default, so
# that the path it prints at exit is the file the user then has.
RUN_DEFAULT_OUT_FILE = "heaphunt.out.%p"


def die(message: str) -> NoReturn:
    """Report a user error in one line and exit with status 2."""
    print(f"{PROG}: {' '.join(message.split())}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line through die()."""

    def error(self, message: str) -> NoReturn:
        sub = self.prog[len(PROG):].strip()
        where = f" {sub}" if sub else ""
        die(f"{message} (see '{PROG}{where} --help')")


def _non_negative(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def _percentage(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage >= 0")
    return value


def _metric(text: str) -> Metric:
    metric = find_metric(text)
    if metric is None:
        raise argparse.ArgumentTypeError(
            f"unknown metric {text!r}; one of: {', '.join(metric_names())}"
            " (or a JSON key such as tb, eb, hhCopyOutB)")
    return metric


def _load(path: str) -> Profile:
    try:
        return load(path)
    except ProfileError as e:
        die(str(e))


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------

def _print_lines(lines: list[str]) -> None:
    sys.stdout.write("\n".join(lines) + "\n")


def _rules(args: argparse.Namespace) -> Rules:
    """rules.json with the user's --skip-frames and --keep-frames."""
    try:
        return with_frames(default_rules(), args.skip_frames, args.keep_frames)
    except RulesError as e:
        die(str(e))


def _report_options(args: argparse.Namespace) -> ReportOptions:
    return ReportOptions(metric=args.sort, top=args.top, stack_frames=args.stacks,
                         filter_text=args.filter, show_findings=not args.no_findings,
                         max_findings=args.findings, kind=args.kind, rules=_rules(args))


def cmd_report(args: argparse.Namespace) -> int:
    opts = _report_options(args)
    profile = _load(args.file)
    _print_lines(report_lines(profile, opts))
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    rules = _rules(args)
    a = _load(args.a)
    b = _load(args.b)
    _print_lines(diff_lines(a, b, args.sort, args.top, args.filter, rules))
    return EXIT_OK


def _check_limits(args: argparse.Namespace) -> list[Limit]:
    limits: list[Limit] = []
    for dest, (key, words) in GLOBAL_LIMITS.items():
        value = getattr(args, dest)
        if value is not None:
            limits.append(Limit(words, key, value))
    if args.max_growth_bytes is not None or args.max_growth_percent is not None:
        try:
            key = growth_metric_key(args.metric or DEFAULT_GROWTH_METRIC)
        except LimitSyntaxError as e:
            die(str(e))
        limits += growth_limits(key, args.max_growth_bytes, args.max_growth_percent)
    elif args.metric is not None:
        die("--metric: names what --max-growth-bytes/--max-growth-percent measure;"
            " add one of them")
    for text in args.site or []:
        try:
            limits.append(parse_site_limit(text))
        except LimitSyntaxError as e:
            die(str(e))
    if args.budgets is not None:
        try:
            limits += load_budgets(args.budgets)
        except BudgetError as e:
            die(str(e))
    return limits


def _write_text(text: str, path: str, option: str) -> None:
    """The whole file or none: a temporary name in the same directory, renamed."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        die(f"{option} {path}: cannot write: {e.strerror or e}")


def cmd_check(args: argparse.Namespace) -> int:
    limits = _check_limits(args)
    if not limits:
        die("check: no limits given; add e.g. --max-end-bytes 0, --site FUNC:eb<=0"
            " or --budgets FILE")
    needs_baseline = [lim for lim in limits if lim.needs_baseline]
    if needs_baseline and args.baseline is None:
        die(f"check: {needs_baseline[0].description} {needs_baseline[0].bound_text}"
            " is a growth limit: give the profile to compare with, --baseline OLD")
    if args.junit is not None:
        _check_output_path(args.junit, [args.file, *([args.baseline] if args.baseline else [])],
                           "--junit")
    rules = _rules(args)
    profile = _load(args.file)
    baseline = _load(args.baseline) if args.baseline is not None else None
    problem = missing_data(profile, limits)
    if problem is None and baseline is not None:
        problem = missing_data(baseline, needs_baseline)
    if problem:
        die(problem)
    results = evaluate(profile, limits, baseline, rules)
    failed = [r for r in results if not r.passed]
    if args.junit is not None:
        _write_text(junit_xml(results, profile.path, baseline.path if baseline else None),
                    args.junit, "--junit")
    n = len(limits)
    plural = "s" if n != 1 else ""
    against = f" (baseline {baseline.path})" if baseline is not None else ""
    if not failed:
        print(f"{PROG} check: {profile.path}{against}: OK, {n} limit{plural} met")
        return EXIT_OK
    print(f"{PROG} check: {profile.path}{against}: FAILED, {len(failed)} of {n}"
          f" limit{plural} exceeded")
    _print_lines(result_lines(results))
    if args.github:
        _print_lines(github_lines(results))
    return EXIT_OVER_LIMIT


def _check_output_path(out: str, inputs: list[str], option: str = "-o") -> None:
    out_path = Path(out)
    if out_path.is_dir():
        die(f"{option} {out}: is a directory; name the output file")
    if not out_path.parent.exists() and str(out_path.parent):
        die(f"{option} {out}: directory {out_path.parent} does not exist")
    for i in inputs:
        try:
            if Path(i).resolve() == out_path.resolve():
                die(f"{option} {out}: is also an input; write the output elsewhere")
        except OSError:
            pass


def _write(doc: dict, out: str) -> None:
    try:
        write_json(doc, out)
    except OSError as e:
        die(f"-o {out}: cannot write: {e.strerror or e}")


def cmd_merge(args: argparse.Namespace) -> int:
    _check_output_path(args.output, args.files)
    profiles = [_load(f) for f in args.files]
    try:
        doc = merge_profiles(profiles)
    except MergeError as e:
        die(str(e))
    _write(doc, args.output)
    print(f"{PROG} merge: {len(profiles)} profiles, {len(doc['pps'])} sites -> {args.output}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    if args.mode and args.metric:
        die("export: --metric goes with --format, not --mode=copy")
    _check_output_path(args.output, [args.file])
    profile = _load(args.file)
    if args.format:
        return _export_format(profile, args)
    try:
        doc = export_copy_mode(profile)
    except ExportError as e:
        die(str(e))
    _write(doc, args.output)
    print(f"{PROG} export: {len(doc['pps'])} copy sites -> {args.output}"
          " (open it in Valgrind's dh_view.html)")
    return EXIT_OK


_EXPORT_OPENERS = {
    "pprof": "go tool pprof -top {out}",
    "collapsed": "flamegraph.pl {out} > flame.svg, or speedscope {out}",
    "speedscope": "speedscope {out}, or load it in https://www.speedscope.app",
}


def _export_format(profile: Profile, args: argparse.Namespace) -> int:
    try:
        data, table, index = export_bytes(profile, args.format, args.metric)
    except ExportError as e:
        die(str(e))
    try:
        write_bytes(data, args.output)
    except OSError as e:
        die(f"-o {args.output}: cannot write: {e.strerror or e}")
    metric = table.metrics[index]
    if args.format == "collapsed":
        lines = data.count(b"\n")
        what = (f"stacks of {metric.name} ({metric.key}): {metric_total(table, index):,}"
                f" {metric.unit} in {plural(lines, 'line')}")
    else:
        copies = len(profile.copy_sites or [])
        what = (f"{len(table.metrics)} metrics ({metric.name} first), {len(profile.sites):,} sites"
                + (f" and {copies:,} copy sites" if copies else ""))
    print(f"{PROG} export: {args.format} {what} -> {args.output}"
          f" (open it with: {_EXPORT_OPENERS[args.format].format(out=args.output)})")
    return EXIT_OK


def cmd_view(args: argparse.Namespace) -> int:
    profile_path = Path(args.file)
    _load(args.file)  # a bad file is reported here, not in the browser
    viewer_dir = find_viewer_dir(args.viewer_dir)
    if viewer_dir is None:
        where = args.viewer_dir or ("the viewer installed with the package "
                                    "(<prefix>/share/heaphunt/viewer, or viewer/ in a source tree)")
        die(f"no viewer found ({where} has no index.html); pass --viewer-dir DIR")
    try:
        server = make_server(viewer_dir, profile_path.resolve(), args.port)
    except OSError as e:
        die(f"--port {args.port}: cannot listen on 127.0.0.1: {e.strerror or e}")
    url = viewer_url(server.server_address[1], profile_path.name)
    print(f"{PROG} view: serving {profile_path} at {url}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    if args.open:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


_RUN_OPTIONS_WITH_VALUE = {"--kind", "--skip-frames", "--keep-frames",
                           "--sort", "--filter", "--top", "--stacks", "--findings", "--valgrind",
                           "-o", "--output"}


def _split_run_args(rest: list[str]) -> tuple[list[str], list[str]]:
    """[opts...] -- PROG ARGS, or [opts...] PROG ARGS (PROG = first non-option)."""
    if "--" in rest:
        i = rest.index("--")
        return rest[:i], rest[i + 1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        if not arg.startswith("-"):
            return rest[:i], rest[i:]
        # "--top 3": the 3 is the option's value, not the program.
        i += 2 if arg in _RUN_OPTIONS_WITH_VALUE else 1
    return rest, []


def cmd_run(args: argparse.Namespace, rest: list[str]) -> int:
    own, program = _split_run_args(rest)
    run_parser = _Parser(prog=f"{PROG} run", add_help=False)
    _add_report_options(run_parser)
    run_parser.add_argument("--valgrind")
    run_parser.add_argument("-o", "--output")
    run_parser.add_argument("--no-pymalloc", action="store_true")
    known, valgrind_options = run_parser.parse_known_args(own)
    for opt in valgrind_options:
        if not opt.startswith("--"):
            die(f"run: {opt!r} is not an option; put the program after '--'")
        if opt.split("=", 1)[0] in ("--heaphunt-out-file", "--dhat-out-file"):
            die(f"run: {opt.split('=', 1)[0]}: give the profile's name as -o OUT")
    if not program:
        die("run: no program given; usage: heaphunt run [options] -- PROG ARGS")
    try:
        # CPython serves objects of up to 512 bytes from its own arenas
        # (pymalloc) unless PYTHONMALLOC=malloc: docs/interpreters.md.
        env = dict(os.environ, PYTHONMALLOC="malloc") if known.no_pymalloc else None
        result = run_under_valgrind(program, options=valgrind_options, env=env,
                                    valgrind=known.valgrind, capture_output=False,
                                    out_file=known.output or RUN_DEFAULT_OUT_FILE)
    except (RunError, ProfileError) as e:
        die(str(e))
    opts = _report_options(known)
    sys.stdout.flush()
    _print_lines(report_lines(result.profile, opts))
    return result.returncode


def _add_report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sort", type=_metric, default=find_metric(DEFAULT_SORT),
                   metavar="METRIC",
                   help=f"rank sites by METRIC (default {DEFAULT_SORT}); one of "
                        f"{', '.join(metric_names())}, or a JSON key (tb, eb, hhCopyOutB...)")
    p.add_argument("--filter", metavar="TEXT",
                   help="only sites with TEXT in any frame (function name or file:line)")
    p.add_argument("--top", type=_non_negative, default=DEFAULT_TOP, metavar="N",
                   help=f"show N sites (default {DEFAULT_TOP})")
    p.add_argument("--stacks", type=_non_negative, default=DEFAULT_STACK_FRAMES, metavar="N",
                   help=f"frames shown per site (default {DEFAULT_STACK_FRAMES}; 0 = none)")
    p.add_argument("--findings", type=_non_negative, default=DEFAULT_FINDINGS, metavar="N",
                   help=f"show at most N findings (default {DEFAULT_FINDINGS}; 0 = all)")
    p.add_argument("--no-findings", action="store_true", help="leave out the findings")
    p.add_argument("--kind", choices=KINDS, metavar="KIND",
                   help="list every finding of KIND, and no other (one of "
                        f"{', '.join(KINDS)})")
    _add_frame_options(p)


def _add_frame_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--skip-frames", action="append", default=[], metavar="REGEX",
                   help="frames matching REGEX are library code: a site is named by the first"
                        " frame past them (repeatable; adds to rules.json's, see"
                        " docs/findings.md)")
    p.add_argument("--keep-frames", action="append", default=[], metavar="REGEX",
                   help="frames matching REGEX are the program's, whatever else matches them"
                        " (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Read, compare and check heaphunt and DHAT "
                     "heap profiles (DHAT JSON, file version 2).")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("report", help="summary, top sites and findings of one profile")
    p.add_argument("file", metavar="FILE")
    _add_report_options(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("diff", help="per-site changes from profile A to profile B")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("--sort", type=_metric, default=find_metric(DEFAULT_SORT), metavar="METRIC",
                   help=f"compare METRIC (default {DEFAULT_SORT})")
    p.add_argument("--filter", metavar="TEXT", help="only sites with TEXT in any frame")
    p.add_argument("--top", type=_non_negative, default=DEFAULT_TOP * 2, metavar="N",
                   help="show the N largest changes (default 20)")
    _add_frame_options(p)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("check", help="exit 1 if the profile exceeds a limit (CI gate)")
    p.add_argument("file", metavar="FILE")
    for dest, (key, words) in GLOBAL_LIMITS.items():
        p.add_argument("--" + dest.replace("_", "-"), dest=dest, type=_non_negative,
                       metavar="N", help=f"at most N {words} ({key})")
    p.add_argument("--site", action="append", metavar="FUNC:METRIC<=N",
                   help="METRIC summed over the sites with FUNC in their stack is at most N"
                        " (<=+N, <=+P%%: grew at most N, P%% from --baseline); repeatable")
    p.add_argument("--baseline", metavar="OLD", help="the profile growth limits compare with")
    p.add_argument("--metric", metavar="METRIC",
                   help=f"what the growth limits measure (default {DEFAULT_GROWTH_METRIC})")
    p.add_argument("--max-growth-bytes", type=_non_negative, metavar="N",
                   help="METRIC grew at most N (its unit: bytes or blocks) from OLD")
    p.add_argument("--max-growth-percent", type=_percentage, metavar="P",
                   help="METRIC grew at most P%% from OLD")
    p.add_argument("--budgets", metavar="FILE", help="more limits, from a TOML budgets file")
    p.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML")
    p.add_argument("--github", action="store_true",
                   help="also print GitHub Actions annotations for limits exceeded")
    _add_frame_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("merge", help="merge profiles (fork servers, test suites) into one")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("export", help="write the profile for pprof, flame graphs or speedscope,"
                       " or a DHAT copy-mode file from its copy sites")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--format", choices=FORMATS,
                      help="pprof (gzipped profile.proto), collapsed (folded stacks of one"
                           " metric) or speedscope (JSON, one profile per metric)")
    what.add_argument("--mode", choices=["copy"],
                      help="copy: DHAT's copy-mode file, from heaphunt's copy sites")
    p.add_argument("--metric", metavar="METRIC",
                   help="collapsed: the metric to fold (default total-bytes); pprof and"
                        " speedscope: the one shown first (default gmax-bytes, in use at the"
                        " peak); a name or JSON key such as end-bytes, eb, reads, cb")
    p.add_argument("file", metavar="IN")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("view", help="serve the viewer and the profile on 127.0.0.1")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--port", type=_non_negative, default=0,
                   help="TCP port (default 0: any free port)")
    p.add_argument("--open", action="store_true", help="open the URL in a web browser")
    p.add_argument("--viewer-dir", metavar="DIR", help="the viewer's directory")
    p.set_defaults(func=cmd_view)

    p = sub.add_parser("run", help="run a program under valgrind --tool=heaphunt and report",
                       add_help=False,
                       usage="heaphunt run [report options] [--valgrind VG] [-o OUT] "
                             "[--valgrind-or-tool-options...] -- PROG [ARGS...]")
    p.set_defaults(func=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv:
        # A first try of the bare command: show the commands, not an error.
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    # `run` passes everything after its name through its own parsing: the
    # program's arguments must not be read as heaphunt options.
    if argv and argv[0] == "run":
        if argv[1:2] in (["-h"], ["--help"]):
            print(RUN_HELP)
            return EXIT_OK
        return _guard(lambda: cmd_run(argparse.Namespace(), argv[1:]))
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # argparse would send the user to the top-level help; the options
        # are the command's.
        die(f"{args.command}: unrecognized arguments: {' '.join(unknown)}"
            f" (see '{PROG} {args.command} --help')")
    return _guard(lambda: args.func(args))


def _guard(action: Callable[[], int]) -> int:
    try:
        return action()
    except BrokenPipeError:
        # `heaphunt report F | head`: the reader left; that is not an error.
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


RUN_HELP = """usage: heaphunt run [options] -- PROG [ARGS...]

Run PROG under valgrind --tool=heaphunt (the build tree's ./vg-in-place when
run from a source tree, else $HEAPHUNT_VG, else valgrind on PATH), then print
the report.  Options before '--':
  --sort METRIC, --filter TEXT, --top N, --stacks N, --findings N, --no-findings,
  --kind KIND, --skip-frames REGEX, --keep-frames REGEX
                  as for 'heaphunt report'
  --valgrind VG   the valgrind (or vg-in-place) to use
  -o OUT          write the profile as OUT (default heaphunt.out.%p, as
                  Valgrind does; %p is the pid: keep it if the program forks)
  --no-pymalloc   run with PYTHONMALLOC=malloc: CPython then mallocs every
                  object, so sites show objects of up to 512 bytes too
  --anything-else passed to valgrind (e.g. --num-callers=30, --histogram-max=0)
The exit status is the program's."""
