"""Packaging: the licence, the metadata, one version, the optional extras and the English help.

The slow test at the end builds the wheel and installs it WITHOUT extras into a fresh virtual
environment (pip resolves the core's dependencies from the machine's configured index), then
embeds the engine on SQLite there and asks the command line for the web server it lacks.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import disputeflow
from disputeflow.extras import EXTRA_OF_MODULE, install_message, missing_extra

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = Path(sys.executable).parent / "disputeflow"
OPTIONAL = {"fastapi", "uvicorn", "psycopg", "openpyxl", "python-calamine", "lxml", "python-docx", "pillow",
            "argon2-cffi", "itsdangerous", "python-multipart"}


def setup_cfg() -> configparser.ConfigParser:
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    return cfg


def names(block: str) -> set[str]:
    return {re.split(r"[<>=\[; ]", line.strip(), maxsplit=1)[0].lower() for line in block.splitlines()
            if line.strip() and not line.strip().startswith("#")}


def test_the_licence_is_the_apache_license_in_full():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    for must in ("Apache License", "Version 2.0, January 2004", "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND "
                 "DISTRIBUTION", "9. Accepting Warranty or Additional Liability.", "END OF TERMS AND CONDITIONS"):
        assert must in text, must
    assert setup_cfg()["metadata"]["license"] == "Apache-2.0"


def test_metadata_has_classifiers_and_project_urls():
    meta = setup_cfg()["metadata"]
    classifiers = {line.strip() for line in meta["classifiers"].splitlines() if line.strip()}
    for prefix in ("Development Status ::", "Intended Audience ::", "License :: OSI Approved :: Apache Software License",
                   "Operating System ::", "Framework :: FastAPI", "Topic ::", "Programming Language :: Python :: 3.11"):
        assert any(c.startswith(prefix) for c in classifiers), prefix
    try:
        from trove_classifiers import classifiers as known
    except ImportError:
        known = None
    if known is not None:
        assert classifiers <= set(known), classifiers - set(known)
    urls = dict(line.split(" = ", 1) for line in meta["project_urls"].strip().splitlines())
    assert {"Documentation", "Source", "Changelog"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())


def test_the_version_lives_in_one_place_and_the_changelog_agrees():
    assert setup_cfg()["metadata"]["version"].strip() == "attr: disputeflow.__version__"
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert released, "CHANGELOG.md names no released version"
    assert released[0] == disputeflow.__version__, \
        f"CHANGELOG.md's latest release is {released[0]}, disputeflow.__version__ is {disputeflow.__version__}"
    assert importlib.metadata.version("disputeflow") == disputeflow.__version__


def test_the_core_leaves_the_web_server_the_driver_and_the_importers_to_extras():
    options = setup_cfg()["options.extras_require"]
    core = names(setup_cfg()["options"]["install_requires"])
    assert not core & OPTIONAL, core & OPTIONAL
    assert {"fastapi", "uvicorn"} <= names(options["web"])
    assert names(options["postgres"]) == {"psycopg"}
    assert {"openpyxl", "python-calamine", "python-docx"} <= names(options["import"])
    assert "disputeflow" in names(options["all"]) and "web,postgres,import" in options["all"]
    assert "disputeflow[all]" in options["test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-e '.[all,test]'" in makefile and "-e '.[all]'" in makefile


def test_a_missing_extra_is_named_in_chinese_and_english():
    assert missing_extra(ModuleNotFoundError("No module named 'fastapi'", name="fastapi")) == "web"
    assert missing_extra(ModuleNotFoundError("No module named 'psycopg'", name="psycopg")) == "postgres"
    wrapped = RuntimeError("wrapped")
    wrapped.__cause__ = ModuleNotFoundError("No module named 'openpyxl.styles'", name="openpyxl.styles")
    assert missing_extra(wrapped) == "import"
    assert missing_extra(ModuleNotFoundError("No module named 'nothing_of_ours'", name="nothing_of_ours")) is None
    assert missing_extra(ValueError("x")) is None
    zh = install_message("web")
    assert "可选组件 disputeflow[web]" in zh and "pip install 'disputeflow[web]'" in zh
    assert "disputeflow[postgres]" in install_message("postgres", "en")
    assert set(EXTRA_OF_MODULE.values()) == {"web", "postgres", "import"}


@pytest.mark.parametrize("args", [["--lang", "en", "--help"], ["--help", "--lang", "en"]])
def test_english_help(args):
    proc = subprocess.run([str(CONSOLE), *args], capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if k != "DISPUTEFLOW_LANG"})
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "dispute case-workflow engine" in out and "Commands:" in out
    assert "Database URL" in out and "Run one escalation sweep" in out
    assert not re.search(r"[\u4e00-\u9fff]{2,}：", out)  # no Chinese help line left
    assert "命令" not in out and "数据库地址" not in out


def test_chinese_help_by_default():
    proc = subprocess.run([str(CONSOLE), "--help"], capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if k != "DISPUTEFLOW_LANG"})
    assert proc.returncode == 0 and "命令:" in proc.stdout and "数据库地址" in proc.stdout


EMBED = textwrap.dedent("""
    import sys
    from datetime import datetime, timezone
    from disputeflow import Engine, FixedClock

    engine = Engine("sqlite:///core.db", clock=FixedClock(datetime(2026, 3, 2, 1, tzinfo=timezone.utc)))
    engine.init()
    engine.add_unit("town", "样板镇", "town")
    engine.add_unit("v1", "一村", "village", parent="town")
    engine.add_user("med", "调解员甲", "mediator", "v1")
    seen = []
    engine.on("assess", lambda outcome: seen.append(outcome.number))
    number = engine.report("med", title="邻里纠纷", category="neighbour", unit="v1",
                           parties=["张三:applicant:13812348000"]).number
    engine.act(number, "assess", "med", risk="low")
    loaded = sorted(m for m in ("fastapi", "uvicorn", "psycopg", "openpyxl") if m in sys.modules)
    print(engine.case(number)["state"], seen == [number], loaded)
""")


@pytest.fixture(scope="module")
def core_venv(tmp_path_factory) -> Path:
    """The wheel installed without extras into a fresh virtual environment."""
    out = tmp_path_factory.mktemp("core")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (wheel,) = out.glob("disputeflow-*.whl")
    venv = out / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0 and ("No matching distribution" in proc.stderr or "Could not find" in proc.stderr):
        pytest.skip(f"the core's dependencies cannot be resolved from this machine's index: {proc.stderr[-500:]}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return venv


def test_the_core_wheel_embeds_on_sqlite_without_extras(core_venv, tmp_path):
    python = core_venv / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], capture_output=True,
                               text=True, timeout=120).stdout.lower()
    present = {line.split("==")[0] for line in installed.splitlines()}
    assert not present & OPTIONAL, present & OPTIONAL
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DISPUTEFLOW_DB", "DISPUTEFLOW_LANG")}
    proc = subprocess.run([str(python), "-c", EMBED], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["assessed", "True", "[]"]
    console = core_venv / "bin" / "disputeflow"
    proc = subprocess.run([str(console), "--db", "sqlite:///core.db", "serve"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "disputeflow[web]" in proc.stderr and "请执行" in proc.stderr, proc.stderr
    proc = subprocess.run([str(console), "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "overdue"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2 and "disputeflow[postgres]" in proc.stderr, proc.stderr
    proc = subprocess.run([str(console), "--lang", "en", "--help"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0 and "Commands:" in proc.stdout
