"""The documentation: it builds with warnings as errors, its generated references cover the code,
and every code block marked runnable runs as it stands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "hooks"))
import reference  # noqa: E402  (docs/hooks/reference.py)

RUNNABLE = re.compile(r"^```\{\.(python|bash)\b[^}]*\.runnable\b[^}]*\}[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)


def runnable_blocks() -> dict[tuple[str, str], list[str]]:
    """(page, language) → the page's runnable blocks in order."""
    out: dict[tuple[str, str], list[str]] = {}
    for page in sorted(DOCS.rglob("*.md")):
        for lang, code in RUNNABLE.findall(page.read_text(encoding="utf-8")):
            out.setdefault((str(page.relative_to(DOCS)), lang), []).append(code)
    return out


BLOCKS = runnable_blocks()


def test_the_site_builds_strict_and_offline(tmp_path):
    site = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(site)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]  # without -q: a quiet build logs no warnings for --strict to count
    for page in ("index.html", "start/mediator.html", "start/supervisor.html", "start/operator.html",
                 "start/embedding.html", "concepts.html", "operations.html", "examples.html",
                 "workflows/hotline.html", "workflows/petition.html", "reference/configuration.html",
                 "reference/cli.html", "reference/python.html", "reference/http.html", "reference/internal.html", "changelog.html"):
        assert (site / page).is_file(), page
    python_ref = (site / "reference" / "python.html").read_text(encoding="utf-8")
    for anchor in ("engine.Engine", "engine.Engine.act", "engine.Engine.report", "commands.Outcome",
                   "timesource.FixedClock", "guards.register_guard", "errors.ValidationError"):
        assert f'id="disputeflow.workflow.{anchor}"' in python_ref, anchor  # the entry itself, not a mention in an import
    cli_ref = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    assert "disputeflow case open" in cli_ref and "--workflow" in cli_ref
    http_ref = (site / "reference" / "http.html").read_text(encoding="utf-8")
    for route in ("GET /api/v1/overdue", "GET /api/v1/persons", "GET /api/v1/persons/{person_id}",
                  "POST /api/v1/persons/{person_id}/contacts"):
        assert route in http_ref, route
    # offline: no script, stylesheet or font fetched from the network
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', text), html


def test_cli_reference_walks_every_command_including_lazy_ones(tmp_path, monkeypatch):
    from disputeflow.cli import commands as cli_module

    (tmp_path / "docs_probe_cli.py").write_text(textwrap.dedent('''
        import click

        @click.group(help="探针命令组。")
        def group():
            pass

        @group.command("ping", help="探针子命令。")
        @click.option("--times", type=int, default=1, help="次数。")
        def ping(times):
            pass
    '''), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(cli_module.LAZY_COMMANDS, "probe", ("docs_probe_cli:group", "探针"))
    page = reference.cli_markdown()
    paths = reference.cli_command_paths()
    assert "disputeflow probe ping" in paths and "disputeflow case do" in paths
    for path in paths:
        assert f"`{path}`" in page, path
    assert "`--times`" in page and "次数。" in page
    cli_module.cli.commands.pop("probe", None)  # the lazy load registered it on the shared group


def test_configuration_reference_covers_every_key_the_code_reads():
    from dataclasses import fields

    from disputeflow.workflow.config import Config

    page = reference.config_markdown()
    for f in fields(Config):
        assert f"| `{f.name}` |" in page, f.name
    for key in reference.policy_keys_in_code():
        assert re.search(rf"`[^`]*\b{re.escape(key)}\b[^`]*`", page), key
    for table, keys in reference.subtable_keys_in_code().items():
        for key in keys:
            assert f"`{table}.{key}`" in page
    # every key the shipped policy file uses is named in the table
    shipped = tomllib.loads((ROOT / "workflow" / "policy.toml").read_text(encoding="utf-8"))
    table_part = page.split("### The shipped policy")[0]
    for key in shipped:
        assert f"`{key}" in table_part, key
    for step_key in shipped["ladder"][0]:
        assert f"`ladder.{step_key}`" in table_part, step_key


def test_http_reference_with_and_without_the_web_package():
    absent = reference.http_markdown(None, probe=False)
    assert "not part of this build" in absent
    sample = {"info": {"title": "disputeflow", "version": "1"}, "paths": {
        "/api/cases/{number}": {"get": {"summary": "案件详情", "parameters": [
            {"name": "number", "in": "path", "required": True}], "responses": {"200": {}, "404": {}}}}}}
    present = reference.http_markdown(sample)
    assert "## `GET /api/cases/{number}`" in present and "`number` | path | True" in present
    assert "`404`" in present
    import importlib.util

    doc = reference.openapi_document()
    if importlib.util.find_spec("web") is None:
        assert doc is None
    else:
        assert doc is not None and doc["paths"]


def test_runnable_blocks_are_found():
    pages = {page for page, _ in BLOCKS}
    assert {"start/embedding.md", "start/operator.md", "workflows/hotline.md", "workflows/petition.md",
            "workflows/definitions.md"} <= pages
    assert sum(len(v) for v in BLOCKS.values()) >= 7


@pytest.mark.parametrize("page,lang", sorted(BLOCKS), ids=[f"{p}:{lang}" for p, lang in sorted(BLOCKS)])
def test_runnable_block(page, lang, tmp_path):
    code = "\n".join(BLOCKS[(page, lang)])
    env = {**os.environ, "DISPUTEFLOW_DB": f"sqlite:///{tmp_path / 'docs.db'}",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("DISPUTEFLOW_CONFIG", None)
    env.pop("DISPUTEFLOW_USER", None)
    env.pop("DISPUTEFLOW_NOW", None)
    if lang == "python":
        cmd = [sys.executable, "-c", code]
    else:
        cmd = ["bash", "-e", "-o", "pipefail", "-c", code]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert proc.returncode == 0, f"{page} ({lang}) failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"


def test_the_statistics_page_carries_every_definition_the_reports_print():
    from disputeflow.reports.stats import DEFINITIONS

    page = (DOCS / "statistics.md").read_text(encoding="utf-8")
    missing = [key for key, zh, en in DEFINITIONS if zh not in page or en not in page]
    assert missing == [], f"docs/statistics.md lacks the definitions of {missing}"
