"""Every package of the distribution is marked typed (PEP 561) and the build ships the marker."""

from __future__ import annotations

import configparser
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _packages() -> list[str]:
    """The import packages under disputeflow/ (its linked folders followed), data folders left out."""
    found = []
    for folder, dirs, files in os.walk(ROOT / "disputeflow", followlinks=True):
        rel = Path(folder).relative_to(ROOT)
        dirs[:] = [d for d in dirs if d not in ("templates", "migrations", "__pycache__", "static")]
        if "__init__.py" in files:
            found.append(".".join(rel.parts))
    return sorted(found)


def test_every_package_has_py_typed_and_setup_cfg_ships_it():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    shipped = {k: v for k, v in cfg["options.package_data"].items()}
    packages = _packages()
    assert {"disputeflow", "disputeflow.workflow", "disputeflow.notifications.channels", "disputeflow.web"} <= set(packages)
    for name in packages:
        folder = ROOT / Path(*name.split("."))
        assert (folder / "py.typed").is_file(), f"{name} has no py.typed"
        assert "py.typed" in shipped.get(name, ""), f"setup.cfg package_data does not ship {name}/py.typed"
