"""The outcome values of a mediation, as the grassroots definition's ``outcome`` vocabulary holds them.

人民调解法 arts. 26 and 28: a written agreement (调解协议书), an oral agreement the
mediator records, or no agreement. ``agreement`` is the value stored before written
and oral agreements were told apart; it counts as a written one. Guards, the
clock that opens the judicial-confirmation window and the statistics (化解成功)
all read these sets, so they agree on what an agreement is.
"""

from __future__ import annotations

WRITTEN = frozenset({"written_agreement", "agreement"})
AGREED = WRITTEN | {"oral_agreement"}
