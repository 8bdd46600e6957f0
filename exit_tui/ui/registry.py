"""The app's areas (screens), declared once: the app's modes, number keys, command palette, help screen and the
dashboard's cards all derive from `AREAS`.

To add a screen: write `ui/screens/<area>.py` with a `ProjectScreen` subclass (`reload()` loads its data in a
worker; `take_request()` gives what another screen asked it to show), add its name, short name and tooltip to
i18n/zh.py and en.py, and append one `Area(...)` to AREAS below: mode, key ("4".."7", or None for palette-only),
those catalog keys, the screen as "module:Class" (imported when first shown) and, if it has figures for the
dashboard, its cards. Nothing else changes; `app.show(mode, request)` opens it from anywhere.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

from ..domain.money import format_fen
from ..i18n import _, _n
from ..i18n.labels import days_text
from ..services.readmodels import DUE_SOON_DAYS, Dashboard
from .requests import AccountsRequest, ChecklistRequest, HandoverRequest, PeopleRequest, RisksRequest

if TYPE_CHECKING:
    from .screens.base import ProjectScreen


@dataclass(frozen=True)
class CardView:
    """What a dashboard card shows, and the request its area's screen receives when the card is opened."""

    caption: str
    figure: str
    note: str = ""
    alert: bool = False
    request: object | None = None
    short: str = ""
    """The caption for a narrow card (at 80 columns a card has 11 cells); the caption itself when empty."""


@dataclass(frozen=True)
class AreaCard:
    """A figure on the dashboard; clicking it (or enter on it) opens its area."""

    id: str
    """The widget id (`#card-<id>`)."""
    view: Callable[[Dashboard], CardView]
    """What the card shows for the dashboard's figures (in the current language)."""
    order: int
    """Position among all areas' cards, left to right."""


@dataclass(frozen=True)
class Area:
    """One screen of the app, reachable by its key (if any) and from the command palette."""

    mode: str
    key: str | None
    """"1".."7", or None for a screen reached from the palette only."""
    name: str
    """Catalog key of the screen's name (palette, help)."""
    label: str
    """Catalog key of its short name (footer, help)."""
    tip: str
    """Catalog key of one line on what it shows."""
    screen: str
    """The screen class as "module:Class"; imported when the screen is first shown."""
    cards: tuple[AreaCard, ...] = ()

    def create(self) -> "ProjectScreen":
        """A new screen of this area (it knows its mode, to take the requests sent to it)."""
        module, name = self.screen.split(":")
        screen = getattr(importlib.import_module(module), name)()
        screen.area = self.mode
        return screen

    def binding(self, action_namespace: str = "", show: bool = False) -> Binding:
        """The binding of this area's key (catalog keys: translated when the bound node is created)."""
        return Binding(self.key, f"{action_namespace}show('{self.mode}')", self.label, tooltip=self.tip,
                       show=show, id=f"to-{self.mode}" if action_namespace else self.mode)


# -- the cards of the first areas ------------------------------------------------------------------------


def _checklist(**request: object) -> object:
    return ChecklistRequest(**request)


def _handover(data: Dashboard) -> CardView:
    return CardView(_("dash.days_to_t"), days_text(data.days_to_handover), data.project.dates.handover.isoformat(),
                    alert=0 <= data.days_to_handover <= DUE_SOON_DAYS, short=_("dash.short.days_to_t"))


def _contract_end(data: Dashboard) -> CardView:
    return CardView(_("dash.days_to_contract_end"), days_text(data.days_to_contract_end),
                    data.project.dates.contract_end.isoformat(), short=_("dash.short.days_to_contract_end"))


def _deadline(data: Dashboard) -> CardView:
    deadline = data.next_deadline
    if deadline is None:
        return CardView(_("dash.next_deadline"), "-", alert=data.deadline_alerts > 0,
                        short=_("dash.short.next_deadline"))
    days = (deadline.day - data.today).days
    detail = deadline.basis  # its date is the figure's: a card has room for one of them
    if data.deadline_alerts:
        detail = _n("dash.deadline_alerts", data.deadline_alerts, n=data.deadline_alerts)
    return CardView(_("dash.next_deadline"), days_text(days), detail,
                    alert=data.deadline_alerts > 0 or days <= DUE_SOON_DAYS, short=_("dash.short.next_deadline"))


def _overdue(data: Dashboard) -> CardView:
    return CardView(_("dash.overdue"), str(data.overdue), alert=data.overdue > 0,
                    request=_checklist(overdue_only=True), short=_("dash.short.overdue"))


def _due_soon(data: Dashboard) -> CardView:
    return CardView(_n("dash.due_soon", DUE_SOON_DAYS, days=DUE_SOON_DAYS), str(data.due_soon), request=_checklist(),
                    short=_n("dash.short.due_soon", DUE_SOON_DAYS, days=DUE_SOON_DAYS))


def _done(data: Dashboard) -> CardView:
    percent = round(100 * data.done / data.total) if data.total else 0
    return CardView(_("dash.done"), f"{percent}%", f"{data.done}/{data.total}", request=_checklist())


def handover_card(data: Dashboard) -> CardView:
    """移交进度: the share of register items handed over; below, what is owed, key gaps and open punch-list items,
    the most pressing first and only those there are (a card shows about 15 cells of it, its tooltip all), or the
    items handed over of all when there is none. An alert while anything is owed or a key count does not balance."""
    figures = data.handover
    percent = 100 * figures.handed // figures.items if figures.items else 0  # 100% only once all are handed
    counts = (("dash.handover_owed", figures.not_handed), ("dash.handover_key_gaps", figures.key_discrepancies),
              ("dash.handover_open", figures.open_inspections))
    note = " · ".join(_(key, n=n) for key, n in counts if n) or f"{figures.handed}/{figures.items}"
    return CardView(_("dash.handover_progress"), f"{percent}%", note,
                    alert=figures.not_handed > 0 or figures.key_discrepancies > 0,
                    request=_handover_request(figures), short=_("dash.short.handover_progress"))


def _handover_request(figures) -> HandoverRequest:
    """Where the card opens the Handover screen: on the most pressing of what it shows."""
    if figures.not_handed:
        return HandoverRequest("batch")
    if figures.key_discrepancies:
        return HandoverRequest("key", "handover.filter.discrepancy")
    if figures.open_inspections:
        return HandoverRequest("inspection", "filter.open")
    return HandoverRequest("document")


def accounts_card(data: Dashboard) -> CardView:
    """业主对账: units whose every line is confirmed, settled or carved out, of all units with lines; below, the
    amount not yet confirmed and the amount disputed (an alert while anything is disputed)."""
    figures = data.accounts
    parts = []
    if figures.unreconciled_fen:
        parts.append(_("dash.accounts_open", amount=format_fen(figures.unreconciled_fen)))
    if figures.disputed_fen:
        parts.append(_("dash.accounts_disputed", amount=format_fen(figures.disputed_fen)))
    request = AccountsRequest("line", state="disputed" if figures.disputed_fen else "open")
    return CardView(_("dash.accounts"), f"{figures.units_closed}/{figures.units}", " · ".join(parts),
                    alert=figures.disputed_fen > 0, request=request, short=_("dash.short.accounts"))


def risks_card(data: Dashboard) -> CardView:
    """未关闭风险: the open risks; below, the extreme and high ones and the reviews that are late (an alert while
    any is extreme or a review is late)."""
    figures = data.risks
    parts = [_("dash.risks_note", extreme=figures.extreme, high=figures.high)]
    if figures.overdue_reviews:
        parts.append(_("dash.risks_reviews", n=figures.overdue_reviews))
    return CardView(_("dash.risks"), str(figures.open), " · ".join(parts),
                    alert=figures.extreme > 0 or figures.overdue_reviews > 0, request=RisksRequest(status="open"),
                    short=_("dash.short.risks"))


def staff_card(data: Dashboard) -> CardView:
    """员工安置: placements done of all employees; below, those still to place and the severance owed (an alert
    while art 41's threshold is reached, a termination is blocked, or a severance cannot be computed)."""
    figures = data.staff
    parts = [_("dash.staff_note", n=figures.to_place, amount=format_fen(figures.severance_fen))]
    if figures.alerts:
        parts.append(_n("dash.staff_alerts", figures.alerts, n=figures.alerts))
    request = PeopleRequest(filter="alerts" if figures.alerts else "pending" if figures.to_place else "all")
    return CardView(_("dash.staff"), f"{figures.placed}/{figures.employees}", " · ".join(parts),
                    alert=figures.alerts > 0, request=request, short=_("dash.short.staff"))


def parties_card(data: Dashboard) -> CardView:
    """通知与合同: notices still to send; below, the overdue ones, the statutory ones refused or without proof, and
    the contracts flagged (notice late, a lift or fire maintenance gap before T) — an alert while any is."""
    figures = data.parties
    parts = []
    if figures.notices_overdue:
        parts.append(_("dash.notices_overdue", n=figures.notices_overdue))
    if figures.notices_at_risk:
        parts.append(_("dash.notices_at_risk", n=figures.notices_at_risk))
    if figures.contracts_late or figures.contracts_gap:
        parts.append(_("dash.contracts_flagged", n=figures.contracts_late + figures.contracts_gap))
    notices_alert = figures.notices_overdue or figures.notices_at_risk
    if notices_alert or not (figures.contracts_late or figures.contracts_gap):
        request = PeopleRequest("notice", filter="overdue" if figures.notices_overdue else
                                "at_risk" if figures.notices_at_risk else "owed")
    else:
        request = PeopleRequest("contract", filter="flagged")
    return CardView(_("dash.parties"), str(figures.notices_owed), " · ".join(parts) or _("dash.parties_ok"),
                    alert=bool(parts), request=request, short=_("dash.short.parties"))


AREAS: dict[str, Area] = {
    area.mode: area
    for area in (
        Area("dashboard", "1", "screen.dashboard", "key.dashboard", "tip.dashboard",
             "exit_tui.ui.screens.dashboard:DashboardScreen"),
        Area("checklist", "2", "screen.checklist", "key.checklist", "tip.checklist",
             "exit_tui.ui.screens.checklist:ChecklistScreen",
             cards=(AreaCard("overdue", _overdue, 2), AreaCard("soon", _due_soon, 3), AreaCard("done", _done, 4))),
        Area("timeline", "3", "screen.timeline", "key.timeline", "tip.timeline",
             "exit_tui.ui.screens.timeline:TimelineScreen",
             cards=(AreaCard("handover", _handover, 0), AreaCard("contract", _contract_end, 1),
                    AreaCard("deadline", _deadline, 5))),
        Area("handover", "4", "screen.handover", "key.handover", "tip.handover",
             "exit_tui.ui.screens.handover:HandoverScreen",
             cards=(AreaCard("handover-progress", handover_card, 6),)),
        Area("accounts", "5", "screen.accounts", "key.accounts", "tip.accounts",
             "exit_tui.ui.screens.accounts:AccountsScreen",
             cards=(AreaCard("accounts", accounts_card, 7),)),
        Area("risks", "6", "screen.risks", "key.risks", "tip.risks", "exit_tui.ui.screens.risks:RisksScreen",
             cards=(AreaCard("risks", risks_card, 8),)),
        Area("people", "7", "screen.people", "key.people", "tip.people", "exit_tui.ui.screens.people:PeopleScreen",
             cards=(AreaCard("staff", staff_card, 9), AreaCard("parties", parties_card, 10))),
        Area("audit", None, "screen.audit", "key.audit", "tip.audit", "exit_tui.ui.screens.audit:AuditScreen"),
    )
}
"""Every area by mode, in the order of their keys (a test may add one with monkeypatch.setitem)."""


def areas() -> list[Area]:
    return list(AREAS.values())


def keyed_areas() -> list[Area]:
    """The areas that have a key, by key."""
    return sorted((a for a in AREAS.values() if a.key), key=lambda a: a.key)


def cards() -> list[tuple[Area, AreaCard]]:
    """Every area's dashboard cards, left to right."""
    return sorted(((a, c) for a in AREAS.values() for c in a.cards), key=lambda pair: pair[1].order)
