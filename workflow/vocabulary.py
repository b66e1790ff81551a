"""The built-in roles and unit kinds, with their Chinese and English labels.

Plain data, imported by the engine, its queries and the command line alike, so that none of
them has to import the engine facade to name a role or a unit kind. A workflow definition
may add roles of its own (``[roles.<name>]``); these are the ones every deployment has.
"""

ROLE_LABELS = {
    "grid_officer": ("网格员", "grid officer"),
    "mediator": ("调解员", "mediator"),
    "lead_official": ("包案领导", "lead official"),
    "supervisor": ("督办人员", "supervisor"),
    "office_staff": ("站所工作人员", "office staff"),
    "admin": ("管理员", "administrator"),
    "system": ("系统", "system"),
}
UNIT_KINDS = {
    "county": ("县（区）", "county"),
    "town": ("镇", "town"),
    "village": ("村", "village"),
    "community": ("社区", "community"),
    "grid": ("网格", "grid"),
    "office": ("站所", "office"),
}
