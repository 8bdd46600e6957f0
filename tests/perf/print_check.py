"""Print check: export the demo handover package and print it with a reader other than openpyxl.

Usage (from the repository root)::

    uv run python tests/perf/print_check.py [--out DIR] [--lang zh|en] [--dpi 60] [--extra-rows N]
        [--sheets KEYS] [--without staff]

Exports the demo project (laid out around 2026-11-28, as in the tests) to ``DIR/package-<lang>.xlsx``,
converts it with LibreOffice (``soffice --headless --convert-to pdf``) and renders every PDF page to PNG
with ``pdftoppm -png -r DPI`` (poppler-utils), then lists the pages. Look at them: every column on the
page (fit to width), the header row repeated on each page, CJK legible, dates as yyyy-mm-dd, page
header (project, sheet) and footer (page X of Y), the signature block at the end. The Timeline sheet
(a weekly Gantt) prints landscape: bars in the right weeks, the today / T / contract-end columns marked
and labelled, its header rows and left columns repeated, the legend at the end.

The demo's accounts print too: the package's 房屋清单, 对账明细, 项目台账, the two 公示 lists (owners and phones
masked) and the 结算报告 (with the three-party signature block), and a separate owner statements workbook
(``statements-<lang>.xlsx``, ``--statements N`` units: those with the most lines, a disputed one among them) with a
page per unit (A4 portrait, the confirmation box at the end of each) and the 对账确认回执 sheet. The pages each
sheet starts on are listed (read from the PDF's page headers with ``pdftotext`` when it is there).

The demo's risks print too (``--risks``, on by default, adds add_risks: a risk with long texts and a
drill schedule, drills with follow-up tasks): the 风险登记册 with its 5×5 heatmap above the header (impact across,
likelihood up, each cell in its level's colour with its count of open risks, the legend from the profile's
thresholds), the 应急预案 (one plan a page, A4 portrait, nothing cut, the lead's signature line at the bottom of
each page) and the 演练记录. ``--sheets risks,plans,drills`` writes only the sheets named (by sheet key) and the
index, to look at a few sheets without waiting for the whole package.

The demo's staff print too (``--staff``, on by default, adds add_staff: a manager whose wage is capped at 3× the
local average and whose years are capped at 12, hired before 2008; a cleaner paid below the minimum wage): the
员工安置表 (a register like the others) and the 经济补偿计算表 (A4 landscape, a row per leaving employee: its
figures, the working step by step with the rule of each, a column for the employee to sign; the totals, by ground,
the notes, then the employer / union / preparer signature block on one page). ``--without staff`` exports the
committee's package (both staff sheets left out, the index saying so). ``--sheets staff,severance`` prints only
those.

The demo's stakeholders, notices and contracts print too, with its announcements (``--parties``, on by default,
adds add_announcements: the exit letter to the committee and the continuation notice issued, the exit notice issued
twice, the second superseding the first and linked to a posting notice, and the continuation notice in English):
相关方 and 相关方与通知 (each notice with its deadline, channel, date sent, proof and alerts), 合同清单 (the last notice
day and the late / lift-fire gap alerts in red) as registers with their signature block, and 公告 (A4 portrait, each
issued version on a page of its own: the title, its number, audience, issue day and the version it replaces, the
text a paragraph a row, where it was posted at the bottom). ``--sheets stakeholders,notices,announcements,contracts``
prints only those.

``--extra-rows`` adds tasks with long, formula-like and multi-line texts so wrapping can be seen too.
``--handover`` (on by default) adds realistic handover data (add_handover): a few hundred documents and
facilities, keys with a discrepancy, inspection items in every state, the three parties, a signed batch with a
未移交 item and two amendments, a long signed batch, an unsigned one: look at each batch's sheet (items as
signed, amendments below, the signature block on one page, filled for a signed batch), the 移交批次 overview,
未移交清单 and 验收报告.

Not a test: pytest does not collect this file. Without ``soffice`` (Debian: ``apt-get install
libreoffice-calc poppler-utils fonts-noto-cjk``) it says so and exits 0.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from contextlib import nullcontext
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 28)


def add_handover(backend, project_id: int, documents: int = 150, facilities: int = 150) -> None:
    """Realistic handover data on top of the demo's: parties, registers of a few hundred items, inspection
    items in every state, and batches (one signed with a 未移交 item and amendments, a long signed one whose
    signature block falls near a page end, an unsigned one)."""
    from exit_tui.services import audit, handover

    audit.set_actor("退出协调人 周敏")  # who records the amendments, as the app sets it from the user's name
    call = backend.call
    call(handover.set_party, project_id, "handing", "锦绣物业服务有限公司", "王建国")
    call(handover.set_party, project_id, "receiving", "锦绣华庭业主大会业主委员会", "李主任")
    call(handover.set_party, project_id, "supervising", "锦绣街道办事处 & 居委会", "赵科长")
    buildings = [f"{n}号楼" for n in range(1, 13)]
    docs = []
    for n in range(documents):
        building = buildings[n % len(buildings)]
        kind = ("竣工图", "设备维保记录", "装修档案", "运行日志", "验收备案表")[n % 5]
        name = f"{building}{kind}(第{n // 12 + 1}册)"
        if n % 17 == 0:
            name += ",含变更洽商记录及设计单位出具的补充说明,原件一套另附电子版光盘两张"
        docs.append(call(handover.add_item, project_id, "document", name=name, copies=1 + n % 3,
                         form="original" if n % 4 else "copy", pages=f"{20 + n}页", holder="档案室",
                         status=("ready", "pending", "ready", "missing")[n % 4]).public_id)
    kit = [("生活水泵", "equipment", "台", "B1 水泵房"), ("消防水泵", "equipment", "台", "B1 消防泵房"),
           ("电梯", "equipment", "部", "{b}"), ("路灯", "facility", "盏", "{b} 周边"),
           ("监控摄像机", "facility", "个", "{b} 出入口"), ("楼道灯", "equipment", "盏", "{b} 楼道"),
           ("屋面防水层", "part", "项", "{b} 屋面")]
    for n in range(facilities):
        name, category, unit, where = kit[n % len(kit)]
        building = buildings[n % len(buildings)]
        call(handover.add_item, project_id, "facility", code=f"EQ-{n + 1:04d}", name=f"{name} {n // len(kit) + 1}",
             category=category, location=where.format(b=building), quantity=1 + n % 4, unit=unit,
             condition=("good", "fair", "poor")[n % 3], method=("check", "observe", "use", "detect", "test")[n % 5],
             result="运行正常" if n % 6 else "运行时有异响,轴承磨损,需更换后复查并提供维保单位的检测报告",
             owners_money="yes" if n % 11 == 0 else "no")
    keys = [k.public_id for k in call(handover.list_items, project_id, "key")]
    call(handover.update_item, project_id, "key", keys[0], handed_out=48, received=46)
    states = ["open", "assigned", "recheck", "closable", "closed", "disputed"]
    moves = {"assigned": ["assigned"], "recheck": ["assigned", "recheck"],
             "closable": ["assigned", "recheck", "closable"], "closed": ["assigned", "recheck", "closable", "closed"],
             "disputed": ["disputed"], "open": []}
    for n in range(30):
        item = call(handover.add_item, project_id, "inspection", item_ref=docs[n] if n % 3 == 0 else None,
                    description=f"{buildings[n % 12]}屋面渗水,顶层走廊墙面发霉" if n % 2 else "电梯轿厢异响",
                    responsible="开发商" if n % 2 else "锦绣物业", deadline=f"2026-12-{5 + n % 20:02d}",
                    raised_by="业委会")
        for state in moves[states[n % len(states)]]:
            call(handover.move_inspection, project_id, item.public_id, state,
                 "责任方认为属于正常损耗" if state == "disputed" else "")
    ready = [d for n, d in enumerate(docs) if n % 4 in (0, 2)]
    first = call(handover.create_batch, project_id, "第一批 竣工资料及设备机房钥匙", [*ready[:10], keys[1], keys[2]],
                 created_on=TODAY, note="业委会现场逐项核对,缺件另行补交")
    call(handover.set_outcome, project_id, first.public_id, keys[1], "not_handed", "2026-12-20",
         "配电房钥匙在维保单位手中,待其交回")
    call(handover.set_outcome, project_id, first.public_id, ready[3], "partial", "2026-12-15", "缺第2册")
    call(handover.sign_batch, project_id, first.public_id, TODAY)
    call(handover.amend_batch, project_id, first.public_id, "维保单位已交回一把,另一把待配", item_ref=keys[1],
         outcome="partial", promised_on="2026-12-28", made_on=date(2026, 12, 2))
    call(handover.amend_batch, project_id, first.public_id, "第2册已补交,业委会签收", item_ref=ready[3],
         outcome="handed", made_on=date(2026, 12, 4))
    second = call(handover.create_batch, project_id, "第二批 全部已备齐资料", ready[10:40], created_on=TODAY)
    call(handover.sign_batch, project_id, second.public_id, TODAY)
    call(handover.create_batch, project_id, "第三批 设施设备及其余钥匙", keys[3:], created_on=TODAY)


def add_risks(backend, project_id: int) -> None:
    """Risks worked as a coordinator would: a risk with long texts, a drill schedule and a lead, several drills
    with follow-up actions (tasks), another risk moved to 应对中."""
    from exit_tui.services import risks

    call = backend.call
    long = call(risks.add_risk, project_id, title="新旧物业交接期间消防控制室无人值守,火灾报警无人响应", category="safety",
                phase_no=12, likelihood=3, impact=5, owner="工程部 李工",
                trigger="消防控制室交接班记录中断;新物业持证人员未到岗;报警主机出现未确认的报警",
                mitigation="交接前两周与新物业核对持证值班人员名单;交接日前三天起双方同时在岗;"
                           "交接当日由双方工程负责人逐项确认报警主机、联动控制器与喷淋泵状态并签字" * 2,
                plan="1. 发现无人值守立即由原物业持证人员返岗值守,报告街道办与业委会;\n"
                     "2. 报警主机有未确认报警时,先现场确认再复位,不得直接消音;\n"
                     "3. 通知维保单位两小时内到场检查联动设备;\n4. 每班记录交接情况,拍照留档,报新物业与监交方。",
                plan_lead="退出协调人 周敏", plan_phone="138 0013 8000", status="responding",
                next_review="2026-12-10", drill_rule="FREQ=MONTHLY;INTERVAL=1", drill_start="2026-12-05")
    for day, scenario, actions in (
            ("2026-11-10", "夜间报警主机报警,值班人员不在岗", "补齐夜班持证人员排班表;报警主机加装声光提示"),
            ("2026-11-20", "交接当日联动测试", "喷淋泵手动启动按钮标识不清,重新标识"),
            ("2026-11-26", "全员疏散演练(与新物业联合)", "")):
        call(risks.record_drill, project_id, TODAY, risk=long.public_id, held_on=day,
             participants="原物业工程部 6 人、新物业 4 人、业委会 2 人", scenario=scenario,
             findings="值班记录不连续,新物业人员不熟悉报警主机操作" if actions else "", follow_ups=actions)


def add_staff(backend, project_id: int) -> None:
    """Two cases the demo lacks: the 3× wage cap with the 12-year cap (hired before 2008), and the minimum-wage
    floor; long position and team names."""
    from exit_tui.services import staff

    call = backend.call
    call(staff.add_employee, project_id, TODAY, name="欧阳建国", employee_no="M-001", position="项目经理(兼工程总监)",
         team="锦绣华庭项目管理处", hire_date="2005-03-15", average="45,000", last_month="45000", placement="agreed",
         leaving_date="2027-01-02", placement_status="planned")
    call(staff.add_employee, project_id, TODAY, name="马兰", employee_no="C-099", position="保洁员", team="环境部",
         hire_date="2024-09-01", wages="1800, 1900, 1850", placement="art40-no-notice", leaving_date="2026-12-23",
         last_month="1900", placement_status="planned")


def add_announcements(backend, project_id: int) -> None:
    """Issued announcements: the exit letter (its phone filled in), the exit notice issued twice (the second
    superseding the first, linked to the posting notice when the demo has one), the continuation notice in
    Chinese and in English; a draft left unissued (not printed)."""
    from exit_tui.services import announcements, parties

    call = backend.call

    def issue(template: str, language: str, day: date, supersede: str | None = None) -> str:
        made = (call(announcements.new_version, project_id, supersede, TODAY) if supersede
                else call(announcements.draft, project_id, template, language, TODAY))
        text = call(announcements.draft_text, project_id, made.public_id, TODAY)
        call(announcements.update_draft, project_id, made.public_id, TODAY,
             body=text.body.replace("{联系电话}", "021-5888 6666").replace("{phone}", "021-5888 6666"))
        return call(announcements.issue, project_id, made.public_id, day).public_id

    issue("exit-letter", "zh", date(2026, 9, 20))
    first = issue("exit-notice", "zh", date(2026, 9, 25))
    second = issue("exit-notice", "zh", TODAY, supersede=first)
    posting = next((n for n in call(parties.list_notices, project_id, TODAY) if n.channel == "posting"), None)
    if posting is not None:
        call(announcements.link_notice, project_id, second, posting.public_id)
    issue("continuation", "zh", TODAY)
    issue("continuation", "en", TODAY)
    call(announcements.draft, project_id, "handover-done", "zh", TODAY)


def only_sheets(keys: str):
    """Export only the registers of these sheet keys (comma-separated): the other registers left out."""
    from contextlib import contextmanager

    from exit_tui.io import registers

    @contextmanager
    def narrowed():
        kept = registers.REGISTERS
        wanted = set(keys.split(","))
        registers.REGISTERS = tuple(r for r in kept if r.sheet.key in wanted)
        try:
            yield
        finally:
            registers.REGISTERS = kept

    return narrowed()


def export_demo(folder: Path, lang: str, extra_rows: int, with_handover: bool = True, with_risks: bool = True,
                sheets: str = "", with_staff: bool = True, without: tuple[str, ...] = (),
                with_parties: bool = True) -> Path:
    from exit_tui.i18n import set_language
    from exit_tui.io.export import export_package
    from exit_tui.services import checklist
    from exit_tui.services.backend import Backend
    from exit_tui.services.demo import create_demo

    set_language(lang)
    database = folder / "print-check.db"
    for stale in folder.glob("print-check.db*"):
        stale.unlink()
    backend = Backend.open(f"sqlite:///{database}")
    try:
        project = backend.call(create_demo, TODAY)
        if with_handover:
            add_handover(backend, project.id)
        if with_risks:
            add_risks(backend, project.id)
        if with_staff:
            add_staff(backend, project.id)
        if with_parties:
            add_announcements(backend, project.id)
        samples = [
            "=1+1", "+86 138 0013 8000", "-3", "@SUM(A1)",
            "清点并移交全部共用设施设备台账、图纸、维保记录及钥匙,逐项拍照留档,由业委会与新物业共同签收确认" * 2,
            "Line one\nLine two (a note with a line break)",
        ]
        for n in range(extra_rows):
            backend.call(checklist.add_task, project.id, phase_no=1 + n % 20, title=samples[n % len(samples)],
                         due="2026-12-15", today=TODAY, owner="财务部 & 客服中心", note=samples[(n + 3) % len(samples)])
        path = folder / f"package-{lang}.xlsx"
        with only_sheets(sheets) if sheets else nullcontext():
            result = backend.call(export_package, project.id, path, today=TODAY,
                                  generated_at=datetime(2026, 11, 28, 9, 30), without=without)
    finally:
        backend.close()
    print(f"exported {result.path} ({', '.join(f'{title}: {rows} rows' for title, rows in result.sheets)})")
    return path


def export_statements_demo(folder: Path, lang: str, count: int) -> Path:
    """Owner statements of `count` demo units: those with the most lines, and a disputed one first."""
    from exit_tui.i18n import set_language
    from exit_tui.io.accounts_print import export_statements
    from exit_tui.services import accounts, projects
    from exit_tui.services.backend import Backend

    set_language(lang)
    backend = Backend.open(f"sqlite:///{folder / 'print-check.db'}")
    try:
        project = backend.call(projects.list_projects)[0]
        units = backend.call(accounts.list_units, project.id)
        disputed = [u.unit_no for u in units if u.disputed or u.carved_out][:1]
        longest = [u.unit_no for u in sorted(units, key=lambda u: -u.lines) if u.unit_no not in disputed]
        path = folder / f"statements-{lang}.xlsx"
        result = backend.call(export_statements, project.id, path, [*disputed, *longest][:count],
                              generated_at=datetime(2026, 11, 28, 9, 30))
    finally:
        backend.close()
    print(f"statements {result.path}: {result.units} units, {result.lines} lines, sheets {result.sheets}")
    return path


def to_pages(xlsx: Path, out: Path, prefix: str, dpi: int, soffice: str, pdftoppm: str | None) -> list[Path]:
    """The workbook printed by LibreOffice to PDF, then each page to PNG (when pdftoppm is there)."""
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))  # a private profile: no clash with an open LibreOffice
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out), str(xlsx)],
            check=True, timeout=600, capture_output=True,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = xlsx.with_suffix(".pdf")
    print(f"pdf: {pdf}")
    if pdftoppm is None:
        print("no PNG pages: pdftoppm (poppler-utils) is not installed")
        return []
    for old in out.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(out / prefix)], check=True, timeout=600)
    return sorted(out.glob(f"{prefix}-*.png"))


def sheet_starts(pdf: Path) -> list[tuple[int, str]]:
    """(page, sheet) where each sheet starts, from the page headers' right-hand text (pdftotext, if any)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        return []
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=300).stdout
    starts, last = [], None
    for number, page in enumerate(text.split("\f"), start=1):
        first = next((line for line in page.splitlines() if line.strip()), "")
        name = first.split("   ")[-1].strip() if "   " in first.strip() else first.strip()
        if name and name != last:
            starts.append((number, name))
            last = name
    return starts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder for the xlsx, pdf and png files (default: a temp folder)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--extra-rows", type=int, default=6)
    parser.add_argument("--no-handover", action="store_true", help="the demo project as it is")
    parser.add_argument("--statements", type=int, default=4, help="owner statements of this many units")
    parser.add_argument("--no-risks", action="store_true", help="the demo's risks as they are")
    parser.add_argument("--sheets", default="", help="only these registers' sheets (keys, comma-separated)")
    parser.add_argument("--no-staff", action="store_true", help="the demo's staff as they are")
    parser.add_argument("--without", action="append", default=[], help="leave an area's sheets out (staff)")
    parser.add_argument("--no-parties", action="store_true", help="the demo's stakeholders, no announcements")
    args = parser.parse_args()

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("print check skipped: LibreOffice (soffice) is not installed")
        return 0
    pdftoppm = shutil.which("pdftoppm")
    out = args.out or Path(tempfile.mkdtemp(prefix="exit-tui-print-"))
    out.mkdir(parents=True, exist_ok=True)

    xlsx = export_demo(out, args.lang, args.extra_rows, not args.no_handover, not args.no_risks, args.sheets,
                       not args.no_staff, tuple(args.without), not args.no_parties)
    books = [(xlsx, f"page-{args.lang}")]
    if not args.sheets:
        books.append((export_statements_demo(out, args.lang, args.statements), f"statements-{args.lang}"))
    for book, prefix in books:
        pages = to_pages(book, out, prefix, args.dpi, soffice, pdftoppm)
        print(f"{len(pages)} pages:")
        for page in pages:
            print(f"  {page}")
        for number, name in sheet_starts(book.with_suffix(".pdf")):
            print(f"  sheet {name} starts on page {number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
