"""heaphunt(1), generated from the documentation so that it cannot drift.

The page is docs/cli.md (the `heaphunt` command: synopsis, description, one
subsection per command) followed by the table of the tool's own options from
docs/options.md (what goes between `valgrind --tool=heaphunt` and the
program).  The Markdown those files use is a small subset, converted here to
man(7) macros: headings, paragraphs, indented code blocks, `-` lists, pipe
tables, `code`, **bold** and [links](target) (shown as their text).

    python3 heaphunt_manpage.py SOURCE_DIR > heaphunt.1
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

OPTIONS_SECTION = "## heaphunt's own options"


def _escape(text: str) -> str:
    """Plain text to roff: backslashes, and hyphens as \\- (so that options
    copied from the page are ASCII hyphen-minus)."""
    return text.replace("\\", "\\e").replace("-", "\\-")


def _inline(text: str) -> str:
    """Markdown inline markup to roff font changes."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    out = []
    # Split on code spans first: nothing inside them is markup.
    for i, part in enumerate(re.split(r"`([^`]*)`", text)):
        if i % 2:
            out.append(r"\fB" + _escape(part) + r"\fR")
        else:
            part = _escape(part)
            part = re.sub(r"\*\*(.+?)\*\*", r"\\fB\1\\fR", part)
            out.append(part)
    return "".join(out)


def _line(text: str) -> str:
    """A text line; one starting with . or ' would be read as a request."""
    return "\\&" + text if text[:1] in (".", "'") else text


def _table_cells(row: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    return [c.strip().replace("\\|", "|") for c in cells]


def markdown_to_roff(markdown: str, top_heading: str = ".SH") -> list[str]:
    """Convert a Markdown document's body; `## x` becomes top_heading,
    deeper headings .SS, a `# x` title is dropped (the caller names the
    section)."""
    out: list[str] = []
    lines = markdown.splitlines()
    i = 0
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(".PP")
            out.append(_line(_inline(" ".join(paragraph))))
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        if not line.strip():
            flush()
            i += 1
        elif line.startswith("#"):
            flush()
            level = len(line) - len(line.lstrip("#"))
            title = _inline(line.lstrip("#").strip())
            if level == 2:
                out.append(f'{top_heading} "{title.upper() if top_heading == ".SH" else title}"')
            elif level > 2:
                out.append(f'.SS "{title}"')
            i += 1
        elif line.startswith("    ") or line.startswith("```"):
            flush()
            fenced = line.startswith("```")
            if fenced:
                i += 1
            block: list[str] = []
            while i < len(lines):
                if fenced and lines[i].startswith("```"):
                    i += 1
                    break
                if not fenced and lines[i].strip() and not lines[i].startswith("    "):
                    break
                block.append(lines[i] if fenced else lines[i][4:])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            out += [".PP", ".RS 4", ".nf"] + [_line(_escape(b)) for b in block] + [".fi", ".RE"]
        elif line.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_table_cells(lines[i]))
                i += 1
            header, body = rows[0], [r for r in rows[1:] if not set("".join(r)) <= set("-: ")]
            for row in body:
                out.append(".TP")
                out.append(_line(_inline(row[0])))
                extra = [f"({header[k]} {row[k]})" for k in range(1, len(row) - 1) if row[k]]
                text = " ".join(extra + [row[-1]]) if len(row) > 1 else ""
                out.append(_line(_inline(text)))
        elif line.startswith("- "):
            flush()
            item = [line[2:].strip()]
            i += 1
            while i < len(lines) and lines[i].startswith("  ") and lines[i].strip():
                item.append(lines[i].strip())
                i += 1
            out += [".IP \\(bu 2", _line(_inline(" ".join(item)))]
        else:
            paragraph.append(line.strip())
            i += 1
    flush()
    return out


def _section(markdown: str, heading: str) -> str:
    """The text under `heading` up to the next heading of any level."""
    lines = markdown.splitlines()
    start = lines.index(heading) + 1
    end = next((k for k in range(start, len(lines)) if lines[k].startswith("#")), len(lines))
    return "\n".join(lines[start:end])


def render(source_dir: Path) -> str:
    cli_md = (source_dir / "docs" / "cli.md").read_text(encoding="utf-8")
    options_md = (source_dir / "docs" / "options.md").read_text(encoding="utf-8")
    init = (source_dir / "python" / "heaphunt" / "__init__.py").read_text(encoding="utf-8")
    version = re.search(r'^__version__ = "([^"]+)"$', init, re.M).group(1)

    intro, _, commands = cli_md.partition("\n## ")
    intro_lines = intro.splitlines()[1:]          # without the "# ..." title
    synopsis_end = next(k for k, l in enumerate(intro_lines) if l.strip()
                        and not l.startswith("    ") and k > 0)
    synopsis = "\n".join(intro_lines[:synopsis_end])
    description = "\n".join(intro_lines[synopsis_end:])

    out = [f'.TH HEAPHUNT 1 "" "heaphunt {version}" "User Commands"',
           ".\\\" Generated from docs/cli.md and docs/options.md by heaphunt_manpage.py.",
           ".SH NAME",
           "heaphunt \\- read, compare and check heap profiles; "
           "run programs under valgrind \\-\\-tool=heaphunt",
           ".SH SYNOPSIS"]
    out += markdown_to_roff(synopsis)
    out += [".PP", ".RS 4", ".nf", "valgrind \\-\\-tool=heaphunt [tool options] PROG [ARGS...]",
            ".fi", ".RE", ".SH DESCRIPTION"]
    out += markdown_to_roff(description)
    out += [".SH COMMANDS"]
    out += markdown_to_roff("## " + commands, top_heading=".SS")
    out += [".SH \"TOOL OPTIONS\"", ".PP",
            "heaphunt is a Valgrind tool: these options go between "
            "\\fBvalgrind \\-\\-tool=heaphunt\\fR and the program, with Valgrind's own "
            "(see \\fBvalgrind\\fR(1); \\fBvalgrind \\-\\-tool=heaphunt \\-\\-help\\fR "
            "lists them all)."]
    out += markdown_to_roff(_section(options_md, OPTIONS_SECTION))
    out += [".SH ENVIRONMENT",
            ".TP", "\\fBHEAPHUNT_VG\\fR",
            "the valgrind that \\fBheaphunt run\\fR and the pytest fixture use",
            ".TP", "\\fBHEAPHUNT_VIEWER_DIR\\fR",
            "the viewer's directory for \\fBheaphunt view\\fR",
            ".TP", "\\fBHEAPHUNT_PYTHON\\fR",
            "the Python interpreter the \\fBheaphunt\\fR command runs (default /usr/bin/python3)",
            ".SH FILES",
            ".TP", "\\fIprefix\\fR/share/heaphunt/viewer/",
            "the viewer that \\fBheaphunt view\\fR serves",
            ".TP", "heaphunt.h",
            "client requests for exact-count tests, installed beside valgrind.h",
            ".SH \"SEE ALSO\"",
            "\\fBvalgrind\\fR(1), \\fBpytest\\fR(1); the documentation in /usr/share/doc/heaphunt "
            "(Debian package) or docs/ in the source tree."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render(Path(sys.argv[1]) if len(sys.argv) > 1
                            else Path(__file__).resolve().parent.parent.parent))
