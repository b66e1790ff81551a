"""Every standard mediation paper for a case taken through the procedure, as Word documents, on SQLite and PostgreSQL.

The procedure steps the papers read (consent, 告知, investigations, sessions, written and
oral agreements, performance at each visit) are the grassroots workflow's own, under its
record names (``consents``, ``notices``, ``investigations``, ``sessions``,
``performance``/``performance_note`` on ``follow_ups``, ``initiation`` and ``request`` at intake).
"""

from __future__ import annotations

import copy
import tomllib
from datetime import datetime, timezone
from importlib import resources

import pytest

from tests.conftest import build_town
from disputeflow import Engine, definition_from_dict
from disputeflow.reports import paper_docx, paperwork
from disputeflow.workflow.errors import ValidationError

INTAKE_NOTE = "内部备注：申请人曾扬言报复"
GRID_NAME = "甲村第1网格"
LOGIN_IDS = ("med1", "med-j", "go", "sup")
PARTIES = [
    {"name": "张三", "role": "applicant", "phone": "13812348000", "id_number": "11010519491231002X",
     "ethnicity": "汉族", "occupation": "农民", "address": "甲村3组"},
    {"name": "甲村建材有限公司", "role": "respondent", "kind": "organisation", "legal_representative": "李四",
     "phone": "13912345678", "address": "试点镇工业路1号"},
]


def papers_definition():
    """The shipped grassroots workflow, whose procedure steps the papers read, under a version of its own."""
    text = (resources.files("disputeflow.workflow") / "definitions" / "grassroots.toml").read_text(encoding="utf-8")
    doc = copy.deepcopy(tomllib.loads(text))
    doc["version"] = 90
    return definition_from_dict(doc)


class Clock:
    def __init__(self):
        self.t = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)

    def now(self):
        return self.t

    def step(self, hours: float = 2):
        from datetime import timedelta

        self.t += timedelta(hours=hours)


@pytest.fixture
def eng(db_url):
    clock = Clock()
    engine = Engine(db_url, clock=clock, definitions=[papers_definition()])
    engine.init()
    build_town(engine)
    engine.add_unit("v3", "东港村", "village", "t1", short_name="东")
    engine.add_user("med3", "调解员丙", "mediator", "v3")
    engine.clock_ = clock
    yield engine
    engine.close()


def _open(engine, unit: str = "v1-g1") -> str:
    return engine.report("go" if unit == "v1-g1" else "sup", title="货款纠纷", category="contract", unit=unit, parties=PARTIES, source="visit",
                         description="张三为公司送货，公司拖欠货款两万元。", initiation="application",
                         request="请求公司支付货款两万元\n支付逾期利息", note=INTAKE_NOTE).number


def _through_agreement(engine, n: str, mediator: str, outcome: str = "written_agreement") -> None:
    c = engine.clock_
    engine.act(n, "assign", "sup", mediator=mediator)
    engine.act(n, "assess", mediator, risk="low")
    engine.act(n, "consent", mediator, party="张三", agrees="yes")
    engine.act(n, "consent", mediator, party="甲村建材有限公司", agrees="yes")
    engine.act(n, "inform", mediator, informed_parties="张三、甲村建材有限公司", method="written")
    engine.act(n, "investigate", mediator, place="公司仓库", participants="会计王五", content="核对送货单共二十张。")
    engine.act(n, "mediate", mediator)
    c.step()
    engine.act(n, "session", mediator, place="村调解室", participants="村民代表赵六",
               statements="张三：货已送齐。\n公司：部分货物有质量问题。", proposal="按九折结算", result="未达成一致")
    c.step(24)
    engine.act(n, "session", mediator, place="村调解室", statements="双方同意按九五折结算。", proposal="九五折一次付清",
               result="达成协议")
    c.step()
    engine.act(n, "resolve", mediator, outcome=outcome, agreement="公司于2026年3月31日前支付货款一万九千元",
               oral_confirmation="双方当场口头确认" if outcome == "oral_agreement" else None)


def _visits_and_close(engine, n: str) -> None:
    c = engine.clock_
    c.step(72)
    engine.act(n, "follow_up", "go", method="visit", satisfaction="basically_satisfied", performance="partly",
               performance_note="已付一万元")
    c.step(24 * 14)
    engine.act(n, "follow_up", "med1", method="phone", satisfaction="satisfied", performance="full",
               performance_note="余款已付清，有收条", note="双方电话中确认不再争执")
    engine.act(n, "close", "sup")


def _docx(engine, kind: str, n: str, actor: str = "med1") -> str:
    name, body, mime = engine.report_file(kind, fmt="docx", actor=actor, number=n)
    assert name.endswith(".docx") and mime == paper_docx.DOCX_MIME and body[:2] == b"PK"
    return paper_docx.text_of(body)


def test_every_paper_of_a_case_taken_through_the_procedure(eng):
    n = _open(eng)
    _through_agreement(eng, n, "med1")
    _visits_and_close(eng, n)
    texts = {kind: _docx(eng, kind, n) for kind in paperwork.PAPERS if kind != "oral"}
    for kind, text in texts.items():
        assert "（2026）甲调字第001号" in text, kind
        assert "甲村人民调解委员会" in text or kind in ("investigation", "record", "visit"), kind
        assert INTAKE_NOTE not in text and GRID_NAME not in text, kind
        for login in LOGIN_IDS:
            assert login not in text, (kind, login)
    app = texts["application"]
    for particular in ("张三", "女", "汉族", "76岁", "农民", "甲村3组", "甲村建材有限公司", "法定代表人", "李四",
                       "请求公司支付货款两万元", "支付逾期利息"):
        assert particular in app, particular
    assert "☑当事人申请" in texts["acceptance"] and "☐人民调解委员会主动调解" in texts["acceptance"]
    assert "告知时间：2026-03-02" in texts["notice"] and "调解员甲" in texts["notice"]
    assert "公司仓库" in texts["investigation"] and "核对送货单共二十张。" in texts["investigation"]
    record = texts["record"]
    assert record.count("人民调解记录") == 2 and "村民代表赵六" in record and "按九折结算" in record
    assert "九五折一次付清" in record and "已告知当事人" in record
    assert "公司于2026年3月31日前支付货款一万九千元" in texts["agreement"] and "一式3份" in texts["agreement"]
    visit = texts["visit"]
    assert "网格员小王" in visit and "调解员甲" in visit  # the visitors by name
    assert "部分履行：已付一万元" in visit and "已全部履行：余款已付清，有收条" in visit
    assert "双方电话中确认不再争执" in visit  # the visit's note is kept in its record
    file_ = texts["file"]
    assert "人民调解卷宗" in file_ and "卷内目录" in file_ and "当事人身份证明" in file_ and "卷内备考表" in file_
    assert "收条或汇款单等履行凭证" in file_
    with pytest.raises(ValidationError):
        eng.report_file("oral", fmt="docx", actor="med1", number=n)


def test_the_number_is_kept_on_reprint_and_each_committee_counts_alone(eng):
    first = _open(eng)
    _through_agreement(eng, first, "med1")
    justice = _open(eng)
    _through_agreement(eng, justice, "med-j")
    second = _open(eng)
    east = _open(eng, unit="v3")
    _through_agreement(eng, east, "med3")
    assert "（2026）甲调字第001号" in _docx(eng, "agreement", first)
    # The justice office's staff mediate in the town committee's name, not the village's.
    text = _docx(eng, "agreement", justice, actor="sup")
    assert "（2026）试调字第001号" in text and "试点镇人民调解委员会" in text and "甲村人民调解委员会" not in text
    assert "（2026）甲调字第002号" in _docx(eng, "record", second)
    assert "（2026）东调字第001号" in _docx(eng, "agreement", east, actor="sup")  # the short name set on the unit
    # A reprint, in another format and by another reader, keeps the number.
    again = eng.report_file("agreement", fmt="html", actor="sup", number=first)[1].decode()
    assert "（2026）甲调字第001号" in again and "甲调字第003号" not in again


def test_an_oral_agreement_has_its_register(eng):
    n = _open(eng)
    _through_agreement(eng, n, "med1", outcome="oral_agreement")
    text = _docx(eng, "oral", n)
    assert "人民调解口头协议登记表" in text and "双方当场口头确认" in text and "一万九千元" in text
    with pytest.raises(ValidationError):
        eng.report_file("agreement", fmt="docx", actor="med1", number=n)


def test_a_case_without_the_new_records_prints_blank_forms(eng):
    from tests.conftest import report

    n = report(eng, note=INTAKE_NOTE)
    for kind in ("application", "acceptance", "notice", "investigation", "record", "visit", "file"):
        text = _docx(eng, kind, n)
        assert "（2026）甲调字第001号" in text and INTAKE_NOTE not in text and GRID_NAME not in text
    assert "尚未回访" in _docx(eng, "visit", n)
    english = eng.report_file("file", fmt="docx", actor="med1", number=n, lang="en")
    assert english[0].endswith("-case-file.docx") and "People's mediation file" in paper_docx.text_of(english[1])


def test_particulars_are_stored_masked_and_covered_by_the_audit_chain(eng):
    n = _open(eng)
    eng.act(n, "add_party", "go",
            party=['{"name": "王五", "role": "other", "gender": "男", "birth_date": "1980-05-01", "occupation": "教师"}'])
    full = eng.case(n, "med1")["parties"]
    assert (full[0]["gender"], full[0]["birth_date"], full[0]["ethnicity"]) == ("female", "1949-12-31", "汉族")
    assert (full[1]["kind"], full[1]["legal_representative"]) == ("organisation", "李四")
    assert (full[2]["gender"], full[2]["occupation"]) == ("male", "教师")
    masked = eng.case(n, "admin")["parties"]
    assert masked[0]["birth_date"] == "1949-**-**" and masked[2]["birth_date"] == "1980-**-**"
    assert eng.verify_audit()["problems"] == []
    with pytest.raises(ValidationError) as e:
        eng.report("go", title="t", category="neighbour", unit="v1-g1",
                   parties=[{"name": "赵七", "gender": "未知", "birth_date": "2030-01-01"}])
    assert {x.field for x in e.value.errors} == {"parties[1].gender", "parties[1].birth_date"}


def test_first_prints_at_the_same_time_never_share_or_waste_a_number(eng):
    from concurrent.futures import ThreadPoolExecutor

    numbers = [_open(eng) for _ in range(4)]
    for n in numbers:
        eng.act(n, "assign", "sup", mediator="med1")
    jobs = numbers + [numbers[0]] * 4  # one case printed five times at once, with the others
    with ThreadPoolExecutor(max_workers=6) as pool:
        printed = list(pool.map(lambda n: eng.report_file("acceptance", actor="med1", number=n)[1].decode(), jobs))
    got = [next(f"{i:03d}" for i in range(1, 10) if f"甲调字第{i:03d}号" in html) for html in printed]
    assert sorted(set(got)) == ["001", "002", "003", "004"]  # no gap, no duplicate
    assert len(set(got[4:] + got[:1])) == 1  # the case printed five times got one number


def test_a_particular_changed_behind_the_engine_is_caught_by_the_audit(eng):
    from sqlalchemy import text

    from disputeflow.workflow.runtime import runtime_of

    n = _open(eng)
    assert eng.verify_audit()["problems"] == []
    with runtime_of(eng).db.begin() as conn:
        conn.execute(text("UPDATE parties SET particulars = :p WHERE seq = 1"),
                     {"p": '{"birth_date": "1949-12-31", "ethnicity": "满族", "gender": "female"}'})
    assert {(p.number, p.field) for p in eng.verify_audit()["problems"]} == {(n, "party:1")}
