#!/usr/bin/env python3
"""Writes a man page from a program's own --help, so the page cannot drift from the program:
the top-level help, then (for tensorscope-cli) every subcommand's `COMMAND --help`.

    gen-man.py PROGRAM SECTION-TITLE OUT.1.gz [--subcommands]
"""
from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys


def help_text(argv: list[str]) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LC_ALL="C.UTF-8")
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    if out.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {out.returncode}: {out.stderr}")
    # Qt prints the program as it was started (a build path); the page shows the installed name.
    return out.stdout.replace(argv[0], os.path.basename(argv[0]))


def roff(text: str) -> str:
    """Help text as literal, unfilled roff (escapes backslashes and leading dots/quotes)."""
    lines = []
    for line in text.rstrip("\n").split("\n"):
        line = line.replace("\\", "\\e")
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return ".nf\n" + "\n".join(lines) + "\n.fi\n"


def subcommands(top: str) -> list[tuple[str, str]]:
    """(name, summary) from the 'Subcommands:' block CLI11 prints."""
    block = top.split("Subcommands:", 1)[1] if "Subcommands:" in top else ""
    found = []
    for line in block.split("\n")[1:]:
        if not line.strip():
            break
        m = re.match(r"\s+(\S+)\s+(.*)", line)
        if m:
            found.append((m.group(1), m.group(2).strip()))
    return found


def without_shared_epilogue(sub: str, top: str, summary: str) -> str:
    """A subcommand's help minus its first line when that is the summary, and minus the closing lines it
    shares with the top-level help (printed once, above)."""
    lines, top_lines = sub.rstrip("\n").split("\n"), top.rstrip("\n").split("\n")
    if lines and lines[0].strip() == summary:
        lines = lines[1:]
    while lines and top_lines and lines[-1] == top_lines[-1]:
        lines.pop()
        top_lines.pop()
    return "\n".join(lines).rstrip("\n")


def main() -> None:
    args = sys.argv[1:]
    with_subcommands = "--subcommands" in args
    args = [a for a in args if a != "--subcommands"]
    program, title, out = args
    name = os.path.basename(program)
    version = help_text([program, "--version"]).strip().split()[-1]
    top = help_text([program, "--help"])
    page = [f'.TH {name.upper()} 1 "" "{name} {version}" "Tensorscope Manual"',
            ".SH NAME", f"{name} \\- {title}", ".SH SYNOPSIS AND OPTIONS", roff(top)]
    if with_subcommands:
        page.append(".SH COMMANDS")
        for sub, summary in subcommands(top):
            sub_help = without_shared_epilogue(help_text([program, sub, "--help"]), top, summary)
            page += [f".SS {sub}", summary.replace("\\", "\\e"), roff(sub_help)]
    page += [".SH SEE ALSO", "tensorscope(1), tensorscope-cli(1)"]
    data = ("\n".join(page) + "\n").encode("utf-8")
    with open(out, "wb") as f:  # mtime 0 and no file name: the same bytes on every build
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(data)


if __name__ == "__main__":
    main()
