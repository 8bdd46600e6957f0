"""Announcements (公告, issue 14): versions of the announcements an exit publishes, drafted from the templates of
data/announcements.toml (domain/announcements.py) with the project's merge fields.

A draft (草稿) keeps its title and body as typed, merge fields and all, and is rendered on read: a project date
changed after drafting shows in it. Issuing (已发布) renders it once more and freezes the text: an issued version
is never edited (the service refuses), and a new version of the same template and language, once issued,
supersedes it (已被替代). Versions count per template and language (a Chinese notice and its English translation
are posted side by side). Every write is an ORM change, so it is audited, undone and deleted with the project.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from ..db.models import Announcement, Notice, Stakeholder
from ..domain import announcements as templates
from ..domain.accounts import Direction, LineCategory, LineState
from ..domain.announcements import LANGUAGES, Template, UnknownField, UnknownTemplate
from ..domain.parties import PREFIX, AnnouncementStatus, StakeholderKind
from ..i18n import CATALOGS, _, get_language
from . import accounts, audit, handover, projects
from .errors import UserError
from .ids import next_public_id, row_of
from .imports import normalize_id
from .inputs import clean_text
from .readmodels import AnnouncementRead

audit.declare(Announcement.__table__, "announcement")

MAX_TITLE = 200
MAX_BODY = 20_000
#: Lines a 公示 list counts (as io/accounts_print.NOTICED): not settled, not in dispute.
_NOTICED = (LineState.UNCONFIRMED.value, LineState.CONFIRMED.value)


@dataclass(frozen=True)
class DraftText:
    """A draft as the form edits it: title and body with their merge fields, and the fields that print blank."""

    title: str
    body: str
    blanks: tuple[str, ...]
    """Names (in the draft's language) of the fields it uses that have no value: printed as a line to fill."""


def label(status: str) -> str:
    """An announcement status in the current language (草稿 / 已发布 / 已被替代)."""
    return _(f"parties.announcement_status.{status}")


def template_of(name: str) -> Template:
    """The template with that key or name; UserError naming it, with the keys there are, when none has."""
    try:
        return templates.find_template(name)
    except UnknownTemplate:
        raise UserError("announcements.error.unknown_template", field="template", value=name,
                        known=", ".join(t.key for t in templates.templates())) from None


def _language(language: str | None) -> str:
    language = language or get_language()
    if language not in LANGUAGES:
        raise UserError("announcements.error.language", field="language", value=language)
    return language


def _checked(text: str, field: str, limit: int) -> str:
    """A title or body as typed: control characters removed, its merge fields all known (UserError naming the
    unknown ones), at most `limit` characters."""
    text = clean_text(text)
    if len(text) > limit:
        raise UserError("announcements.error.too_long", field=field, max=limit)
    try:
        templates.fields_in(text)
    except UnknownField as exc:
        raise UserError("announcements.error.unknown_field", field=field, names="、".join(exc.names)) from None
    return text


# -- merge fields --------------------------------------------------------------------------------------------------


def fields_of(session: Session, project_id: int, *, language: str | None = None,
              today: date | None = None) -> dict[str, Any]:
    """The merge fields' values for a project (by field key; dates as dates, money in fen, None where unknown):
    the project's own, the three handover parties (our company hands over, the new one receives, the supervisor
    watches), the committee among the stakeholders, and the accounts' figures and masked 公示 lists when the
    project has units or ledgers. `issue_date` is `today`; `phone` is never known (typed into the draft)."""
    language = _language(language)
    catalog = CATALOGS[language]
    project = projects.get_project(session, project_id)
    parties = {party.role: party for party in handover.list_parties(session, project_id)}
    committee = session.execute(
        select(Stakeholder.name).where(Stakeholder.project_id == project_id,
                                       Stakeholder.kind == StakeholderKind.COMMITTEE.value)
        .order_by(col(Stakeholder.id)).limit(1)).scalar()
    values: dict[str, Any] = {
        "project_name": project.name,
        "project_address": project.address,
        "units": project.units or None,
        "exit_type": catalog[f"exit_type.{project.exit_type.value}"],
        "contract_end": project.dates.contract_end,
        "handover_day": project.dates.handover,
        "continuation_end": project.dates.continuation_end,
        "company_name": parties["handing"].company,
        "company_representative": parties["handing"].representative,
        "phone": None,
        "new_company": parties["receiving"].company,
        "supervisor": parties["supervising"].company,
        "committee": committee,
        "issue_date": today,
        "announcement_no": None,
    }
    return {**values, **_accounts_fields(session, project_id, catalog)}


def _accounts_fields(session: Session, project_id: int, catalog: Mapping[str, str]) -> dict[str, Any]:
    """The settlement's figures and the 公示 lists by name, when the project has accounts (else None: blank)."""
    summary = accounts.settlement(session, project_id)
    figures = {"settlement_cutoff": summary.cutoff}
    if not summary.units and not any((summary.revenue_fen, summary.revenue_cost_fen, summary.repair_fund_fen,
                                      summary.fee_surplus_fen)):
        return {**figures, **dict.fromkeys(("public_revenue", "public_revenue_costs", "public_revenue_net",
                                            "repair_fund", "fee_surplus", "arrears_total", "prepaid_refund_total",
                                            "arrears_list", "prepaid_list"))}
    arrears = sum(t.due_fen for t in summary.by_category if t.category == LineCategory.ARREARS.value
                  and t.direction == Direction.OWES.value and t.state in _NOTICED)
    prepaid = sum(t.due_fen for t in summary.by_category if t.category == LineCategory.PREPAID.value
                  and t.state in _NOTICED)
    return {**figures, "public_revenue": summary.revenue_fen, "public_revenue_costs": summary.revenue_cost_fen,
            "public_revenue_net": summary.revenue_net_fen, "repair_fund": summary.repair_fund_fen,
            "fee_surplus": summary.fee_surplus_fen, "arrears_total": arrears, "prepaid_refund_total": prepaid,
            "arrears_list": catalog["announcements.arrears_list"],
            "prepaid_list": catalog["announcements.prepaid_list"]}


def field_names(language: str | None = None) -> list[tuple[str, str]]:
    """(name as written in a template of that language, English key) of every merge field, for a form's help."""
    language = _language(language)
    return [(f.key if language == "en" else f.zh, f.key) for f in templates.FIELDS]


def render_template(session: Session, project_id: int, template: str, *, language: str | None = None,
                    today: date, overrides: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(title, body) of a template rendered for the project, without storing anything (`exit-tui announce` when
    nothing is issued). `overrides` give fields by either name (`联系电话=…`); an unknown name is refused."""
    chosen, language = template_of(template), _language(language)
    values = {**fields_of(session, project_id, language=language, today=today), **_overrides(overrides)}
    return (templates.render(chosen.title(language), values, language),
            templates.render(chosen.body(language), values, language))


def _overrides(overrides: Mapping[str, str] | None) -> dict[str, str]:
    values = {}
    for name, value in (overrides or {}).items():
        field = templates.field_named(name)
        if field is None:
            raise UserError("announcements.error.unknown_field", field="field", names=name)
        values[field.key] = value
    return values


# -- reads ---------------------------------------------------------------------------------------------------------


def _read(row: Announcement, values: Mapping[str, Any] | None) -> AnnouncementRead:
    """A row as read: a draft rendered with `values` (its number and today's date filled in), an issued or
    superseded version as it was frozen."""
    title, body = row.title, row.body
    if row.status == AnnouncementStatus.DRAFT and values is not None:
        filled = {**values, "announcement_no": row.public_id}
        title = templates.render(title, filled, row.language)
        body = templates.render(body, filled, row.language)
    return AnnouncementRead(row.public_id, row.template, row.version, title, body, row.language, row.status,
                            row.issued_on, row.supersedes, row.notice_ref)


def _rows(session: Session, project_id: int, *where) -> list[Announcement]:
    return list(session.scalars(select(Announcement).where(Announcement.project_id == project_id, *where)
                                .order_by(col(Announcement.template), col(Announcement.language),
                                          col(Announcement.version))))


def list_announcements(session: Session, project_id: int, today: date | None = None, *,
                       status: str | None = None) -> list[AnnouncementRead]:
    """Every version (or those of one status) by template, language and version; drafts rendered for today."""
    rows = _rows(session, project_id, *([Announcement.status == status] if status else []))
    values_by_language: dict[str, dict] = {}
    reads = []
    for row in rows:
        if row.status == AnnouncementStatus.DRAFT and row.language not in values_by_language:
            values_by_language[row.language] = fields_of(session, project_id, language=row.language,
                                                         today=today or date.today())
        reads.append(_read(row, values_by_language.get(row.language)))
    return reads


def _row(session: Session, project_id: int, public_id: str) -> Announcement:
    return row_of(session, Announcement, project_id, public_id, "announcements.error.not_found")


def get_announcement(session: Session, project_id: int, public_id: str, today: date | None = None) -> AnnouncementRead:
    row = _row(session, project_id, public_id)
    values = None
    if row.status == AnnouncementStatus.DRAFT:
        values = fields_of(session, project_id, language=row.language, today=today or date.today())
    return _read(row, values)


def draft_text(session: Session, project_id: int, public_id: str, today: date | None = None) -> DraftText:
    """A draft's title and body as typed (what update_draft takes), and the fields it uses that print blank."""
    row = _draft_row(session, project_id, public_id)
    values = fields_of(session, project_id, language=row.language, today=today or date.today())
    values["announcement_no"] = row.public_id
    used = templates.fields_in(f"{row.title}\n{row.body}")
    blanks = tuple(f.key if row.language == "en" else f.zh for f in used if values.get(f.key) in (None, ""))
    return DraftText(row.title, row.body, blanks)


def current_issued(session: Session, project_id: int, template: str, language: str) -> AnnouncementRead | None:
    """The issued version of a template in a language (None when none is issued)."""
    rows = _rows(session, project_id, Announcement.template == template, Announcement.language == language,
                 Announcement.status == AnnouncementStatus.ISSUED.value)
    return _read(rows[-1], None) if rows else None


# -- writes --------------------------------------------------------------------------------------------------------


def _next_version(session: Session, project_id: int, template: str, language: str) -> int:
    last = session.execute(select(func.max(Announcement.version)).where(
        Announcement.project_id == project_id, Announcement.template == template,
        Announcement.language == language)).scalar()
    return (last or 0) + 1


def _refuse_second_draft(session: Session, project_id: int, template: str, language: str) -> None:
    drafts = _rows(session, project_id, Announcement.template == template, Announcement.language == language,
                   Announcement.status == AnnouncementStatus.DRAFT.value)
    if drafts:
        raise UserError("announcements.error.draft_exists", field="template", value=drafts[0].public_id)


def _add(session: Session, project_id: int, template: str, language: str, title: str, body: str,
         today: date | None) -> AnnouncementRead:
    _refuse_second_draft(session, project_id, template, language)
    row = Announcement(project_id=project_id, public_id=next_public_id(session, project_id, PREFIX["announcement"]),
                       template=template, version=_next_version(session, project_id, template, language),
                       title=title, body=body, language=language, status=AnnouncementStatus.DRAFT.value,
                       created_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    return get_announcement(session, project_id, row.public_id, today)


def draft(session: Session, project_id: int, template: str, language: str | None = None,
          today: date | None = None) -> AnnouncementRead:
    """A new draft of a template (by key or name) in a language (the current one by default): the template's
    text with its merge fields, rendered on read. Refused while the template has a draft in that language."""
    chosen, language = template_of(template), _language(language)
    return _add(session, project_id, chosen.key, language, chosen.title(language), chosen.body(language), today)


def new_version(session: Session, project_id: int, public_id: str, today: date | None = None) -> AnnouncementRead:
    """A new draft starting from an issued (or superseded) version's text, numbered after the last version of its
    template and language; issuing it supersedes the one issued then."""
    source = _row(session, project_id, public_id)
    if source.status == AnnouncementStatus.DRAFT:
        raise UserError("announcements.error.is_draft", value=public_id)
    return _add(session, project_id, source.template, source.language, _as_draft(source, source.title),
                _as_draft(source, source.body), today)


def _as_draft(source: Announcement, text: str) -> str:
    """An issued text as the next version's draft: as issued (braces doubled), but for what belongs to a version
    of its own, which becomes its merge field again: its number wherever it is, its issue date on a line of its
    own (the dateline: the same day elsewhere in the text, a handover on the day, stays)."""
    def name(key: str) -> str:
        field = templates.field_named(key)
        return f"{{{field.key if source.language == 'en' else field.zh}}}"

    text = templates.escape(text).replace(source.public_id, name("announcement_no"))
    if source.issued_on is None:
        return text
    dateline = templates.format_value(templates.field_named("issue_date"), source.issued_on, source.language)
    return "\n".join(name("issue_date") if line.strip() == dateline else line for line in text.split("\n"))


def _draft_row(session: Session, project_id: int, public_id: str) -> Announcement:
    row = _row(session, project_id, public_id)
    if row.status != AnnouncementStatus.DRAFT:
        raise UserError("announcements.error.frozen", value=public_id, status=label(row.status))
    return row


def update_draft(session: Session, project_id: int, public_id: str, today: date | None = None,
                 **values: Any) -> AnnouncementRead:
    """Change a draft's `title`, `body` (as typed, merge fields checked) or `notice_ref`; an issued version is
    refused (a new version replaces it)."""
    row = _draft_row(session, project_id, public_id)
    unknown = set(values) - {"title", "body", "notice_ref"}
    if unknown:
        raise UserError("announcements.error.unknown_input", field=sorted(unknown)[0], value=sorted(unknown)[0])
    if "title" in values:
        title = _checked("" if values["title"] is None else str(values["title"]), "title", MAX_TITLE)
        if not title:
            raise UserError("announcements.error.title_required", field="title")
        row.title = title
    if "body" in values:
        row.body = _checked("" if values["body"] is None else str(values["body"]), "body", MAX_BODY)
    if "notice_ref" in values:
        row.notice_ref = _notice_ref(session, project_id, values["notice_ref"])
    session.flush()
    return get_announcement(session, project_id, public_id, today)


def link_notice(session: Session, project_id: int, public_id: str, notice_ref: str | None) -> AnnouncementRead:
    """Record (or clear) the posting notice (N-, with its photo proof) of any version: where and when it was
    posted is a notice record, not part of the frozen text."""
    row = _row(session, project_id, public_id)
    row.notice_ref = _notice_ref(session, project_id, notice_ref)
    session.flush()
    return get_announcement(session, project_id, public_id)


def _notice_ref(session: Session, project_id: int, value: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    ref = normalize_id(value)
    found = session.execute(select(Notice.id).where(Notice.project_id == project_id, Notice.public_id == ref)).first()
    if found is None:
        raise UserError("announcements.error.unknown_notice", field="notice_ref", value=ref)
    return ref


def issue(session: Session, project_id: int, public_id: str, today: date) -> AnnouncementRead:
    """Issue a draft: its title and body rendered with the project's fields as of `today` and frozen, dated
    `today`; the version of the same template and language issued before is superseded by it."""
    row = _draft_row(session, project_id, public_id)
    values = {**fields_of(session, project_id, language=row.language, today=today), "announcement_no": public_id}
    row.title = templates.render(row.title, values, row.language)
    row.body = templates.render(row.body, values, row.language)
    previous = current_issued(session, project_id, row.template, row.language)
    if previous is not None:
        _row(session, project_id, previous.public_id).status = AnnouncementStatus.SUPERSEDED.value
        row.supersedes = previous.public_id
    row.status, row.issued_on = AnnouncementStatus.ISSUED.value, today
    session.flush()
    return _read(row, None)


def delete_draft(session: Session, project_id: int, public_id: str) -> None:
    """Remove a draft (its id is never given again); an issued version stays for the record."""
    row = _draft_row(session, project_id, public_id)
    session.delete(row)
    session.flush()


def printed_text(title: str, body: str) -> str:
    """An announcement as a plain text file holds it: the title, a blank line, the body, a final newline."""
    return f"{title}\n\n{body.strip()}\n"

