"""The README says only what is so: every command it shows runs, every path
it names exists, and the output it shows is the output a run gives.

README.md is parsed, not copied here, so a section added or changed is
checked as it stands:

- Every line of every code block is a command, output (`==PID==` lines:
  Valgrind's), or an entry of the project layout.  Commands are run, in the
  README's order, in a scratch copy of the working tree (tracked and new
  files, as a fresh clone would have them), each distinct line once:
  `bash scripts/...`, `./autogen.sh`, `./configure`, `make`,
  `./vg-in-place ...`, `bin/heaphunt ...`.  `./prog` and `./leaky` are
  examples/leaky.c compiled there, and `<pid>` the pid in the name of the
  file a previous line wrote.  A comment "# writes FILE" is checked too.
  `heaphunt SUB ...` lines with placeholders (FILE, [--opt N]) are a
  synopsis: each option they show must be in `heaphunt SUB --help`.
  Anything else must be in EXCEPTIONS below, with the test that runs it
  instead or the reason nothing can; a command that is neither fails.
- An output block is compared line by line with a real run of the last
  `./vg-in-place` command of the paragraph before it (pids aside; `...`
  in a line stands for any text).
- Paths: every relative link (and its #anchor: a heading of that file),
  and every word of a code span or block that starts with a top-level
  entry of the repository (tool/, docs/..., build/...) or with
  /usr/, exists in the scratch copy once the commands have run.  The
  layout's entries and the files its descriptions name exist, every
  top-level entry of the repository is in the layout, and every entry of
  the directories in LAYOUT_COMPLETE_DIRS is named.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import heaphunt_testlib as lib

README = lib.REPO_DIR / "README.md"
COMMAND_TIMEOUT_S = 900

# Commands the README shows that this test does not run, each with where it
# is run instead or why it cannot be.  Keys are a command line as the README
# writes it (comment removed), or "block: FIRST LINE" for every line of the
# code block that starts with that line.
EXCEPTIONS = {
    # Installing changes the machine; tests/test_packaging.py builds the
    # .deb, unpacks it into a throwaway root and runs the tool, `heaphunt
    # report` and the pytest plugin from there, and installs with pip into
    # a venv and with make install into a DESTDIR.
    "block: bash scripts/build-deb.sh": "tests/test_packaging.py",
    "make install": "tests/test_packaging.py::test_make_install_and_uninstall",
    "pip install .": "tests/test_packaging.py::test_pip_installs_command_viewer_and_plugin"
                     "_then_uninstalls",
    "block: valgrind --tool=heaphunt ./prog args": "tests/test_packaging.py (installed tool"
                                                   " and command, from the unpacked .deb)",
    # An example value for a --prefix outside Python's path.
    "export PYTHONPATH=/opt/heaphunt/lib/python3.11/site-packages": "nothing to run",
    # Minutes of both cores and 1 GB: tests/test_in_tree_build.py runs both
    # scripts for 3.19 and 3.24 (marked slow: not in scripts/test.sh --quick).
    "block: scripts/build-in-tree.sh 3.24": "tests/test_in_tree_build.py",
    # A whole Valgrind built through configure: the same build as
    # build-in-tree.sh's (scripts/valgrind-intree.sh, called by make);
    # test_configure_offers_the_in_tree_options checks the options exist.
    "block: scripts/fetch-valgrind-src.sh 3.24": "tests/test_in_tree_build.py (same build)",
}

# The commands run here, by how they start; anything else must be in
# EXCEPTIONS.
RUNNABLE = ("bash scripts/", "./autogen.sh", "./configure", "make", "./vg-in-place",
            "bin/heaphunt")

# `bash scripts/test.sh` is the suite this test is part of: in the scratch
# copy it only collects, which still installs, builds and imports every test.
TEST_SH_ARGS_HERE = ["--collect-only"]

# Words of code spans and blocks that name generated or machine paths the
# scratch copy does not have, each with what makes it.
PATH_EXCEPTIONS = {
    "build/valgrind-src/": "scripts/fetch-valgrind-src.sh (in-tree builds)",
    "build/valgrind-src/valgrind-3.24.0": "scripts/fetch-valgrind-src.sh 3.24",
    "build/deb/heaphunt_*_amd64.deb": "scripts/build-deb.sh",
    "build/deb/": "scripts/build-deb.sh",
    "/usr/local/lib/python3.11/dist-packages": "make install (the default prefix)",
}

# Directories whose every entry the layout names.
LAYOUT_COMPLETE_DIRS = ("scripts", "examples")
# Top-level entries the layout need not name: the files every repository has.
LAYOUT_OMITS = {"README.md", "COPYING", ".gitignore"}

_OUTPUT_LINE_RE = re.compile(r"^==\d+==")
_LINK_RE = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_CODE_SPAN_RE = re.compile(r"`([^`]+)`")
_SYNOPSIS_RE = re.compile(r"\b[A-Z]{1,}\b|\[")
_OPTION_RE = re.compile(r"(?<![\w-])(--[a-z][\w-]*|-[a-z])\b")
_FILE_WORD_RE = re.compile(r"^[\w.*-]+(\.[a-z]+|/)$")


@dataclasses.dataclass
class Block:
    lines: list[str]
    heading: str           # the section it is in
    before: str            # the paragraph before it


def readme_text() -> str:
    return README.read_text()


def code_blocks(text: str) -> list[Block]:
    """Indented (4 spaces, after a blank line, not in a list item) and fenced
    code blocks, with the heading and the paragraph before each."""
    blocks: list[Block] = []
    lines = text.splitlines()
    heading, paragraph, last_paragraph = "", [], ""
    i = 0
    while i < len(lines):
        line = lines[i]
        fenced = line.startswith("```")
        indented = (line.startswith("    ") and (i == 0 or not lines[i - 1].strip())
                    and not _in_list(lines, i))
        if fenced or indented:
            j = i + 1
            if fenced:
                while j < len(lines) and not lines[j].startswith("```"):
                    j += 1
                body = lines[i + 1:j]
                j += 1
            else:
                while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                    j += 1
                body = [x[4:] for x in lines[i:j]]
                while body and not body[-1].strip():
                    body.pop()
            blocks.append(Block(body, heading, " ".join(paragraph) or last_paragraph))
            paragraph, i = [], j
            continue
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            last_paragraph, paragraph = " ".join(paragraph), []
        i += 1
    return blocks


def _in_list(lines: list[str], i: int) -> bool:
    """Whether the indented line i continues a list item (text, not code)."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return j >= 0 and bool(re.match(r"^\s*([-*]|\d+\.) ", lines[j]))


def split_comment(line: str) -> tuple[str, str]:
    command, _, comment = line.partition("  #")
    if line.lstrip().startswith("#"):
        return "", line.lstrip()[1:].strip()
    return command.strip(), comment.strip()


def is_output_block(block: Block) -> bool:
    return any(_OUTPUT_LINE_RE.match(line) for line in block.lines)


def is_layout_block(block: Block) -> bool:
    return block.heading == "Project layout"


def command_lines(blocks: list[Block]) -> list[tuple[Block, str, str]]:
    """(block, command, comment) for every command of every command block."""
    out = []
    for block in blocks:
        if is_output_block(block) or is_layout_block(block):
            continue
        for line in block.lines:
            command, comment = split_comment(line)
            if command:
                out.append((block, command, comment))
    return out


def exception_for(block: Block, command: str) -> str | None:
    first = next(split_comment(line)[0] for line in block.lines if split_comment(line)[0])
    return EXCEPTIONS.get(command) or EXCEPTIONS.get(f"block: {first}")


def is_synopsis(command: str) -> bool:
    return command.startswith("heaphunt ") and bool(_SYNOPSIS_RE.search(command))


# --------------------------------------------------------------------------
# The scratch copy, with every runnable command of the README run in order
# --------------------------------------------------------------------------

@dataclasses.dataclass
class Ran:
    command: str
    status: int
    output: str


@dataclasses.dataclass
class Scratch:
    root: Path
    ran: dict[str, Ran]
    problems: list[str]


def _copy_working_tree(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=lib.REPO_DIR, capture_output=True, check=True).stdout
    for name in files.decode().split("\0"):
        src = lib.REPO_DIR / name
        if name and src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    # What scripts/install-deps.sh installs from npm for this checkout, so
    # that the copy does not fetch it again.
    node_modules = lib.REPO_DIR / "tests" / "browser" / "node_modules"
    if node_modules.is_dir():
        shutil.copytree(node_modules, dest / "tests" / "browser" / "node_modules", symlinks=True)


def _with_pids(command: str, root: Path) -> str:
    """heaphunt.out.<pid> -> the one such file a previous command wrote."""
    def one(m: re.Match) -> str:
        pattern = m.group(0)
        found = [p for p in glob.glob(str(root / pattern.replace("<pid>", "*")))
                 if re.fullmatch(re.escape(pattern).replace("<pid>", r"\d+"),
                                 os.path.relpath(p, root))]
        if len(found) != 1:
            raise AssertionError(f"README command needs {pattern}: {len(found)} such files")
        return os.path.relpath(found[0], root)
    return re.sub(r"\S*<pid>\S*", one, command)


def _run(command: str, root: Path) -> Ran:
    env = dict(os.environ)
    for var in ("HEAPHUNT_VG", "HEAPHUNT_VIEWER_DIR"):   # as a new user's shell
        env.pop(var, None)
    proc = subprocess.run(["bash", "-c", command], cwd=root, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=COMMAND_TIMEOUT_S)
    return Ran(command, proc.returncode, proc.stdout)


def _run_line(command: str, comment: str, root: Path, ran: dict[str, Ran]) -> list[str]:
    if command in ran:
        return []
    here = command
    if command.startswith("bash scripts/test.sh"):
        here = " ".join([command, *TEST_SH_ARGS_HERE])
    here = _with_pids(here, root)
    writes = re.match(r"writes (\S+)", comment)
    before = set(glob.glob(str(root / writes.group(1).replace("<pid>", "*")))) if writes else set()
    ran[command] = result = _run(here, root)
    problems = []
    if result.status != 0:
        problems.append(f"`{command}` (run as `{here}`) exited {result.status}:\n"
                        f"{result.output[-3000:]}")
    if writes:
        after = set(glob.glob(str(root / writes.group(1).replace("<pid>", "*"))))
        if not after - before:
            problems.append(f"`{command}` says it writes {writes.group(1)}; it wrote none")
    return problems


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Scratch:
    root = tmp_path_factory.mktemp("readme") / "heaphunt"
    root.mkdir()
    _copy_working_tree(root)
    for exe in ("prog", "leaky"):
        subprocess.run(["cc", "-g", "-O0", "-o", exe, "examples/leaky.c"], cwd=root, check=True)
    ran: dict[str, Ran] = {}
    problems: list[str] = []
    for block, command, comment in command_lines(code_blocks(readme_text())):
        if exception_for(block, command) or is_synopsis(command):
            continue
        if not command.startswith(RUNNABLE):
            continue  # reported by test_every_readme_command_is_run_or_excepted
        problems += _run_line(command, comment, root, ran)
    return Scratch(root, ran, problems)


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------

def test_every_readme_command_is_run_or_excepted() -> None:
    neither = [command for block, command, _ in command_lines(code_blocks(readme_text()))
               if not command.startswith(RUNNABLE) and not is_synopsis(command)
               and not exception_for(block, command)]
    assert not neither, ("README.md shows commands this test neither runs nor lists in"
                         f" EXCEPTIONS (with where they are tested): {neither}")


def test_every_exception_is_still_in_the_readme() -> None:
    blocks = code_blocks(readme_text())
    commands = {command for _, command, _ in command_lines(blocks)}
    firsts = {f"block: {c}" for b in blocks for c in [split_comment(b.lines[0])[0]] if c}
    stale = [key for key in EXCEPTIONS if key not in commands and key not in firsts]
    assert not stale, f"EXCEPTIONS names commands README.md no longer shows: {stale}"


def test_readme_commands_run(scratch: Scratch) -> None:
    assert scratch.ran, "no README command was run"
    assert not scratch.problems, "\n\n".join(scratch.problems)


def test_quick_mode_leaves_out_only_the_in_tree_builds(scratch: Scratch) -> None:
    # The README promises `--quick` is every test but the two in-tree builds.
    full, quick = scratch.ran.get("bash scripts/test.sh"), scratch.ran.get(
        "bash scripts/test.sh --quick")
    assert full and quick, "README.md no longer shows scripts/test.sh and its --quick"
    n_full = int(re.search(r"^(\d+) tests collected", full.output, re.M).group(1))
    m = re.search(r"^(\d+)/(\d+) tests collected \((\d+) deselected\)", quick.output, re.M)
    assert m, quick.output[-2000:]
    assert (int(m.group(2)), int(m.group(3))) == (n_full, 2)


def test_synopsis_options_are_those_of_the_command() -> None:
    lines = [command for _, command, _ in command_lines(code_blocks(readme_text()))
             if is_synopsis(command)]
    assert lines, "README.md shows no `heaphunt COMMAND ...` synopsis"
    helps: dict[str, str] = {}
    missing = []
    for line in lines:
        sub = line.split()[1]
        if sub not in helps:
            proc = subprocess.run([str(lib.REPO_DIR / "bin" / "heaphunt"), sub, "--help"],
                                  capture_output=True, text=True, timeout=60)
            assert proc.returncode == 0, f"heaphunt {sub} --help: {proc.stderr}"
            helps[sub] = proc.stdout
        for option in _OPTION_RE.findall(line.split(" -- ")[0]):
            if option.split("=")[0] not in helps[sub]:
                missing.append(f"{line!r}: {option} is not in `heaphunt {sub} --help`")
    assert not missing, "\n".join(missing)


def test_configure_offers_the_in_tree_options(scratch: Scratch) -> None:
    # The configure route to an in-tree build is not run (see EXCEPTIONS);
    # its options must exist all the same.
    shown = set()
    for block in code_blocks(readme_text()):
        for line in block.lines:
            if line.startswith("./configure "):
                shown.update(o.split("=")[0] for o in _OPTION_RE.findall(line))
    shown.update(o for o in re.findall(r"`(--[\w-]+)`", readme_text())
                 if o.startswith(("--with-", "--disable-", "--enable-")))
    assert shown
    help_text = subprocess.run(["./configure", "--help"], cwd=scratch.root, capture_output=True,
                               text=True, check=True).stdout
    assert sorted(o for o in shown if o not in help_text) == []


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def _matches(shown: str, real: str) -> bool:
    parts = [re.escape(p) for p in shown.split("...")]
    return re.fullmatch(".*".join(parts), real) is not None


def test_output_blocks_are_what_the_command_prints(scratch: Scratch) -> None:
    blocks = [b for b in code_blocks(readme_text()) if is_output_block(b)]
    assert blocks, "README.md shows no Valgrind output"
    for block in blocks:
        commands = [c for c in _CODE_SPAN_RE.findall(block.before) if c.startswith("./vg-in-place")]
        assert commands, f"no `./vg-in-place ...` before the output block {block.lines[:2]}"
        ran = _run(commands[-1], scratch.root)
        assert ran.status == 0, ran.output
        real = [_OUTPUT_LINE_RE.sub("==PID==", line).rstrip() for line in ran.output.splitlines()]
        shown = [_OUTPUT_LINE_RE.sub("==PID==", line).rstrip() for line in block.lines]
        assert len(real) == len(shown) and all(map(_matches, shown, real)), (
            f"README.md shows for `{commands[-1]}`:\n" + "\n".join(shown)
            + "\n\nit prints:\n" + "\n".join(real))


# --------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------

def _top_level() -> set[str]:
    files = subprocess.run(["git", "ls-files"], cwd=lib.REPO_DIR, capture_output=True, text=True,
                           check=True).stdout.split()
    return {f.split("/")[0] for f in files}


def _heading_slugs(markdown: str) -> set[str]:
    slugs = set()
    for line in markdown.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower().replace("`", "")
            slugs.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return slugs


def _exists(root: Path, name: str) -> bool:
    return bool(glob.glob(str(root / name))) if "*" in name else (root / name).exists()


def named_paths(text: str) -> list[str]:
    """Words of code spans and code blocks that are paths in the repository
    (first part a top-level entry, or build/) or under /usr/."""
    tops = _top_level() | {"build", "vg-in-place", "configure"}
    words = []
    for span in _CODE_SPAN_RE.findall(text):
        words += span.split()
    for block in code_blocks(text):
        if not is_output_block(block):
            for line in block.lines:
                words += line.split()
    paths = []
    for word in words:
        word = word.strip("()[],;:'\"`").removeprefix("file://")
        if "=" in word:
            word = word.split("=", 1)[1]
        word = word.removeprefix("./").split("#")[0]
        if word.startswith("/usr/") or ("/" in word and word.split("/")[0] in tops):
            paths.append(word)
    return sorted(set(paths))


def test_paths_in_code_exist(scratch: Scratch) -> None:
    paths = named_paths(readme_text())
    assert "tool/heaphunt.h" in paths   # the parsing found the README's paths
    missing = [p for p in paths if p not in PATH_EXCEPTIONS
               and not (Path(p).exists() if p.startswith("/") else _exists(scratch.root, p))]
    assert not missing, f"README.md names paths that do not exist: {missing}"
    stale = [p for p in PATH_EXCEPTIONS if p not in paths]
    assert not stale, f"PATH_EXCEPTIONS names paths README.md no longer names: {stale}"


def test_links_and_anchors_exist() -> None:
    text = readme_text()
    bad = []
    for target in _LINK_RE.findall(text):
        if re.match(r"^[a-z]+:", target):
            continue    # a URL
        path, _, anchor = target.partition("#")
        where = lib.REPO_DIR / path if path else README
        if not where.exists():
            bad.append(f"{target}: no such file")
        elif anchor and where.suffix == ".md" and anchor not in _heading_slugs(where.read_text()):
            bad.append(f"{target}: no heading #{anchor} in {path or 'README.md'}")
    assert not bad, "\n".join(bad)


def _layout() -> list[tuple[str, str]]:
    """(entry, description) of each line of the project layout."""
    blocks = [b for b in code_blocks(readme_text()) if is_layout_block(b)]
    assert len(blocks) == 1, "README.md should have one code block under 'Project layout'"
    entries: list[tuple[str, str]] = []
    for line in blocks[0].lines:
        if line[:1].strip():
            name, *rest = re.split(r"\s{2,}", line.strip(), maxsplit=1)
            for entry in name.split(","):
                entries.append((entry.strip(), " ".join(rest)))
        elif entries:
            last, description = entries[-1]
            entries[-1] = (last, description + " " + line.strip())
    return entries


def test_layout_names_what_exists(scratch: Scratch) -> None:
    missing = []
    for entry, description in _layout():
        if not (scratch.root / entry).exists():
            missing.append(entry)
        base = entry if entry.endswith("/") else ""
        for word in description.replace(",", " ").split():
            word = word.strip("()[];:")
            if _FILE_WORD_RE.match(word) and not word.startswith("-") and not (
                    _exists(scratch.root, base + word) or _exists(scratch.root, word)):
                missing.append(f"{entry} {word}")
    assert not missing, f"the README's layout names what does not exist: {missing}"


def test_layout_names_every_entry() -> None:
    layout = _layout()
    named = {entry.rstrip("/").split("/")[0] for entry, _ in layout}
    unnamed = sorted(_top_level() - named - LAYOUT_OMITS)
    for directory in LAYOUT_COMPLETE_DIRS:
        description = " ".join(d for e, d in layout if e.rstrip("/") == directory)
        words = {w.strip("(),;:") for w in description.split()}
        for child in sorted((lib.REPO_DIR / directory).iterdir()):
            tracked = subprocess.run(["git", "ls-files", str(child)], cwd=lib.REPO_DIR,
                                     capture_output=True, text=True).stdout
            shown = child.name + ("/" if child.is_dir() else "")
            if tracked and shown not in words:
                unnamed.append(f"{directory}/{shown}")
    assert not unnamed, f"the README's layout does not name: {unnamed}"
