"""Run a program under heaphunt and load the profile it writes.

Which Valgrind: the `valgrind` argument, else $HEAPHUNT_VG, else the build
tree's ./vg-in-place when this package runs from a source tree (it sits at
<repo>/python/heaphunt, the runner at <repo>/vg-in-place), else `valgrind`
on PATH.  The profile goes to a fresh temporary directory as
heaphunt.out.%p; a program that forks leaves one file per process, and the
one of the first process (whose pid opens Valgrind's stderr lines) is the
result's `profile`, all of them in `profiles`.  With `out_file` (the CLI's
`run`), the profiles go where the user asked instead, and stay: the path
Valgrind prints at exit is then a file the user can open.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Mapping, Sequence

from .profile import Profile, ProfileError, load

_PID_RE = re.compile(r"^==(\d+)==", re.MULTILINE)
# Valgrind's file-name expansion: %p, %q{VAR}, %%; anything else after a %
# (%n, a bad sequence) is left to Valgrind to accept or refuse.
_OUT_FILE_PART_RE = re.compile(r"%p|%q\{([^}]*)\}|%%|%")
# A file older than the run by more than this was not written by it (the
# slack covers file systems that store whole seconds).
_MTIME_SLACK_S = 2.0


class RunError(Exception):
    """Valgrind could not be started or wrote no profile; one line."""


@dataclasses.dataclass
class RunResult:
    profile: Profile
    returncode: int
    stderr: str
    stdout: str = ""
    profiles: list[Profile] = dataclasses.field(default_factory=list)
    command: list[str] = dataclasses.field(default_factory=list)


def fixed_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A small fixed environment for deterministic counts: interpreters and
    libc allocate per environment variable, so an inherited environment makes
    counts depend on the caller's shell (see docs/testing.md)."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/nonexistent",
        "LC_ALL": "C",
        "LANG": "C",
        "TZ": "UTC",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        # Perl randomises its hash seed and key order per process too.
        "PERL_HASH_SEED": "0",
        "PERL_PERTURB_KEYS": "0",
    }
    if extra:
        env.update(extra)
    return env


def source_tree_runner() -> Path | None:
    runner = Path(__file__).resolve().parent.parent.parent / "vg-in-place"
    return runner if runner.is_file() and os.access(runner, os.X_OK) else None


def find_valgrind(explicit: str | os.PathLike[str] | None = None) -> str:
    if explicit:
        return str(explicit)
    env_runner = os.environ.get("HEAPHUNT_VG")
    if env_runner:
        return env_runner
    local = source_tree_runner()
    if local is not None:
        return str(local)
    on_path = shutil.which("valgrind")
    if on_path:
        return on_path
    raise RunError("no valgrind found: build heaphunt (./vg-in-place), install it, "
                   "or set HEAPHUNT_VG to a valgrind that has --tool=heaphunt")


def _main_pid(stderr: str) -> int | None:
    m = _PID_RE.search(stderr)
    return int(m.group(1)) if m else None


def expand_out_file(template: str, pid: int, env: Mapping[str, str]) -> str | None:
    """The name Valgrind makes of --heaphunt-out-file=TEMPLATE in process
    PID, or None if it cannot be told from here (%n, an unset %q{VAR})."""
    unknown = False

    def part(m: re.Match) -> str:
        nonlocal unknown
        text = m.group(0)
        if text == "%p":
            return str(pid)
        if text == "%%":
            return "%"
        if m.group(1) is not None and m.group(1) in env:
            return env[m.group(1)]
        unknown = True
        return text
    name = _OUT_FILE_PART_RE.sub(part, template)
    return None if unknown else name


def run(argv: Sequence[str], *, options: Sequence[str] = (),
        env: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None,
        valgrind: str | os.PathLike[str] | None = None,
        capture_output: bool = True, timeout_s: float | None = None,
        save_to: str | os.PathLike[str] | None = None,
        out_file: str | None = None) -> RunResult:
    """Run argv under `valgrind --tool=heaphunt [options]` and load its profile.

    env None inherits this process's environment; pass fixed_env() for
    counts that do not depend on the caller.  With capture_output False the
    program's stdout and stderr go to ours (the CLI's `run`).  save_to keeps
    a copy of the chosen profile file (the temporary directory is removed).
    out_file is a --heaphunt-out-file template (%p, %q{VAR}, %%, relative to
    cwd): the profiles are written there and kept, and `profiles` holds only
    the first process's.
    Raises RunError if Valgrind cannot start or writes no profile, and
    ProfileError if the profile is bad.
    """
    if not argv:
        raise RunError("no program to run")
    vg = find_valgrind(valgrind)
    if out_file is not None:
        done = _run_valgrind(vg, argv, options, env, cwd, capture_output, timeout_s, out_file)
        name = expand_out_file(out_file, done.main_pid, env if env is not None else os.environ)
        path = Path(cwd or ".") / name if name is not None else None
        if path is None or not _written_since(path, done.started):
            where = f"as {path}" if path is not None else f"that heaphunt can find ({out_file})"
            raise RunError(done.no_profile_message(where))
        profile = load(path)
        return done.result(profile, [profile])
    with tempfile.TemporaryDirectory(prefix="heaphunt-run-") as tmp:
        done = _run_valgrind(vg, argv, options, env, cwd, capture_output, timeout_s,
                             os.path.join(tmp, "heaphunt.out.%p"))
        files = sorted(Path(tmp).glob("heaphunt.out.*"),
                       key=lambda f: (not f.name.split(".")[-1].isdigit(), f.name))
        files = [f for f in files if not f.name.endswith(".tmp")]
        if not files:
            raise RunError(done.no_profile_message())
        profiles = [load(f) for f in files]
        chosen = next((p for p in profiles if p.pid == done.main_pid), None)
        if chosen is None:
            chosen = min(profiles, key=lambda p: p.pid)
        if save_to is not None:
            try:
                shutil.copyfile(chosen.path, save_to)
            except OSError as e:
                raise RunError(f"cannot save the profile as {save_to}: {e.strerror or e}") from None
            chosen.path = str(save_to)
        return done.result(chosen, profiles)


@dataclasses.dataclass
class _Finished:
    """A finished Valgrind run, before its profile is looked for."""
    vg: str
    argv: Sequence[str]
    command: list[str]
    started: float             # time.time() before the start
    returncode: int
    stdout: str
    stderr: str
    main_pid: int              # the first process's pid

    def no_profile_message(self, where: str = "") -> str:
        last = self.stderr.strip().splitlines()[-1:] if self.stderr.strip() else []
        hint = f"; valgrind said: {last[0]}" if last else ""
        return (f"valgrind ({self.vg}) wrote no profile{' ' + where if where else ''}"
                f" for {' '.join(self.argv)} (exit status {self.returncode}){hint}")

    def result(self, profile: Profile, profiles: list[Profile]) -> RunResult:
        return RunResult(profile=profile, returncode=self.returncode, stderr=self.stderr,
                         stdout=self.stdout, profiles=profiles, command=self.command)


def _run_valgrind(vg: str, argv: Sequence[str], options: Sequence[str],
                  env: Mapping[str, str] | None, cwd: str | os.PathLike[str] | None,
                  capture_output: bool, timeout_s: float | None, out_file: str) -> _Finished:
    """Run argv under Valgrind with --heaphunt-out-file=out_file.  The first
    process is the pid that opens Valgrind's stderr lines or, when stderr is
    not captured, the pid we started (vg-in-place and Debian's valgrind
    script exec into Valgrind, which keeps it)."""
    cmd = [vg, "--tool=heaphunt", f"--heaphunt-out-file={out_file}", *options, *argv]
    pipe = subprocess.PIPE if capture_output else None
    started = time.time()
    try:
        proc = subprocess.Popen(cmd, env=dict(env) if env is not None else None,
                                cwd=cwd, stdout=pipe, stderr=pipe)
    except OSError as e:
        raise RunError(f"cannot run {vg}: {e.strerror or e}") from None
    try:
        out_bytes, err_bytes = proc.communicate(timeout=timeout_s)
    except KeyboardInterrupt:
        proc.wait()  # Ctrl-C reached Valgrind too: let it write the profile
        raise
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RunError(f"{' '.join(argv)} did not finish within {timeout_s} s") from None
    stdout = out_bytes.decode("utf-8", "replace") if capture_output else ""
    stderr = err_bytes.decode("utf-8", "replace") if capture_output else ""
    return _Finished(vg=vg, argv=argv, command=cmd, started=started,
                     returncode=proc.returncode, stdout=stdout, stderr=stderr,
                     main_pid=_main_pid(stderr) or proc.pid)


def _written_since(path: Path, started: float) -> bool:
    try:
        return path.stat().st_mtime >= started - _MTIME_SLACK_S
    except OSError:
        return False

__all__ = ["RunError", "RunResult", "expand_out_file", "fixed_env", "find_valgrind", "run",
           "ProfileError"]
