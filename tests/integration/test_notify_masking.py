"""Personal data is masked in notifications built from the database, not only in the samples.

``tests/unit/test_notify_render.py`` renders ``disputeflow.notifications.samples``, which
are masked already. Here a real case is reported with a full mobile number and
an identity number in its parties, title and description, outbox rows of every
event kind (and a digest whose items carry the raw title) are written, and the
rendering context is built the way the dispatcher builds it: the full numbers
must never reach a subject, body or short text, and the masked forms must show
where the templates show them.
"""

from __future__ import annotations

import pytest

from disputeflow.cases.message_facts import facts
from disputeflow.notifications import samples
from disputeflow.notifications.context import ContextBuilder
from disputeflow.notifications.privacy import scrub
from disputeflow.notifications.render import Renderer
from tests.conftest import build_town
from disputeflow import Engine
from disputeflow.workflow.commands import dumps

PHONE, PHONE_MASKED = "13812348000", "138****8000"
IDN, IDN_MASKED = "11010519491231002X", "**************002X"
OTHER_PHONE, OTHER_IDN = "13912345678", "440301198805061232"
FULL = (PHONE, IDN, OTHER_PHONE, OTHER_IDN, "13700001111", *samples.SECRETS)

TITLE = f"宅基地边界纠纷（张三 {PHONE} 身份证{IDN}）"
DESCRIPTION = f"张三（身份证{IDN}，电话{PHONE}）与李四因宅基地边界发生争执"
PARTIES = [{"name": "张三", "role": "applicant", "phone": PHONE, "id_number": IDN},
           {"name": f"李四{OTHER_PHONE}", "role": "respondent", "phone": OTHER_PHONE, "id_number": OTHER_IDN}]


@pytest.fixture
def built(db_url, clock):
    eng = Engine(db_url, clock=clock)
    eng.init()
    build_town(eng)
    number = eng.report("go", title=TITLE, description=DESCRIPTION, category="neighbour", unit="v1-g1",
                        parties=PARTIES, source="grid").number
    with eng._rt.store.read() as tx:
        case_id = tx.query("SELECT id FROM cases WHERE number = :n", {"n": number})[0][0]
        stored = tx.query("SELECT title, description FROM cases WHERE id = :id", {"id": case_id})[0]
        phones = {r[0] for r in tx.query("SELECT phone FROM parties WHERE case_id = :id", {"id": case_id})}
    # the data is stored unmasked: masking it is the notification context's job
    assert PHONE in stored[0] and IDN in stored[1] and PHONE in phones
    ids = {}
    with eng._rt.store.write() as tx:
        for key, spec in samples.EVENTS.items():
            payload = dict(spec["data"])
            if spec.get("items"):  # as disputeflow.workflow.digest writes them: the case title as stored
                payload["items"] = [{"number": number, "title": TITLE, "unit_name": "甲村第1网格", "clock": "resolve",
                                     "level": lvl, "due_at": "2026-03-01T01:00:00+00:00",
                                     "overdue_business_days": 2} for lvl in ("level3", "warning")]
            with_case = spec.get("case", True)
            tx.run("insert_outbox", {
                "now": tx.t(clock.now()), "event": spec.get("event", key), "case_id": case_id if with_case else None,
                "case_number": number if with_case else None, "actor": "sup", "audience": dumps(["user:sup"]),
                "payload": dumps(payload)})
            ids[key] = tx.query("SELECT max(id) FROM outbox", {})[0][0]
    builder = ContextBuilder(eng._rt, "https://tiaojie.example.gov.cn")
    with facts(eng._rt.store) as known:
        builder.load(known, known.notices(ids.values()))
    yield builder, ids, number
    eng.close()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_event_built_from_the_database_renders_masked(built, lang):
    builder, ids, number = built
    renderer = Renderer()
    assert set(ids) == set(samples.EVENTS)
    for key, oid in ids.items():
        event = builder.rows[oid].event
        ctx = builder.context(oid, lang, {"id": "sup", "name": "督办员"})
        short = renderer.render("short", lang, event, ctx)
        mail = renderer.render("email", lang, event, ctx)
        texts = (short.subject, short.text, mail.subject, mail.text, mail.html)
        for text in texts:
            for full in FULL:
                assert full not in text, f"{key}/{lang}: unmasked {full} in {text[:120]!r}"
        if ctx["case"] is not None:
            case = ctx["case"]
            # the context itself carries no full number, also in fields the shipped templates leave out
            assert IDN_MASKED in case["title"] and PHONE_MASKED in case["title"]
            assert IDN_MASKED in case["description"] and PHONE_MASKED in case["description"]
            assert [(p["phone"], p["id_number"]) for p in case["parties"]] == [
                (PHONE_MASKED, IDN_MASKED), ("139****5678", "**************1232")]
            assert case["parties"][1]["name"] == "李四139****5678"
            # the body shows the parties' phones and the title, masked
            assert PHONE_MASKED in mail.text and "139****5678" in mail.text, f"{key}/{lang}"
            assert IDN_MASKED in mail.text and IDN_MASKED in mail.html, f"{key}/{lang}"
        if key == "digest":
            assert [it["title"] for it in ctx["items"]] == [scrub(TITLE)] * 2
            assert mail.text.count(IDN_MASKED) == 2 and mail.text.count(PHONE_MASKED) == 2, mail.text
