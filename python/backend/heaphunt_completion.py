"""Bash completion for the `heaphunt` command, generated from its parser.

The commands, each command's options, and the values of the options that
take a fixed set (`--sort` metrics, `--mode`) come from heaphunt.cli's
argparse parser, so the completion cannot drift from the command.  `run`
parses its own arguments (everything after it may be the program's); its
options are report's plus `--valgrind` and `-o`, as its help says.

    python3 heaphunt_completion.py SOURCE_DIR > heaphunt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Options whose value is a path: complete file names.  Other options that take
# a value (a number, a text) complete nothing.
PATH_OPTIONS = ("-o", "--output", "--valgrind", "--viewer-dir")
RUN_OWN_OPTIONS = ["--valgrind", "-o"]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise ValueError("the heaphunt parser has no subcommands")


def render(source_dir: Path) -> str:
    sys.path.insert(0, str(source_dir / "python"))
    from heaphunt.cli import build_parser
    from heaphunt.metrics import metric_names

    commands = _subcommands(build_parser())
    options: dict[str, list[str]] = {}
    value_options: set[str] = set()
    choices: dict[str, list[str]] = {"--sort": list(metric_names())}
    for name, sub in commands.items():
        opts = []
        for action in sub._actions:
            opts += [o for o in action.option_strings if o.startswith("--") or o == "-o"]
            if action.option_strings and action.nargs != 0:
                value_options.update(action.option_strings)
            if action.choices and action.option_strings:
                for o in action.option_strings:
                    choices[o] = list(action.choices)
        options[name] = opts
    options["run"] = options["report"] + RUN_OWN_OPTIONS
    value_options.update(RUN_OWN_OPTIONS)

    lines = ["# bash completion for heaphunt (generated from its argument parser by",
             "# heaphunt_completion.py; do not edit)",
             "_heaphunt() {",
             '    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}',
             "    local word",
             '    if [ "$COMP_CWORD" -eq 1 ]; then',
             f'        COMPREPLY=($(compgen -W "{" ".join(commands)} --version --help" -- "$cur"))',
             "        return",
             "    fi",
             "    # After run's --, the words are the program and its arguments.",
             '    if [ "${COMP_WORDS[1]}" = run ]; then',
             '        for word in "${COMP_WORDS[@]:2:COMP_CWORD-2}"; do',
             '            if [ "$word" = -- ]; then',
             '                COMPREPLY=($(compgen -f -- "$cur"))',
             "                return",
             "            fi",
             "        done",
             "    fi",
             '    case $prev in']
    for option, values in sorted(choices.items()):
        lines.append(f'        {option}) COMPREPLY=($(compgen -W "{" ".join(values)}" -- "$cur")); '
                     "return ;;")
    lines.append(f'        {"|".join(PATH_OPTIONS)}) COMPREPLY=($(compgen -f -- "$cur")); '
                 "return ;;")
    numeric = sorted(value_options - set(choices) - set(PATH_OPTIONS))
    lines.append(f'        {"|".join(numeric)}) return ;;')
    lines += ["    esac",
              '    if [[ $cur == -* ]]; then',
              '        case ${COMP_WORDS[1]} in']
    for name, opts in options.items():
        lines.append(f'            {name}) COMPREPLY=($(compgen -W "{" ".join(opts)}" -- "$cur")) ;;')
    lines += ["        esac",
              "        return",
              "    fi",
              '    COMPREPLY=($(compgen -f -- "$cur"))',
              "}",
              "complete -o filenames -F _heaphunt heaphunt"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render(Path(sys.argv[1]) if len(sys.argv) > 1
                            else Path(__file__).resolve().parent.parent.parent))
