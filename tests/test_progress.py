"""The progress bar of `kg build`: shown on a terminal, never in a pipe, a file or with --quiet."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from click.testing import Result

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
BAR_PARTS = ("articles", "words/s")


def run_on_terminal(*args: str) -> tuple[int, str]:
    """Run `kg ARGS` with a pseudo-terminal as its standard output and error: exit code, screen."""
    controller, terminal = pty.openpty()
    # 30 rows of 120 columns, as a terminal window has
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", *args], stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    screen = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the command ended
                break
            if not chunk:
                break
            screen += chunk
    finally:
        os.close(controller)
    return process.wait(timeout=60), screen.decode("utf-8", errors="replace")


@pytest.mark.slow
def test_a_terminal_shows_articles_done_speed_and_time_left(tmp_path: Path) -> None:
    code, screen = run_on_terminal("build", str(SEEDS_DIR), "-o", str(tmp_path))
    assert code == 0, screen
    assert "2/2 articles" in screen
    assert "words/s" in screen
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", screen)  # time taken < time left
    assert "Built a graph of 2 articles" in screen


@pytest.mark.slow
def test_quiet_shows_no_bar_on_a_terminal(tmp_path: Path) -> None:
    code, screen = run_on_terminal("build", str(SEEDS_DIR), "-o", str(tmp_path), "--quiet")
    assert code == 0, screen
    assert screen == ""


def test_no_bar_when_output_is_not_a_terminal(seed_build: tuple[Path, Result]) -> None:
    _, result = seed_build
    assert result.stderr == ""
    assert not any(part in result.stdout for part in BAR_PARTS[1:])
