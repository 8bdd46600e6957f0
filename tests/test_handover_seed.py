"""The legal basis of each seeded handover item names the article that requires it (DOMAIN.md section 3)."""

from exit_tui.domain.handover import seed_items
from exit_tui.domain.templates import legal_bases


def _bases(register: str) -> dict[str, str]:
    return {item.key: item.basis for item in seed_items(register)}


def test_every_seeded_item_names_a_listed_basis():
    for register in ("document", "facility", "key"):
        assert set(_bases(register).values()) <= set(legal_bases()), register


def test_articles_match_what_they_say():
    facilities, keys, documents = _bases("facility"), _bases("key"), _bases("document")
    # The premises are returned under 条例38 (条例37 only says who owns them).
    assert {facilities["service-office"], facilities["service-staff-rooms"]} == {"条例38"}
    assert facilities["roads"] == "民法典274"
    # Art 15 lists what to inspect, art 11 what a developer hands to a new company: keys and accounts are
    # handed back under 民法典949 (the premises' keys with the premises, 条例38).
    assert set(keys.values()) <= {"民法典949", "条例38"}
    assert documents["owner-roll"] == documents["inspection-archive"] == "民法典949"
    assert documents["site-plan"] == documents["other-records"] == "条例29"
