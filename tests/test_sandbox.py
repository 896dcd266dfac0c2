"""Tests for nncourse.sandbox's bubblewrap command line."""

import sys
from pathlib import Path

from nncourse import sandbox


def test_folders_under_tmp_that_the_kernel_needs_are_shown_again(monkeypatch, tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    monkeypatch.setattr(sys, "prefix", str(venv))
    prefix = sandbox.bwrap_prefix("bwrap", tmp_path / "scratch", hidden=[])
    tmpfs = prefix.index("/tmp")
    rebind = prefix.index(str(venv.resolve()))
    assert prefix[rebind - 1] == "--ro-bind" and rebind > tmpfs


def test_hidden_folders_are_covered_but_not_the_python_installation(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    prefix = sandbox.bwrap_prefix("bwrap", tmp_path / "scratch", hidden=[out, Path(sys.prefix)])
    assert prefix[prefix.index(str(out.resolve())) - 1] == "--tmpfs"
    assert ["--tmpfs", str(Path(sys.prefix).resolve())] not in [
        prefix[i : i + 2] for i in range(len(prefix) - 1)
    ]
