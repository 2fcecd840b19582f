"""The command line as a user meets it: help, version, exit codes, no tracebacks."""

import subprocess
import sys

import pytest

from geoincident.cli import COMMANDS, main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geoincident", *args], capture_output=True, text=True)


def test_python_m_help_lists_every_command():
    proc = run("--help")
    assert proc.returncode == 0
    for name in COMMANDS:
        assert name in proc.stdout
    assert "exit codes" in proc.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command):
    proc = run(command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "example" in proc.stdout.lower()


def test_unknown_option_is_a_usage_error_without_traceback():
    proc = run("resolve", "--no-such-option")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out
