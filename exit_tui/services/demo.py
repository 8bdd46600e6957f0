"""The demo project: a realistic 1,200-unit compound with dates relative to today (data/demo.toml), its plan
under way, its handover too (registers filled in, keys counted, a joint inspection and two batches) and its
accounts (every unit and owner with several ledger lines, reconciled building by building, the project's own
ledgers), its risk register (seeded, partly worked, one risk occurred with a drill and its follow-ups) and its
staff placement (40 people, every placement, one protected employee shown blocked, the art 41 threshold
reached) and its stakeholders, notices (every state, one 拒收) and contracts (one past its last notice day, one
lift contract ending before T)."""

import random
from calendar import monthrange
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from ..db.models import Contract, Document, Employee, Facility, HandoverKey, Notice, Project, Risk, Stakeholder, Task
from ..domain.enums import TaskStatus
from ..domain.handover import PREFIX
from ..domain.templates import demo_settings
from . import accounts, announcements, audit, checklist, contracts, handover, parties, risks, staff, timeline
from .ids import next_public_ids
from .projects import ProjectRead, create_project, get_project


def open_or_create_demo(session: Session, today: date) -> ProjectRead:
    """The demo project of this database: the existing one (with the user's changes), else a new one."""
    existing = session.exec(select(Project).where(Project.name == demo_settings()["name"])).first()
    if existing is not None:
        return get_project(session, existing.id)
    return create_demo(session, today)


def create_demo(session: Session, today: date) -> ProjectRead:
    """Create the demo project; tasks due before today are mostly done, a few left overdue."""
    cfg = demo_settings()
    handover = today + timedelta(days=cfg["handover_days"])
    project = create_project(
        session,
        name=cfg["name"],
        exit_type=cfg["exit_type"],
        rule_profile=cfg.get("rule_profile", "national"),
        address=cfg["address"],
        units=cfg["units"],
        decision=today + timedelta(days=cfg["decision_days"]),
        contract_end=today + timedelta(days=cfg["contract_end_days"]),
        handover=handover,
        continuation_end=handover + relativedelta(months=cfg["continuation_months"]),
        today=today,
    )
    for extra in cfg.get("extra_task", []):
        checklist.add_task(  # typed by a user: one title, shown in either language
            session, project.id, phase_no=extra["phase"], title=extra["title"], due=extra["due"],
            owner=extra["owner"], note=extra.get("note", ""), today=today,
        )
    doing_until = today + timedelta(days=cfg["doing_window_days"])
    tasks = session.exec(
        select(Task).where(Task.project_id == project.id).order_by(col(Task.due_date), col(Task.id))
    ).all()
    for index, task in enumerate(tasks, start=1):
        if task.recurrence:  # followed occurrence by occurrence (below)
            continue
        if task.due_date < today and index % cfg["overdue_every"]:
            status = TaskStatus.DONE
        elif today <= task.due_date <= doing_until and index % 2:
            status = TaskStatus.DOING
        else:
            continue
        # Done on the day it was due (the demo's history), in progress from today.
        when = task.due_date if status is TaskStatus.DONE else today
        checklist.set_status(session, project.id, task.public_id, status, when)
    for task in tasks:  # recurring tasks: every past occurrence done on its day but the latest one
        if task.recurrence:
            past = [o.day for o in timeline.list_occurrences(session, project.id, task.public_id) if o.day < today]
            for day in past[:-1]:
                timeline.set_occurrence_done(session, project.id, task.public_id, day, True, day)
    create_demo_handover(session, project.id, today, cfg["handover"])
    create_demo_risks(session, project.id, today, cfg["risks"])
    create_demo_staff(session, project.id, today, cfg["staff"])
    create_demo_parties(session, project.id, today, cfg["parties"])
    create_demo_accounts(session, project.id, today, handover, cfg["accounts"], cfg["handover"]["buildings"])
    create_demo_announcements(session, project.id, today, cfg["announcements"])
    return project


# -- the announcements -------------------------------------------------------------------------------------------


def create_demo_announcements(session: Session, project_id: int, today: date, cfg: list[dict]) -> None:
    """Announcements issued when their notices went out (one issued again later, superseding the first, and linked
    to the posting notice with its photos), and a draft (last: it reads the accounts' figures)."""
    notices = {(key, rule): public_id for key, rule, public_id in session.execute(
        core_select(Stakeholder.seed_key, Notice.rule, Notice.public_id)
        .join(Stakeholder, Stakeholder.id == Notice.stakeholder_id).where(Notice.project_id == project_id))}
    issued: dict[str, str] = {}
    for item in cfg:
        template = item["template"]
        if item.get("version"):
            read = announcements.new_version(session, project_id, issued[template], today)
        else:
            read = announcements.draft(session, project_id, template, "zh", today)
        if item.get("draft"):
            continue
        read = announcements.issue(session, project_id, read.public_id, today + timedelta(days=item["issued"]))
        issued[template] = read.public_id
        if "posted" in item:
            announcements.link_notice(session, project_id, read.public_id, notices[tuple(item["posted"])])


# -- the handover --------------------------------------------------------------------------------------------


def create_demo_handover(session: Session, project_id: int, today: date, cfg: dict) -> None:
    """Fill the demo's handover: parties, generated documents and facilities (bulk, audited), the seeded items'
    states, key counts, inspection items in every state and two batches (one signed with an item owed)."""
    for party in cfg["party"]:
        handover.set_party(session, project_id, party["role"], party["company"], party["representative"])
    buildings = range(1, cfg["buildings"] + 1)
    documents = [_document(item, b) for item in cfg["building_document"] for b in buildings]
    documents += [_document(item) for item in cfg["document"]]
    _insert(session, project_id, "document", [_document_status(i, doc) for i, doc in enumerate(documents)])
    facilities = [_facility(item, item["location"].format(b=b, n=n), f"{b}#-{item['code']}-{n:02d}")
                  for b in buildings for item in cfg["building_equipment"] for n in range(1, item["count"] + 1)]
    facilities += [_facility(item, item["location"], f"{item['code']}-{n:02d}")
                   for item in cfg["site_equipment"] for n in range(1, item["count"] + 1)]
    facilities += [{**_facility(item, item["location"], item["code"]), "category": "premises",
                    "area_m2": item["area"], "quantity": 1, "unit": "间", "method": "check"}
                   for item in cfg["premises"]]
    _insert(session, project_id, "facility", [_condition(i, facility) for i, facility in enumerate(facilities)])
    _seeded_states(session, project_id, today, cfg)
    refs = _refs(session, project_id)
    _insert(session, project_id, "inspection", [_inspection(item, refs, today) for item in cfg["inspection"]])
    for batch in cfg["batch"]:
        _batch(session, project_id, today, batch, refs)


def _document(item: dict, building: int | None = None) -> dict[str, Any]:
    return {"category": item["category"], "name": item["zh"].format(b=building),
            "name_en": item["en"].format(b=building), "pages": item["pages"], "holder": item["holder"],
            "form": item.get("form")}


def _document_status(index: int, document: dict) -> dict:
    """Most documents are ready; every seventh is still being sorted; one set of drawings is missing."""
    status = "missing" if document["name"].startswith("3#楼 给排水") else "pending" if index % 7 == 6 else "ready"
    return {**document, "status": status, "note": "原件遗失,已向城建档案馆申请复制" if status == "missing" else ""}


def _facility(item: dict, location: str, code: str) -> dict[str, Any]:
    return {"code": code, "name": item["zh"], "name_en": item["en"], "category": "equipment",
            "location": location, "quantity": item.get("quantity", 1), "unit": item.get("unit", ""),
            "method": item.get("method"), "owners_money": item.get("owners_money", False)}


def _condition(index: int, facility: dict) -> dict:
    """Checked in the joint inspection: mostly good, some fair, one lift damaged, the site's cameras not yet."""
    if facility["code"] == "3#-DT-02":
        return {**facility, "condition": "poor", "result": "轿厢照明不亮,紧急呼叫无应答"}
    if facility["code"].startswith("ZJK-") and index % 2:
        return {**facility, "condition": "unchecked"}
    fair = index % 9 == 4
    return {**facility, "condition": "fair" if fair else "good", "result": "有锈蚀,可使用" if fair else "运行正常"}


def _insert(session: Session, project_id: int, register: str, items: list[dict]) -> None:
    """New rows of a register, each value checked by the register's cleaner, written in bulk (audited)."""
    now = datetime.now(UTC)
    ids = next_public_ids(session, project_id, PREFIX[register], len(items))

    def rows() -> Iterator[dict]:
        for public_id, values in zip(ids, items, strict=True):
            row = {"project_id": project_id, "public_id": public_id, "created_at": now}
            for field in handover.FIELDS[register]:
                row.update(handover.columns(field, handover.clean(register, field, values.get(field))))
            if "name_en" in values:  # the demo's own items are bilingual, as the seeded ones
                row["name_en"] = values["name_en"]
            yield row

    audit.insert_rows(session, handover.MODELS[register].__table__, rows())


def _seeded_states(session: Session, project_id: int, today: date, cfg: dict) -> None:
    """The seeded items as the demo's handover has them: documents gathered, facilities checked, keys counted
    (one count short) and two accounts handed over."""
    updates = []
    for index, row in enumerate(_seeded(session, project_id, Document)):
        status = "pending" if row["seed_key"] in ("decoration-files", "other-records") else "ready"
        updates.append(audit.RowUpdate(row["id"], row, {"status": status, "holder": "档案室"}))
    audit.update_rows(session, Document.__table__, updates)
    updates = [audit.RowUpdate(row["id"], row, {"condition": "fair" if index % 4 == 3 else "good"})
               for index, row in enumerate(_seeded(session, project_id, Facility))]
    audit.update_rows(session, Facility.__table__, updates)
    accounts = {account["key"]: account for account in cfg["account"]}
    updates = []
    for row in _seeded(session, project_id, HandoverKey):
        if row["seed_key"] in cfg["keys"]:
            handed_out, received = cfg["keys"][row["seed_key"]]
            updates.append(audit.RowUpdate(row["id"], row, {"handed_out": handed_out, "received": received}))
        elif row["seed_key"] in accounts:
            account = accounts[row["seed_key"]]
            updates.append(audit.RowUpdate(row["id"], row, {
                "account_handed": True, "handed_to": account["handed_to"],
                "handed_on": today + timedelta(days=account["days"])}))
    audit.update_rows(session, HandoverKey.__table__, updates)


def _seeded(session: Session, project_id: int, model: type) -> list[dict]:
    table = model.__table__
    query = core_select(table).where(table.c.project_id == project_id, table.c.seed_key.is_not(None))
    return [dict(row._mapping) for row in session.connection().execute(query.order_by(table.c.id))]


def _refs(session: Session, project_id: int) -> dict[str, str]:
    """How the demo's data names an item -> its public id: a facility's code, `document:`/`key:` and a seed
    key, a seeded facility's seed key."""
    refs: dict[str, str] = {}
    for register, model in (("document", Document), ("facility", Facility), ("key", HandoverKey)):
        for public_id, seed_key in session.execute(
                core_select(model.public_id, model.seed_key).where(model.project_id == project_id)):
            if seed_key:
                refs[f"{register}:{seed_key}"] = public_id
                if register == "facility":
                    refs[seed_key] = public_id
    for public_id, code in session.execute(
            core_select(Facility.public_id, Facility.code).where(Facility.project_id == project_id)):
        if code:
            refs[code] = public_id
    return refs


def _inspection(item: dict, refs: dict[str, str], today: date) -> dict[str, Any]:
    def day(key: str) -> date | None:
        return today + timedelta(days=item[key]) if key in item else None

    return {"item_ref": refs[item["ref"]] if item["ref"] else None, "description": item["description"],
            "responsible": item["responsible"], "deadline": day("deadline"), "recheck_on": day("recheck"),
            "evidence": item.get("evidence", ""), "raised_by": item["raised_by"], "state": item["state"],
            "dispute_reason": item.get("reason", "")}


def _batch(session: Session, project_id: int, today: date, cfg: dict, refs: dict[str, str]) -> None:
    """One batch of the documents of some categories, the facilities of some codes, the keys; one item owed."""
    day = today + timedelta(days=cfg["days"])
    items = []
    if cfg.get("documents"):
        items += session.execute(core_select(Document.public_id).where(
            Document.project_id == project_id, col(Document.category).in_(cfg["documents"]),
            Document.status == "ready").order_by(Document.id)).scalars().all()
    codes = [f"-{code}-" for code in cfg.get("facilities", ())]  # `3#-DT-02` has the part `-DT-`
    items += [public_id for code, public_id in refs.items() if any(part in code for part in codes)]
    if cfg.get("keys"):
        items += [public_id for ref, public_id in refs.items() if ref.startswith("key:")]
    owed = cfg["not_handed"]
    items.append(refs[owed["ref"]])
    batch = handover.create_batch(session, project_id, cfg["title"], items, created_on=day)
    handover.set_outcome(session, project_id, batch.public_id, refs[owed["ref"]], "not_handed",
                         today + timedelta(days=owed["days"]), owed["reason"])
    if cfg["signed"]:
        handover.sign_batch(session, project_id, batch.public_id, day)


# -- the accounts ------------------------------------------------------------------------------------------------


def create_demo_accounts(session: Session, project_id: int, today: date, handover_day: date, cfg: dict,
                         buildings: int) -> None:
    """Fill the demo's accounts: every unit with its owner (bulk, audited, each value checked by the registers'
    cleaners), several lines each (prepaid fees split at the cut-off T, arrears, utilities with meter readings,
    deposits, parking), reconciled building by building with a few disputes and one carved out, and the
    project's own ledgers."""
    rng = random.Random(cfg["seed"])
    units = [_unit(cfg, rng, b, e, f, r) for b in range(1, buildings + 1) for e in range(1, cfg["entrances"] + 1)
             for f in range(1, cfg["floors"] + 1) for r in range(1, cfg["rooms"] + 1)]
    _write(session, project_id, "unit", units)
    lines = [line for unit in units for line in _unit_lines(cfg, rng, unit, handover_day)]
    _reconcile(cfg, lines)
    _write(session, project_id, "line", lines)
    _write(session, project_id, "ledger", [
        {"kind": g["kind"], "description": g["description"], "counterparty": g["counterparty"],
         "day": today + timedelta(days=g["days"]), "amount_fen": g["amount"], "source_ref": g["source_ref"]}
        for g in cfg["ledger"]])


def _write(session: Session, project_id: int, register: str, items: list[dict]) -> None:
    """New rows of an accounts register, checked by its cleaners, written in bulk (audited); keys starting with
    `_` are the demo's own."""
    rows = accounts.new_rows(session, project_id, register,
                             [{k: v for k, v in item.items() if not k.startswith("_")} for item in items])
    audit.insert_rows(session, accounts.MODELS[register].__table__, rows)


def _unit(cfg: dict, rng: random.Random, building: int, entrance: int, floor: int, room: int) -> dict:
    def name() -> str:
        return rng.choice(cfg["surnames"]) + "".join(rng.choice(cfg["given"]) for _ in range(rng.choice((1, 2, 2))))

    owner = name() + (f"、{name()}" if rng.random() < cfg["joint_owners"] else "")
    phone = "" if rng.random() < cfg["no_phone"] else rng.choice(cfg["phone_prefixes"]) + f"{rng.randrange(10**8):08d}"
    area = cfg["areas"][(room - 1) * 2 + building % 2]
    return {"unit_no": f"{building}-{entrance}-{floor}{room:02d}", "building": f"{building}#楼", "area_m2": area,
            "owner": owner, "phone": phone, "_building": building, "_floor": floor}


@cache
def _month(day: date, months: int) -> date:
    return day + relativedelta(months=months)


@cache
def shared_reading(building: int) -> str:
    """The reading of a building's shared meter at the cut-off (one per building, the same on each unit's line)."""
    return f"{building}#楼公摊电表 {18_000 + building * 731} 度(截止日抄表)"


def _unit_lines(cfg: dict, rng: random.Random, unit: dict, handover_day: date) -> list[dict]:
    """A unit's lines, from the shares in data/demo.toml; amounts in fen."""
    number, area = unit["unit_no"], accounts.clean_area(unit["area_m2"])
    monthly = (area * accounts.clean("ledger", "amount_fen", cfg["fee_per_m2"]) + 50) // 100  # area × rate, fen
    first = handover_day.replace(day=1)
    lines = []

    def line(category: str, amount: int, start: date | None = None, end: date | None = None, **extra) -> None:
        lines.append({"unit_no": number, "category": category, "amount_fen": amount, "period_start": start,
                      "period_end": end, "_building": unit["_building"], **extra})

    if rng.random() < cfg["prepaid"]:
        start = _month(first, -rng.randrange(1, 11))
        line("prepaid", monthly * 12, start, _month(start, 12) - timedelta(days=1), source_ref=f"收据 YS-{number}")
    elif rng.random() < cfg["prepaid_ahead"]:
        start = _month(first, 1)
        line("prepaid", monthly * 12, start, _month(start, 12) - timedelta(days=1), source_ref=f"收据 YS-{number}",
             note="已预交下一年度物业费")
    else:
        line("arrears", monthly * handover_day.day // monthrange(first.year, first.month)[1], first, handover_day,
             source_ref="应收台账", note="本月1日至截止日")
    if rng.random() < cfg["arrears"]:
        quarters = rng.randrange(1, 5)
        start = _month(first, -3 * quarters - 1)
        line("arrears", monthly * 3 * quarters, start, _month(start, 3 * quarters) - timedelta(days=1),
             source_ref="欠费台账 2026-10", note=f"欠{quarters}个季度")
    read_from = _month(first, -2)
    water = rng.randrange(30, 250) / 10
    line("utilities", round(water * 500), read_from, handover_day,
         meter_reading=f"水表 {rng.randrange(200, 3000)}.{rng.randrange(10)} 吨(截止日抄表)", note="水费")
    power = rng.randrange(80, 900)
    line("utilities", (power * 617 + 5) // 10, read_from, handover_day,
         meter_reading=f"电表 {rng.randrange(2000, 40000)} 度(截止日抄表)", note="电费")
    line("utilities", (area * accounts.clean("ledger", "amount_fen", cfg["shared_power_per_m2"]) + 50) // 100,
         read_from, handover_day, meter_reading=shared_reading(unit["_building"]), note="公摊电费(电梯、楼道照明)")
    if rng.random() < cfg["gas"]:
        gas = rng.randrange(8, 60)
        line("utilities", gas * 300, read_from, handover_day,
             meter_reading=f"燃气表 {rng.randrange(100, 2000)} 立方米(截止日抄表)", note="燃气费")
    if rng.random() < cfg["parking"]:
        months = rng.randrange(1, 4)
        start = _month(first, -months)
        line("parking", months * accounts.clean("line", "amount_fen", cfg["parking_month"]), start,
             first - timedelta(days=1), source_ref=f"车位 B{rng.randrange(1, 3)}-{rng.randrange(1, 480):03d}",
             note=f"月卡欠费{months}个月")
    if rng.random() < cfg["card_deposit"]:
        line("deposit", accounts.clean("line", "amount_fen", cfg["card_deposit_amount"]), note="门禁卡押金",
             source_ref=f"押金收据 MJ-{number}", _kind="card_deposit")
    if rng.random() < cfg["decoration_deposit"]:
        line("deposit", accounts.clean("line", "amount_fen", cfg["decoration_deposit_amount"]), note="装修押金",
             source_ref=f"押金收据 ZX-{number}", _kind="decoration_deposit")
    if rng.random() < cfg["other"]:
        line("other", rng.randrange(50, 500) * 100, note=rng.choice(cfg["other_items"]))
    return lines


def _reconcile(cfg: dict, lines: list[dict]) -> None:
    """States as the demo's reconciliation has them: the done buildings confirmed (their deposits refunded:
    settled), the half-way buildings every other line, every n-th line elsewhere disputed with its reason and
    evidence, and one unit's dispute carved out."""
    disputes = {d["category"]: d for d in cfg["disputes"]}
    done, half = set(cfg["confirmed_buildings"]), set(cfg["half_buildings"])
    for index, line in enumerate(lines):
        building = line["_building"]
        if building in done:
            line["state"] = "settled" if line.get("_kind") in cfg["settled"] else "confirmed"
        elif building in half and index % 2:
            line["state"] = "confirmed"
        elif index % cfg["disputed_every"] == 0 and line["category"] in disputes:
            _dispute(line, disputes[line["category"]], "disputed")
    carved = next(line for line in lines if line["unit_no"] == cfg["carved_out"] and line["category"] in disputes)
    _dispute(carved, disputes[carved["category"]], "carved_out")


def _dispute(line: dict, dispute: dict, state: str) -> None:
    line.update(state=state, dispute_reason=dispute["reason"], evidence_ref=dispute["evidence"])


# -- the risks ---------------------------------------------------------------------------------------------------


def create_demo_risks(session: Session, project_id: int, today: date, cfg: dict) -> None:
    """Work the demo's seeded risk register: owners, plan leads, reviews (one overdue), some re-rated, some
    应对中, one closed, one 已发生 (one bulk audited update, each value checked by the register's cleaners); then a
    drill of the occurred risk whose follow-up actions become linked checklist tasks."""
    table = Risk.__table__
    rows = {row.seed_key: dict(row._mapping) for row in session.connection().execute(
        core_select(table).where(table.c.project_id == project_id, table.c.seed_key.is_not(None)))}
    updates = []
    for work in cfg["work"]:
        changes = {"status": work["status"], "owner": work["owner"], "plan_lead": work.get("plan_lead", ""),
                   "plan_phone": work.get("plan_phone", ""), "next_review": today + timedelta(days=work["review"])}
        if "rating" in work:
            changes["likelihood"], changes["impact"] = work["rating"]
        if "drill_start" in work:
            changes["drill_start"] = today + timedelta(days=work["drill_start"])
        changes = {field: risks.clean(field, value) for field, value in changes.items()}
        row = rows[work["key"]]
        updates.append(audit.RowUpdate(row["id"], row, changes))
    audit.update_rows(session, table, updates)
    for work in cfg["work"]:
        if "task" in work:
            risks.create_task_for(session, project_id, rows[work["key"]]["public_id"], today, title=work["task"])
    drill = cfg["drill"]
    risks.add_drill(session, project_id, rows[drill["key"]]["public_id"], today + timedelta(days=drill["days"]),
                    today, participants=drill["participants"], scenario=drill["scenario"],
                    findings=drill["findings"], follow_ups=drill["follow_ups"])


# -- staff placement ---------------------------------------------------------------------------------------------


def _wages(wage: str, hired: date, until: date, index: int) -> str:
    """The last 12 months' wages (fewer for a shorter service), yuan as typed: the team's wage, 100 or 200 more
    in some months."""
    months = min(12, (until.year - hired.year) * 12 + until.month - hired.month)
    base = int(wage)
    return ", ".join(str(base + 100 * ((index + month) % 3)) for month in range(max(months, 1)))


def _employee(team: dict, person: dict, index: int, today: date) -> dict[str, Any]:
    def day(key: str) -> date | None:
        return today + timedelta(days=person[key]) if key in person else None

    values: dict[str, Any] = {
        "name": person["name"], "employee_no": f"JX{index:03d}", "team": team["team"],
        "position": person.get("position", team["position"]), "hire_date": person["hired"],
        "contract_type": "fixed" if "contract_end" in person else "open", "contract_end": day("contract_end"),
        "placement": person["placement"], "placement_target": person.get("target", ""),
        "leaving_date": day("leaving"), "placement_status": person["status"],
        "agreement_signed": person.get("signed", False), "renewal_refused": person.get("renewal_refused", False),
        "employee_proposed": person.get("proposed", False), "last_month": person.get("last_month"),
        "phone": f"139{index:08d}", "note": person.get("note", ""),
    }
    if "average" in person:
        values["average"] = person["average"]
    else:
        values["wages"] = _wages(team["wage"], date.fromisoformat(person["hired"]), values["leaving_date"] or today,
                                 index)
    return values


def create_demo_staff(session: Session, project_id: int, today: date, cfg: dict) -> None:
    """The demo's staff register through the bulk path (staff.new_rows, each value checked), the employer's
    workforce typed, then the protected statuses recorded afterwards (an art 40 plan of a protected employee
    would be refused when written; recorded later it shows blocked), and the follow-up tasks made once."""
    items, protected = [], {}
    for team in cfg["team"]:
        for person in team["people"]:
            items.append(_employee(team, person, len(items) + 1, today))
            if "protected" in person:
                protected[len(items) - 1] = person["protected"]
    rows = staff.new_rows(session, project_id, items)
    audit.insert_rows(session, Employee.__table__, rows)
    staff.set_staff_settings(session, project_id, today, workforce=cfg["workforce"])
    for index, flags in protected.items():
        staff.update_employee(session, project_id, rows[index]["public_id"], today, protected=flags)


# -- stakeholders, notices and contracts -------------------------------------------------------------------------


def create_demo_parties(session: Session, project_id: int, today: date, cfg: dict) -> None:
    """The seeded stakeholders' contacts, the demo's own notices (bulk, each value checked), notices moved through
    every state with their proof (one 拒收, one statutory notice sent without proof, one left overdue), then the
    contracts (bulk) naming the notices that end them, and the lift contract's gap raised in the risk register."""
    fields = ("name", "contact", "phone", "address")
    by_key = dict(session.execute(core_select(Stakeholder.seed_key, Stakeholder.public_id).where(
        Stakeholder.project_id == project_id, col(Stakeholder.seed_key).is_not(None))).all())
    for contact in cfg["contact"]:
        values = {field: contact[field] for field in fields if field in contact}
        parties.update_stakeholder(session, project_id, by_key[contact["key"]], **values)
    added = parties.new_stakeholder_rows(session, project_id, [
        {field: item[field] for field in ("kind", *fields) if field in item} for item in cfg["stakeholder"]])
    audit.insert_rows(session, Stakeholder.__table__, added)
    by_key.update((item["key"], row["public_id"]) for item, row in zip(cfg["stakeholder"], added, strict=True))
    names = {public_id: key for key, public_id in by_key.items()}
    audit.insert_rows(session, Notice.__table__, parties.new_notice_rows(session, project_id, [
        {"stakeholder": by_key[item["key"]], "subject": item["subject"], "rule": item["rule"], "channel": "written"}
        for item in cfg["notice"]]))
    notices = {(names[stakeholder], rule): public_id for stakeholder, rule, public_id in session.execute(
        core_select(Stakeholder.public_id, Notice.rule, Notice.public_id)
        .join(Stakeholder, Stakeholder.id == Notice.stakeholder_id).where(Notice.project_id == project_id))}
    for state in cfg["state"]:
        values = {field: state[field] for field in ("status", "channel", "proof_kind", "proof_ref", "note")
                  if field in state}
        parties.update_notice(session, project_id, notices[state["key"], state["rule"]], today,
                              sent_on=today + timedelta(days=state["sent"]), **values)
    items = []
    for item in cfg["contract"]:
        values = {field: value for field, value in item.items() if field not in ("end", "notice")}
        if "end" in item:
            values["end"] = today + timedelta(days=item["end"])
        if "notice" in item:
            values["notice_ref"] = notices[tuple(item["notice"])]
        items.append(values)
    audit.insert_rows(session, Contract.__table__, contracts.new_rows(session, project_id, items))
    contracts.raise_gaps(session, project_id)
