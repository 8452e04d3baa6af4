"""Print the README's quick-start commands, one per line, exactly as written.

CI runs these lines literally and in order (``.ci/run``), so the README's promise and what
CI checks cannot drift apart. The commands are the non-empty, non-comment lines of the first
fenced code block after the ``## Quick start`` heading.
"""

from __future__ import annotations

import sys
from pathlib import Path


def quickstart_lines(readme_text: str) -> list[str]:
    """The commands of the first fenced block under ``## Quick start``.

    Raises
    ------
    ValueError
        If there is no such heading or block, or the block is empty.
    """
    lines = readme_text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "## Quick start")
    except StopIteration:
        raise ValueError("README has no '## Quick start' heading") from None
    fence = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("```")), None)
    if fence is None:
        raise ValueError("no code block under '## Quick start'")
    commands = []
    for line in lines[fence + 1:]:
        if line.startswith("```"):
            break
        if line.strip() and not line.strip().startswith("#"):
            commands.append(line.strip())
    if not commands:
        raise ValueError("the quick-start code block is empty")
    return commands


if __name__ == "__main__":
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    print("\n".join(quickstart_lines(readme.read_text(encoding="utf-8"))))
