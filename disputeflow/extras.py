"""The optional parts of the distribution, and what to say when one is missing.

The core (``pip install disputeflow``) runs the engine on SQLite with the command line. The web
workspace, the PostgreSQL driver and the Excel/Word libraries are extras (see setup.cfg); a
command that needs one that is not installed says which extra to install, in the reader's
language, instead of ending with an ``ImportError``.
"""

from __future__ import annotations

# top-level module -> the extra that installs it
EXTRA_OF_MODULE = {
    "fastapi": "web",
    "starlette": "web",
    "uvicorn": "web",
    "argon2": "web",
    "itsdangerous": "web",
    "multipart": "web",
    "python_multipart": "web",
    "PIL": "web",
    "graphviz": "web",
    "psycopg": "postgres",
    "psycopg_binary": "postgres",
    "openpyxl": "import",
    "python_calamine": "import",
    "lxml": "import",
    "docx": "import",
}

PURPOSE = {
    "web": ("网页工作台和 HTTP 接口", "the web workspace and HTTP API"),
    "postgres": ("PostgreSQL 数据库驱动", "the PostgreSQL driver"),
    "import": ("Excel/Word 文件（台账导入、xlsx/docx 报表）", "Excel and Word files (ledger import, xlsx/docx reports)"),
}


def missing_extra(exc: BaseException) -> str | None:
    """The extra whose absence caused ``exc`` (a ``ModuleNotFoundError`` of one of its modules), else None."""
    seen = 0
    while exc is not None and seen < 5:  # SQLAlchemy and click may wrap the import error
        if isinstance(exc, ModuleNotFoundError) and exc.name:
            return EXTRA_OF_MODULE.get(exc.name.split(".")[0])
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
        seen += 1
    return None


def install_message(extra: str, lang: str = "zh_CN") -> str:
    """One line saying what is missing and the command that installs it."""
    zh, en = PURPOSE.get(extra, (extra, extra))
    command = f"pip install 'disputeflow[{extra}]'"
    if lang.startswith("en"):
        return f"{en} need the optional extra disputeflow[{extra}], which is not installed: run {command}"
    return f"未安装{zh}所需的可选组件 disputeflow[{extra}]，请执行：{command}"
