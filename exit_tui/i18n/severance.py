"""The severance calculator's working in the current language: one text per step (catalog
`severance.step.<key>`), for the CLI, the People screen and the 经济补偿计算表 alike."""

from ..domain.severance import Basis, Block, FollowUp, Protected, Severance, SeveranceInputError, Step, \
    display_figures
from . import _


def step_text(step: Step) -> str:
    """One step with its figures: `剩余 7 个月 0 天, 满 6 个月按 1 年计算: N = 4.0 个月 (劳动合同法第47条第1款)`."""
    return _(f"severance.step.{step.key}", **display_figures(step.figures))


def working(result: Severance) -> list[str]:
    """Every step of a result, in order."""
    return [step_text(step) for step in result.steps]


def basis_label(basis: Basis | str) -> str:
    return _(f"severance.basis.{Basis(basis).value}")


def protected_label(flag: Protected | str) -> str:
    return _(f"severance.protected.{Protected(flag).value}")


def block_text(block: Block) -> str:
    """`不得解除: 孕期、产期、哺乳期 (劳动合同法42(4))`, or the deferral of art 45."""
    return _(f"severance.block.{block.kind}", reason=protected_label(block.flag), basis=block.basis)


def follow_up_title(item: FollowUp) -> str:
    return _(f"severance.follow.{item.key}")


def error_text(error: SeveranceInputError) -> str:
    """A refused case as one line."""
    return _(error.key, **{name: str(value) for name, value in error.params.items()})
