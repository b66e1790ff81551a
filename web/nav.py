"""The navigation registry: the workspace's menu, extensible by feature modules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    key: str
    href: str
    zh: str
    en: str
    roles: tuple[str, ...] = ()  # empty: every signed-in role
    order: int = 100

    def label(self, lang: str) -> str:
        return self.en if lang.startswith("en") else self.zh


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    """Add or replace a menu entry (by key)."""
    _ITEMS[item.key] = item


def items_for(role: str | None) -> list[NavItem]:
    return sorted((i for i in _ITEMS.values() if not i.roles or role in i.roles), key=lambda i: (i.order, i.key))


for _item in (
    NavItem("work", "/", "我的工作", "My work", order=10),
    NavItem("report", "/report", "登记纠纷", "Report", ("grid_officer", "mediator", "supervisor"), order=20),
    NavItem("board", "/board", "督办看板", "Overdue board", ("supervisor", "lead_official", "admin"), order=30),
    NavItem("supervised", "/supervised", "挂牌督办", "Supervised", order=40),
    NavItem("inbox", "/inbox", "消息", "Inbox", order=50),
    NavItem("workflow", "/workflow", "流程图", "Workflow", order=90),
):
    register(_item)
