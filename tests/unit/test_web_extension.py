"""The workspace's extension points: feature routers and the navigation registry."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_engine(tmp_path):
    from tests.conftest import build_town
    from disputeflow import Engine

    eng = Engine(f"sqlite:///{tmp_path / 'x.db'}")
    eng.init()
    build_town(eng)
    yield eng
    eng.close()


def test_feature_routers_are_included_when_importable_and_skipped_when_missing(app_engine, tmp_path, monkeypatch):
    import sys
    import types

    from fastapi import APIRouter
    from fastapi.testclient import TestClient

    from disputeflow.web import app as web_app, nav

    monkeypatch.setattr(nav, "_ITEMS", dict(nav._ITEMS))  # the registry is process-wide: restore it after
    mod = types.ModuleType("df_feature_demo")
    router = APIRouter()

    @router.get("/persons")
    def persons():
        return {"ok": True}

    mod.router = router
    mod.NAV_ITEMS = [nav.NavItem("persons", "/persons", "重点人员", "Key persons", ("supervisor",), 60)]
    monkeypatch.setitem(sys.modules, "df_feature_demo", mod)
    monkeypatch.setattr(web_app, "FEATURE_ROUTERS", ["df_feature_demo:router", "df_not_installed.anything:router"])
    app = web_app.create_app(app_engine)
    assert TestClient(app).get("/persons").json() == {"ok": True}
    assert "persons" in [i.key for i in nav.items_for("supervisor")]
    assert "persons" not in [i.key for i in nav.items_for("grid_officer")]


def test_nav_items_follow_roles():
    from disputeflow.web import nav

    grid = [i.key for i in nav.items_for("grid_officer")]
    sup = [i.key for i in nav.items_for("supervisor")]
    assert "board" not in grid and "report" in grid
    assert sup.index("work") < sup.index("board")


def test_diagram_draws_every_state_and_action_without_network():
    from disputeflow.web.diagram import svg
    from disputeflow.workflow.definition import builtin

    d = builtin("grassroots")
    out = svg(d, "zh_CN")
    assert out.startswith("<svg") and out.endswith("</svg>")
    for st in d.states:
        assert f'data-state="{st.name}"' in out and st.label.zh in out
    assert "研判" in out and "销号" in out
    assert "href" not in out and "<script" not in out
