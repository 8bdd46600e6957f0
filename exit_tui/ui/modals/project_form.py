"""Create an exit project: name, address, units, exit type and the key dates; errors shown by field."""

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select

from ...domain.enums import ExitType
from ...domain.statutes import DEFAULT_PROFILE, rule_profiles
from ...i18n import _, pick
from ...i18n.labels import exit_type_label
from ..bindings import Localized
from .form import Field, FormScreen

DATE_FIELDS = ("decision", "contract_end", "handover", "continuation_end")


class ProjectForm(Localized, FormScreen[int | None]):
    """Dismisses with the new project's database id, or None when cancelled (escape asks first if anything was
    typed)."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "save", "key.save", id="save"),
    ]


    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="project-form"):
            yield Label(Text(_("form.new_project"), style="bold"), classes="dialog-title")
            yield Field(_("field.name"), Input(id="name", placeholder=_("form.name_placeholder")), "name")
            yield Field(_("field.address"), Input(id="address"), "address")
            yield Field(_("field.units"), Input(id="units", type="integer", placeholder="1200"), "units")
            types = [(exit_type_label(t), t.value) for t in ExitType]
            yield Field(_("field.exit_type"), Select(types, value=ExitType.CONTRACT_EXPIRY.value,
                                                     allow_blank=False, id="exit_type"), "exit_type")
            profiles = [(pick(p.zh, p.en), p.code) for p in rule_profiles().values()]
            yield Field(_("field.rule_profile"), Select(profiles, value=DEFAULT_PROFILE, allow_blank=False,
                                                        id="rule_profile"), "rule_profile")
            today = self.app.today if hasattr(self.app, "today") else date.today()
            yield Field(_("field.decision"), Input(today.isoformat(), id="decision"), "decision")
            yield Field(_("field.contract_end"), Input(id="contract_end", placeholder="2027-03-31"), "contract_end")
            yield Field(_("field.handover"), Input(id="handover", placeholder="2027-04-10"), "handover")
            yield Field(_("field.continuation_end"),
                        Input(id="continuation_end", placeholder=_("form.continuation_placeholder")),
                        "continuation_end")
            with Horizontal(classes="buttons"):
                yield Button(_("button.create"), id="save", variant="primary")
                yield Button(_("button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def on_input_submitted(self) -> None:
        self.action_save()

    def value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    def action_save(self) -> None:
        for field in self.query(Field):
            field.show_hint("")
        self.app.call_service(
            "projects.create_project",
            name=self.value("name"),
            address=self.value("address"),
            units=self.value("units"),  # empty: not known yet
            exit_type=self.query_one("#exit_type", Select).value,
            rule_profile=self.query_one("#rule_profile", Select).value,
            decision=self.value("decision"),
            contract_end=self.value("contract_end"),
            handover=self.value("handover"),
            continuation_end=self.value("continuation_end") or None,
            today=self.app.today,
            then=self.created,
            on_error=self.show_service_error,
        )

    def created(self, project) -> None:
        """Close with the new project; warn when its handover day is long past (probably mistyped)."""
        from ...services.projects import handover_warning  # loaded already: the service has just run

        days = handover_warning(project, self.app.today)
        if days is not None:
            self.app.notify(_("project.handover_past", day=project.dates.handover.isoformat(), days=days),
                            severity="warning", timeout=10)
        self.dismiss(project.id)
