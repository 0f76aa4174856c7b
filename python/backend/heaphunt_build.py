"""heaphunt's build backend (PEP 517), standard library only.

pyproject.toml names this module as its backend and lists no build
requirements, so `pip install .` needs nothing but pip: no setuptools, no
network.  It builds the wheel and the sdist of the `heaphunt` Python package,
and writes the installed metadata for `make install` and the Debian package
(`python3 heaphunt_build.py install-metadata DIR`).

What goes where is decided here, once:
  heaphunt/*.py, heaphunt/*.json       the package (python/heaphunt) and its rules
  <data>/share/heaphunt/viewer/        the viewer; a wheel's data files land
                                       under the install prefix, so the viewer
                                       is <prefix>/share/heaphunt/viewer, where
                                       heaphunt.view looks, as after make install
  <data>/share/doc/heaphunt/docs/      docs/*.md and docs/images: the viewer links
                                       to them, `heaphunt view` serves them
  <data>/share/man/man1/heaphunt.1     the man page (heaphunt_manpage.py)
  <data>/share/bash-completion/completions/heaphunt
                                       bash completion (heaphunt_completion.py)
  heaphunt-V.dist-info/                METADATA (from pyproject.toml's [project]
                                       table), entry_points.txt (the `heaphunt`
                                       console script and the `pytest11` entry
                                       point that makes pytest load the plugin);
                                       in a wheel also WHEEL, RECORD and COPYING
The version is python/heaphunt/__init__.py's __version__: the one place it
is written (configure.ac reads it too, debian/changelog is checked against it).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE = "heaphunt"
PACKAGE_DIR = Path("python") / PACKAGE
BACKEND_DIR = Path("python") / "backend"
VIEWER_DIR = Path("viewer")
VIEWER_SUFFIXES = (".html", ".js", ".css")
# What the sdist carries besides the package and the viewer: enough to build
# the wheel again (metadata, licence, the man page's sources).
SDIST_FILES = ("pyproject.toml", "README.md", "COPYING", "docs/cli.md", "docs/options.md")
WHEEL_TAG = "py3-none-any"
# Keys of [project] this backend understands; any other is an error, not a
# field silently left out of the metadata.
PROJECT_KEYS = {"name", "description", "readme", "requires-python", "license",
                "dynamic", "scripts", "entry-points"}
# Zip entries get this time stamp (the zip format's earliest), so that two
# builds of the same sources are the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

sys.path.insert(0, str(SOURCE_DIR / BACKEND_DIR))
import heaphunt_completion  # noqa: E402
import heaphunt_manpage  # noqa: E402


class BuildError(Exception):
    pass


def version() -> str:
    init = (SOURCE_DIR / PACKAGE_DIR / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__ = "([^"]+)"$', init, re.M)
    if not m:
        raise BuildError(f"{PACKAGE_DIR}/__init__.py: no line __version__ = \"...\"")
    return m.group(1)


def _project() -> dict:
    with open(SOURCE_DIR / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    unknown = set(project) - PROJECT_KEYS
    if unknown:
        raise BuildError(f"pyproject.toml: [project] keys {sorted(unknown)} are not "
                         f"supported by {Path(__file__).name}")
    if project["name"] != PACKAGE or project.get("dynamic") != ["version"]:
        raise BuildError(f'pyproject.toml: expected name = "{PACKAGE}" and '
                         'dynamic = ["version"]')
    return project


def dist_info_name() -> str:
    return f"{PACKAGE}-{version()}.dist-info"


def metadata_text() -> str:
    project = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {project['name']}", f"Version: {version()}",
             f"Summary: {project['description']}",
             f"License: {project['license']['text']}",
             f"Requires-Python: {project['requires-python']}",
             "Description-Content-Type: text/markdown"]
    readme = (SOURCE_DIR / project["readme"]).read_text(encoding="utf-8")
    return "\n".join(lines) + "\n\n" + readme


def entry_points_text() -> str:
    project = _project()
    groups = {"console_scripts": project.get("scripts", {}), **project.get("entry-points", {})}
    return "".join(f"[{group}]\n" + "".join(f"{name} = {target}\n"
                                            for name, target in entries.items()) + "\n"
                   for group, entries in groups.items())


def package_files() -> list[Path]:
    """The package's modules and its findings rules (rules.json), relative
    to SOURCE_DIR (no bytecode)."""
    package = SOURCE_DIR / PACKAGE_DIR
    return sorted([*package.glob("*.py"), *package.glob("*.json")])


def viewer_files() -> list[Path]:
    root = SOURCE_DIR / VIEWER_DIR
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in VIEWER_SUFFIXES)


def doc_files() -> list[Path]:
    """docs/*.md and their images: the viewer links to them."""
    docs = SOURCE_DIR / "docs"
    return sorted([*docs.glob("*.md"), *docs.glob("images/*.png")])


def data_files() -> dict[str, bytes]:
    """Files installed under the prefix, keyed by their path below it."""
    files = {f"share/heaphunt/viewer/{p.relative_to(SOURCE_DIR / VIEWER_DIR).as_posix()}":
             p.read_bytes() for p in viewer_files()}
    for doc in doc_files():
        files[f"share/doc/heaphunt/{doc.relative_to(SOURCE_DIR).as_posix()}"] = doc.read_bytes()
    files["share/man/man1/heaphunt.1"] = heaphunt_manpage.render(SOURCE_DIR).encode()
    files["share/bash-completion/completions/heaphunt"] = \
        heaphunt_completion.render(SOURCE_DIR).encode()
    return files


def dist_info_files() -> dict[str, bytes]:
    return {"METADATA": metadata_text().encode(),
            "entry_points.txt": entry_points_text().encode()}


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def _write_wheel(wheel_directory: str, files: dict[str, bytes]) -> str:
    dist_info = dist_info_name()
    files = dict(files)
    for name, data in dist_info_files().items():
        files[f"{dist_info}/{name}"] = data
    # A wheel travels alone, so it carries the licence; make install and the
    # Debian package have theirs elsewhere (the source tree, debian/copyright).
    files[f"{dist_info}/COPYING"] = (SOURCE_DIR / "COPYING").read_bytes()
    files[f"{dist_info}/WHEEL"] = (f"Wheel-Version: 1.0\nGenerator: {Path(__file__).stem}\n"
                                   f"Root-Is-Purelib: true\nTag: {WHEEL_TAG}\n").encode()
    record = [_record_line(path, data) for path, data in files.items()]
    files[f"{dist_info}/RECORD"] = ("\n".join(record + [f"{dist_info}/RECORD,,"]) + "\n").encode()
    name = f"{PACKAGE}-{version()}-{WHEEL_TAG}.whl"
    with zipfile.ZipFile(Path(wheel_directory) / name, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return name


#--- PEP 517 hooks ---------------------------------------------------------

def build_wheel(wheel_directory: str, config_settings: dict | None = None,
                metadata_directory: str | None = None) -> str:
    files = {f"{PACKAGE}/{p.name}": p.read_bytes() for p in package_files()}
    data_dir = f"{PACKAGE}-{version()}.data/data"
    for path, data in data_files().items():
        files[f"{data_dir}/{path}"] = data
    return _write_wheel(wheel_directory, files)


def build_editable(wheel_directory: str, config_settings: dict | None = None,
                   metadata_directory: str | None = None) -> str:
    """`pip install -e .`: a .pth file puts this tree's python/ on sys.path;
    the viewer is found beside it, as when running from the source tree."""
    pth = f"{SOURCE_DIR / PACKAGE_DIR.parent}\n".encode()
    return _write_wheel(wheel_directory, {f"{PACKAGE}.pth": pth})


def build_sdist(sdist_directory: str, config_settings: dict | None = None) -> str:
    base = f"{PACKAGE}-{version()}"
    paths = [*SDIST_FILES, *(p.relative_to(SOURCE_DIR).as_posix() for p in package_files()),
             *(p.relative_to(SOURCE_DIR).as_posix() for p in viewer_files()),
             *(p.relative_to(SOURCE_DIR).as_posix() for p in doc_files()
               if p.relative_to(SOURCE_DIR).as_posix() not in SDIST_FILES),
             *(p.relative_to(SOURCE_DIR).as_posix()
               for p in sorted((SOURCE_DIR / BACKEND_DIR).glob("*.py")))]
    members = {"PKG-INFO": metadata_text().encode()}
    members.update({path: (SOURCE_DIR / path).read_bytes() for path in paths})
    name = f"{base}.tar.gz"
    with tarfile.open(Path(sdist_directory) / name, "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for path, data in members.items():
            info = tarfile.TarInfo(f"{base}/{path}")
            info.size = len(data)
            info.mode = 0o644
            tf.addfile(info, io.BytesIO(data))
    return name


#--- make install ----------------------------------------------------------

def install_metadata(python_dir: Path, installer: str) -> Path:
    """Write heaphunt-V.dist-info into python_dir, beside the package that
    make install put there: pytest and importlib.metadata find the entry
    points through it.  No RECORD: per PEP 627 that tells pip the files
    belong to another installer (make, dpkg), which removes them."""
    target = python_dir / dist_info_name()
    target.mkdir(parents=True, exist_ok=True)
    for name, data in dist_info_files().items():
        (target / name).write_bytes(data)
    (target / "INSTALLER").write_text(installer + "\n")
    return target


def python_dir(prefix: str, explicit: str = "") -> tuple[str, bool]:
    """For configure: where make install puts the package for `prefix`, and
    whether the Python running this imports from there without PYTHONPATH.
    Default: the first of this Python's site directories that lies under
    <prefix>/lib (Debian's python3: <prefix>/lib/python3.11/dist-packages
    for /usr/local, /usr/lib/python3/dist-packages for /usr), else the
    standard <prefix>/lib/pythonX.Y/site-packages."""
    import os
    import site
    import sysconfig

    def under_prefix_lib(d: str) -> bool:
        rel = os.path.relpath(os.path.realpath(d), os.path.realpath(prefix))
        return rel.split(os.sep)[0] in ("lib", "lib64")

    site_dirs = [*site.getsitepackages(), site.getusersitepackages()]
    if explicit:
        chosen = explicit
    else:
        chosen = next((d for d in site_dirs if under_prefix_lib(d)), None) or \
            sysconfig.get_path("purelib", "posix_prefix", vars={"base": prefix, "platbase": prefix})
    imported = {os.path.realpath(d) for d in [*sys.path, *site_dirs] if d}
    return chosen, os.path.realpath(chosen) in imported


def main(argv: list[str]) -> int:
    usage = (f"usage: {Path(__file__).name} version | dist-info-name | "
             "install-metadata DIR [INSTALLER] | python-dir PREFIX [DIR] | manpage | completion")
    try:
        if argv == ["version"]:
            print(version())
        elif argv == ["dist-info-name"]:
            print(dist_info_name())
        elif argv[:1] == ["install-metadata"] and len(argv) in (2, 3):
            install_metadata(Path(argv[1]), argv[2] if len(argv) == 3 else "make")
        elif argv[:1] == ["python-dir"] and len(argv) in (2, 3):
            chosen, on_path = python_dir(*argv[1:])
            print(chosen, "yes" if on_path else "no")
        elif argv == ["manpage"]:
            sys.stdout.write(heaphunt_manpage.render(SOURCE_DIR))
        elif argv == ["completion"]:
            sys.stdout.write(heaphunt_completion.render(SOURCE_DIR))
        else:
            print(usage, file=sys.stderr)
            return 2
    except (BuildError, OSError) as e:
        print(f"{Path(__file__).name}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
