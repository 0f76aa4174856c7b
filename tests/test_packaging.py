"""heaphunt installed the three ways users install it, each checked for real.

- The Debian package: scripts/build-deb.sh builds it (dpkg-buildpackage from
  clean, in a copy of the tree; about 20 s on 2 cores, once per session) and
  lintian checks it.  The .deb is unpacked with `dpkg -x` into a throwaway
  root, not installed: every path is checked against the source tree, then
  the unpacked tool profiles a test program and the unpacked `heaphunt`
  command reports on it.  Since the root is not /, Valgrind is pointed at it
  with VALGRIND_LIB: a directory of links to the installed valgrind's files
  (launcher, vgpreload_core, suppressions) with the package's tool and
  preload in place of any installed heaphunt.  pytest, with the unpacked
  dist-packages on PYTHONPATH and no conftest, finds the plugin through the
  package's pytest11 entry point.
- pip: `pip install --no-index` of the source tree into a venv (the build
  backend needs nothing from the network); the console script, the viewer,
  the plugin through its entry point, then `pip uninstall` removes it all.
- make install / make uninstall of the build tree, into a DESTDIR.

Test programs state their expected counts in their own comments
(tests/programs/malloc_basic.c); the version everywhere is
python/heaphunt/__init__.py's.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heaphunt_testlib as lib  # noqa: E402

REPO_DIR = lib.REPO_DIR
BACKEND = REPO_DIR / "python" / "backend" / "heaphunt_build.py"
SYSTEM_TOOL_DIR = Path("/usr/libexec/valgrind")
DEB_PYTHON_DIR = "usr/lib/python3/dist-packages"
PROGRAM = "malloc_basic"
TOOL_FILES = ("heaphunt-amd64-linux", "vgpreload_heaphunt-amd64-linux.so")


def version() -> str:
    init = (REPO_DIR / "python" / "heaphunt" / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"$', init, re.M).group(1)


def backend(*args: str) -> str:
    return subprocess.run([sys.executable, str(BACKEND), *args], check=True,
                          capture_output=True, text=True).stdout


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          timeout=300, **kwargs)


def source_files(pattern_dir: str, suffixes: tuple[str, ...]) -> list[Path]:
    root = REPO_DIR / pattern_dir
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes
                  and "__pycache__" not in p.parts)


def expected_summary() -> dict[str, int]:
    return lib.parse_expectations(PROGRAM).summary


def plugin_test_file(exe: Path, package_root: Path) -> str:
    """A user's test, in a directory with no conftest: the `heaphunt`
    fixture comes from the installed plugin, and the package it runs is the
    installed one (under package_root)."""
    s = expected_summary()
    return textwrap.dedent(f"""\
        import heaphunt as hh

        def test_counts(heaphunt):
            profile = heaphunt([{str(exe)!r}])
            hh.assert_totals(profile, bytes={s['tb']}, blocks={s['tbk']},
                             end_bytes={s['eb']}, end_blocks={s['ebk']})
            assert hh.__file__.startswith({str(package_root)!r}), hh.__file__
        """)


# --------------------------------------------------------------------------
# The Debian package
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def deb() -> Path:
    proc = run(["bash", REPO_DIR / "scripts" / "build-deb.sh"])
    if proc.returncode != 0:
        pytest.fail(f"scripts/build-deb.sh failed:\n{proc.stderr[-4000:]}")
    path = Path(proc.stdout.strip().splitlines()[-1])
    assert path.name == f"heaphunt_{version()}_amd64.deb"
    return path


@pytest.fixture(scope="module")
def deb_root(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    return root


@pytest.fixture(scope="module")
def deb_valgrind(deb_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`valgrind` running the unpacked package's tool (see the module doc)."""
    lib_dir = tmp_path_factory.mktemp("valgrind-lib")
    for entry in SYSTEM_TOOL_DIR.iterdir():
        if entry.name not in TOOL_FILES:
            (lib_dir / entry.name).symlink_to(entry)
    for name in TOOL_FILES:
        (lib_dir / name).symlink_to(deb_root / "usr/libexec/valgrind" / name)
    wrapper = lib_dir.parent / "valgrind-deb"
    wrapper.write_text(f'#!/bin/sh\nVALGRIND_LIB="{lib_dir}" exec /usr/bin/valgrind "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


@pytest.fixture(scope="module")
def deb_env(deb_root: Path) -> dict[str, str]:
    """The environment of a user of the unpacked package: its dist-packages
    on PYTHONPATH (what /usr/lib/python3/dist-packages is when installed),
    nothing of the source tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "HEAPHUNT"))}
    env["PYTHONPATH"] = str(deb_root / DEB_PYTHON_DIR)
    return env


# The Rust crate's source, installed for a path dependency.
RUST_CRATE_FILES = ["Cargo.toml", "README.md", "src/lib.rs"]


def expected_deb_files() -> dict[str, Path | str | None]:
    """Every file of the package -> its source (a path, generated text, or
    None when only its presence is checked)."""
    v = version()
    files: dict[str, Path | str | None] = {
        "usr/bin/heaphunt": REPO_DIR / "bin" / "heaphunt",
        "usr/include/valgrind/heaphunt.h": REPO_DIR / "tool" / "heaphunt.h",
        "usr/include/valgrind/heaphunt_test.h": REPO_DIR / "tool" / "heaphunt_test.h",
        "usr/libexec/valgrind/heaphunt-amd64-linux": None,
        "usr/libexec/valgrind/vgpreload_heaphunt-amd64-linux.so": None,
        f"{DEB_PYTHON_DIR}/heaphunt-{v}.dist-info/METADATA": None,
        f"{DEB_PYTHON_DIR}/heaphunt-{v}.dist-info/entry_points.txt":
            "[console_scripts]\nheaphunt = heaphunt.cli:main\n\n"
            "[pytest11]\nheaphunt = heaphunt.pytest_plugin\n\n",
        f"{DEB_PYTHON_DIR}/heaphunt-{v}.dist-info/INSTALLER": "debian\n",
        "usr/share/man/man1/heaphunt.1.gz": backend("manpage"),
        "usr/share/bash-completion/completions/heaphunt": backend("completion"),
        "usr/share/doc/heaphunt/README.md.gz": REPO_DIR / "README.md",
        "usr/share/doc/heaphunt/changelog.gz": REPO_DIR / "debian" / "changelog",
        "usr/share/doc/heaphunt/copyright": REPO_DIR / "debian" / "copyright",
        "usr/share/lintian/overrides/heaphunt": REPO_DIR / "debian" / "heaphunt.lintian-overrides",
    }
    for p in source_files("python/heaphunt", (".py", ".json")):
        files[f"{DEB_PYTHON_DIR}/heaphunt/{p.name}"] = p
    for p in source_files("viewer", (".html", ".js", ".css")):
        files[f"usr/share/heaphunt/viewer/{p.relative_to(REPO_DIR / 'viewer')}"] = p
    for p in source_files("docs", (".md", ".png")):
        files[f"usr/share/doc/heaphunt/{p.relative_to(REPO_DIR)}"] = p
    for name in RUST_CRATE_FILES:
        files[f"usr/share/heaphunt/rust/heaphunt/{name}"] = REPO_DIR / "bindings/rust/heaphunt" / name
    return files


def test_deb_holds_every_file_where_debian_looks(deb: Path, deb_root: Path) -> None:
    expected = expected_deb_files()
    got = {str(p.relative_to(deb_root)) for p in deb_root.rglob("*") if not p.is_dir()}
    # dh_compress gzips documentation above a size; either form is right.
    unzipped = {name.removesuffix(".gz") if name.endswith(".md.gz") else name for name in got}
    want = {name.removesuffix(".gz") if name.endswith(".md.gz") else name for name in expected}
    assert unzipped == want, (f"missing: {sorted(want - unzipped)}\n"
                              f"unexpected: {sorted(unzipped - want)}")
    for name in sorted(got):
        key = name if name in expected else name + ".gz" if name + ".gz" in expected \
            else name.removesuffix(".gz")
        source = expected[key]
        if source is None:
            continue
        data = (deb_root / name).read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        want_bytes = source.read_bytes() if isinstance(source, Path) else source.encode()
        assert data == want_bytes, f"{name} differs from {source}"
    assert os.access(deb_root / "usr/bin/heaphunt", os.X_OK)


def test_deb_depends_on_the_valgrind_it_was_built_with(deb: Path) -> None:
    fields = {f: run(["dpkg-deb", "-f", deb, f]).stdout.strip()
              for f in ("Package", "Version", "Architecture", "Depends")}
    valgrind_version = run(["dpkg-query", "-W", "-f=${Version}", "valgrind"]).stdout
    assert fields["Package"] == "heaphunt" and fields["Architecture"] == "amd64"
    assert fields["Version"] == version()
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert f"valgrind (= {valgrind_version})" in depends, depends


def test_lintian_reports_no_error_and_no_warning(deb: Path) -> None:
    changes = deb.with_suffix(".changes")
    proc = run(["lintian", "--fail-on", "error,warning", str(changes)])
    tags = [line for line in proc.stdout.splitlines() if re.match(r"^[EW]: ", line)]
    assert proc.returncode == 0 and not tags, proc.stdout + proc.stderr


def test_unpacked_tool_and_command_profile_and_report(deb_valgrind: Path, deb_root: Path,
                                                      deb_env: dict[str, str],
                                                      tmp_path: Path) -> None:
    exe = lib.build_program(PROGRAM)
    out = tmp_path / "heaphunt.out"
    proc = run([deb_valgrind, "--tool=heaphunt", f"--heaphunt-out-file={out}", exe],
               env=lib.fixed_env(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"heaphunt-{version()}, a heap profiler" in proc.stderr
    assert lib.parse_summary(proc.stderr) == expected_summary()

    command = deb_root / "usr/bin/heaphunt"
    proc = run([command, "report", out], env=deb_env)
    s = expected_summary()
    assert proc.returncode == 0, proc.stderr
    assert f"Total:     {s['tb']:,} bytes in {s['tbk']} blocks" in proc.stdout.splitlines()
    assert f"At t-end:  {s['eb']:,} bytes in {s['ebk']} blocks" in proc.stdout.splitlines()
    assert run([command, "--version"], env=deb_env).stdout.strip() == f"heaphunt {version()}"


def test_unpacked_package_is_imported_and_finds_its_viewer(deb_root: Path,
                                                           deb_env: dict[str, str]) -> None:
    code = ("import heaphunt, heaphunt.view as v, importlib.metadata as m; "
            "print(heaphunt.__file__); print(v.find_viewer_dir()); print(m.version('heaphunt'))")
    proc = run(["/usr/bin/python3", "-c", code], env=deb_env, cwd="/")
    assert proc.stdout.splitlines() == [
        str(deb_root / DEB_PYTHON_DIR / "heaphunt" / "__init__.py"),
        str(deb_root / "usr/share/heaphunt/viewer"), version()], proc.stderr


def test_pytest_finds_the_unpacked_plugin_by_its_entry_point(deb_root: Path, deb_valgrind: Path,
                                                             deb_env: dict[str, str],
                                                             tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_heap.py").write_text(
        plugin_test_file(lib.build_program(PROGRAM), deb_root / DEB_PYTHON_DIR))
    env = dict(deb_env, HEAPHUNT_VG=str(deb_valgrind))
    cmd = ["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_heap.py"]
    proc = run(cmd, env=env, cwd=project)
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr
    proc = run(cmd + ["-p", "no:heaphunt"], env=env, cwd=project)
    assert proc.returncode == 1 and "fixture 'heaphunt' not found" in proc.stdout, proc.stdout


def test_versions_agree(heaphunt_runner: Path) -> None:
    """debian/changelog, the tool (configure reads __init__.py), and the
    metadata of wheels and installs all carry __init__.py's version."""
    v = version()
    changelog = run(["dpkg-parsechangelog", "-l", REPO_DIR / "debian" / "changelog",
                     "-SVersion"]).stdout.strip()
    assert changelog == v
    assert backend("version").strip() == v
    configure = (REPO_DIR / "configure").read_text()
    assert f"PACKAGE_VERSION='{v}'" in configure


# --------------------------------------------------------------------------
# pip
# --------------------------------------------------------------------------

def test_pip_installs_command_viewer_and_plugin_then_uninstalls(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    proc = run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", venv])
    assert proc.returncode == 0, f"python3 -m venv failed (Debian: python3-venv)\n{proc.stderr}"
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "HEAPHUNT"))}
    before = {p for p in venv.rglob("*")}
    proc = run([py, "-m", "pip", "install", "--no-index", "--no-deps", REPO_DIR], env=env,
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    site_dir = Path(run([py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                        env=env).stdout.strip())
    assert run([venv / "bin" / "heaphunt", "--version"], env=env).stdout.strip() == \
        f"heaphunt {version()}"
    proc = run([py, "-c", "import heaphunt.view as v; print(v.find_viewer_dir())"],
               env=env, cwd="/")
    assert proc.stdout.strip() == str(venv / "share/heaphunt/viewer")
    for p in source_files("viewer", (".html", ".js", ".css")):
        installed = venv / "share/heaphunt/viewer" / p.relative_to(REPO_DIR / "viewer")
        assert installed.read_bytes() == p.read_bytes()
    assert (venv / "share/man/man1/heaphunt.1").read_text() == backend("manpage")
    for p in source_files("docs", (".md", ".png")):
        installed = venv / "share/doc/heaphunt" / p.relative_to(REPO_DIR)
        assert installed.read_bytes() == p.read_bytes()

    project = tmp_path / "project"
    project.mkdir()
    (project / "test_heap.py").write_text(
        plugin_test_file(lib.build_program(PROGRAM), site_dir))
    proc = run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_heap.py"],
               env=dict(env, HEAPHUNT_VG=str(lib.heaphunt_runner())), cwd=project)
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr

    proc = run([py, "-m", "pip", "uninstall", "-y", "heaphunt"], env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # pip removes the files it installed, not the directories it made under
    # share/ (they stay, empty), nor bytecode pytest wrote for the plugin.
    left = sorted(str(p.relative_to(venv)) for p in set(venv.rglob("*")) - before
                  if not p.is_dir() and "__pycache__" not in p.parts)
    assert left == [], f"left after pip uninstall: {left}"


# --------------------------------------------------------------------------
# make install
# --------------------------------------------------------------------------

def make_variable(name: str) -> str:
    proc = run(["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "-",
                "print-var"], cwd=REPO_DIR,
               input=f"print-var:\n\t@echo '$({name})'\n")
    return proc.stdout.strip()


def assert_installed_rust_crate_works(crate: Path, heaphunt_runner: Path, project: Path) -> None:
    cargo = run(["bash", str(REPO_DIR / "scripts" / "install-rust.sh")]).stdout.strip()
    assert cargo, "scripts/install-rust.sh found no cargo"
    (project / "tests").mkdir(parents=True)
    (project / "Cargo.toml").write_text(textwrap.dedent(f"""\
        [package]
        name = "user-project"
        version = "0.1.0"
        edition = "2021"

        [dev-dependencies]
        heaphunt = {{ path = "{crate}" }}
        """))
    (project / "src").mkdir()
    (project / "src" / "lib.rs").write_text("")
    # One block of 8 * 8 bytes, freed: exact in the test's own thread.
    (project / "tests" / "counts.rs").write_text(textwrap.dedent("""\
        #[test]
        fn one_block_of_64_bytes() {
            assert!(heaphunt::running_on_heaphunt());
            let scope = heaphunt::Scope::new();
            let v: Vec<u64> = Vec::with_capacity(8);
            drop(v);
            heaphunt::assert_allocs!(scope, 1, 64);
            heaphunt::assert_no_leaks!(scope);
        }
        """))
    env = dict(os.environ, CARGO_TARGET_DIR=str(project / "target"),
               CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER=f"{heaphunt_runner} -q "
               f"--heaphunt-out-file={project / 'hh.%p.json'}")
    env["PATH"] = f"{Path(cargo).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    proc = subprocess.run([cargo, "test", "--offline", "--test", "counts"], cwd=project,
                          env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0 and "test result: ok. 1 passed" in proc.stdout, \
        proc.stdout + proc.stderr


def test_make_install_and_uninstall(heaphunt_runner: Path, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    proc = run(["make", "-s", "install", f"DESTDIR={dest}"], cwd=REPO_DIR)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    prefix, python_dir = make_variable("prefix"), make_variable("heaphunt_pythondir")
    tool_dir, include_dir = make_variable("VALGRIND_LIBEXECDIR"), make_variable("VALGRIND_INCLUDEDIR")
    v = version()
    want = {f"{prefix}/bin/heaphunt", f"{include_dir}/heaphunt.h",
            f"{include_dir}/heaphunt_test.h",
            f"{tool_dir}/heaphunt-amd64-linux", f"{tool_dir}/vgpreload_heaphunt-amd64-linux.so",
            f"{python_dir}/heaphunt-{v}.dist-info/METADATA",
            f"{python_dir}/heaphunt-{v}.dist-info/entry_points.txt",
            f"{python_dir}/heaphunt-{v}.dist-info/INSTALLER",
            f"{prefix}/share/man/man1/heaphunt.1",
            f"{prefix}/share/bash-completion/completions/heaphunt"}
    want |= {f"{python_dir}/heaphunt/{p.name}" for p in source_files("python/heaphunt", (".py", ".json"))}
    want |= {f"{prefix}/share/heaphunt/viewer/{p.relative_to(REPO_DIR / 'viewer')}"
             for p in source_files("viewer", (".html", ".js", ".css"))}
    want |= {f"{prefix}/share/doc/heaphunt/{p.relative_to(REPO_DIR)}"
             for p in source_files("docs", (".md", ".png"))}
    want |= {f"{prefix}/share/heaphunt/rust/heaphunt/{name}" for name in RUST_CRATE_FILES}
    got = {"/" + str(p.relative_to(dest)) for p in dest.rglob("*") if not p.is_dir()}
    assert got == want, f"missing: {sorted(want - got)}\nunexpected: {sorted(got - want)}"

    # A project of a new user's depends on the installed Rust crate by path
    # and asserts exact counts in cargo test under heaphunt.
    crate = dest / prefix.lstrip("/") / "share/heaphunt/rust/heaphunt"
    assert_installed_rust_crate_works(crate, heaphunt_runner, tmp_path / "user-project")

    # The installed package, as its Python sees it, finds the installed viewer
    # and registers the plugin.
    env = {k: val for k, val in os.environ.items() if not k.startswith(("PYTHON", "HEAPHUNT"))}
    env["PYTHONPATH"] = f"{dest}{python_dir}"
    code = ("import heaphunt.view as v, importlib.metadata as m; print(v.find_viewer_dir()); "
            "print([e.value for e in m.entry_points(group='pytest11', name='heaphunt')])")
    proc = run(["/usr/bin/python3", "-c", code], env=env, cwd="/")
    assert proc.stdout.splitlines() == [f"{dest}{prefix}/share/heaphunt/viewer",
                                        "['heaphunt.pytest_plugin']"], proc.stderr
    # Python writes bytecode beside the modules when it can; uninstall removes it too.
    subprocess.run(["/usr/bin/python3", "-c", "import heaphunt.cli"], env=env, check=True)
    assert (dest / python_dir.lstrip("/") / "heaphunt" / "__pycache__").is_dir()

    proc = run(["make", "-s", "uninstall", f"DESTDIR={dest}"], cwd=REPO_DIR)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    left_files = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if not p.is_dir())
    assert left_files == []
    left_dirs = sorted(str(p.relative_to(dest)) for p in dest.rglob("*")
                       if p.is_dir() and any("heaphunt" in part or "bash-completion" in part
                                             for part in p.relative_to(dest).parts))
    assert left_dirs == []
