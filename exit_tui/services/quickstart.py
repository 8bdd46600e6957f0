"""Instant start: the dashboard as it was when the app last closed, shown while the database stack loads.

Used only when it is exact: same database, project and day, and no change since (the newest audit entry is
the same: every write adds one). The live figures replace it moments later either way. Light on purpose:
no SQLAlchemy here.
"""

from datetime import date

from ..config import State
from ..db.quickread import last_change
from .readmodels import Dashboard, dashboard_from_json, dashboard_to_json


def _key(db_key: str, project_id: int) -> str:
    return f"dashboard:{db_key}:{project_id}"


def remembered_dashboard(state: State, db_key: str, project_id: int, today: date) -> Dashboard | None:
    text = state.get(_key(db_key, project_id))
    if not text:
        return None
    try:
        dashboard = dashboard_from_json(text)
    except (ValueError, KeyError, TypeError):
        return None
    if dashboard.today != today or dashboard.stamp != last_change(db_key):
        return None
    return dashboard


def remember_dashboard(state: State, db_key: str, dashboard: Dashboard) -> None:
    state.set(_key(db_key, dashboard.project.id), dashboard_to_json(dashboard))
