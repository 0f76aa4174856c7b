"""Run a program under heaphunt and load the profile it writes.

Which Valgrind: the `valgrind` argument, else $HEAPHUNT_VG, else the build
tree's ./vg-in-place when this package runs from a source tree (it sits at
<repo>/python/heaphunt, the runner at <repo>/vg-in-place), else `valgrind`
on PATH.  The profile goes to a fresh temporary directory as
heaphunt.out.%p; a program that forks leaves one file per process, and the
one of the first process (whose pid opens Valgrind's stderr lines) is the
result's `profile`, all of them in `profiles`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Mapping, Sequence

from .profile import Profile, ProfileError, load

_PID_RE = re.compile(r"^==(\d+)==", re.MULTILINE)


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


def run(argv: Sequence[str], *, options: Sequence[str] = (),
        env: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None,
        valgrind: str | os.PathLike[str] | None = None,
        capture_output: bool = True, timeout_s: float | None = None,
        save_to: str | os.PathLike[str] | None = None) -> RunResult:
    """Run argv under `valgrind --tool=heaphunt [options]` and load its profile.

    env None inherits this process's environment; pass fixed_env() for
    counts that do not depend on the caller.  With capture_output False the
    program's stdout and stderr go to ours (the CLI's `run`).  save_to keeps
    a copy of the chosen profile file (the temporary directory is removed).
    Raises RunError if Valgrind cannot start or writes no profile, and
    ProfileError if the profile is bad.
    """
    if not argv:
        raise RunError("no program to run")
    vg = find_valgrind(valgrind)
    with tempfile.TemporaryDirectory(prefix="heaphunt-run-") as tmp:
        out_pattern = os.path.join(tmp, "heaphunt.out.%p")
        cmd = [vg, "--tool=heaphunt", f"--heaphunt-out-file={out_pattern}",
               *options, *argv]
        pipe = subprocess.PIPE if capture_output else None
        try:
            proc = subprocess.run(cmd, env=dict(env) if env is not None else None,
                                  cwd=cwd, stdout=pipe, stderr=pipe, timeout=timeout_s)
        except OSError as e:
            raise RunError(f"cannot run {vg}: {e.strerror or e}") from None
        except subprocess.TimeoutExpired:
            raise RunError(f"{' '.join(argv)} did not finish within {timeout_s} s") from None
        stdout = proc.stdout.decode("utf-8", "replace") if capture_output else ""
        stderr = proc.stderr.decode("utf-8", "replace") if capture_output else ""
        files = sorted(Path(tmp).glob("heaphunt.out.*"),
                       key=lambda f: (not f.name.split(".")[-1].isdigit(), f.name))
        files = [f for f in files if not f.name.endswith(".tmp")]
        if not files:
            last = stderr.strip().splitlines()[-1:] if stderr.strip() else []
            hint = f"; valgrind said: {last[0]}" if last else ""
            raise RunError(f"valgrind ({vg}) wrote no profile for {' '.join(argv)}"
                           f" (exit status {proc.returncode}){hint}")
        profiles = [load(f) for f in files]
        main_pid = _main_pid(stderr)
        chosen = next((p for p in profiles if p.pid == main_pid), None)
        if chosen is None:
            chosen = min(profiles, key=lambda p: p.pid)
        if save_to is not None:
            try:
                shutil.copyfile(chosen.path, save_to)
            except OSError as e:
                raise RunError(f"cannot save the profile as {save_to}: {e.strerror or e}") from None
            chosen.path = str(save_to)
        return RunResult(profile=chosen, returncode=proc.returncode, stderr=stderr,
                         stdout=stdout, profiles=profiles, command=cmd)


__all__ = ["RunError", "RunResult", "fixed_env", "find_valgrind", "run", "ProfileError"]
