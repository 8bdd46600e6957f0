"""The one way callers (CLI, UI) run services: each call is one transaction on a fresh session."""

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from ..db.engine import init_db, make_engine
from ..db.quickread import sqlite_file
from . import audit
from .errors import UserError, storage_error

P = ParamSpec("P")
R = TypeVar("R")


class Backend:
    """Owns the engine. `call(fn, ...)` runs `fn(session, ...)`, commits on success, rolls back on error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, target: str, *, create: bool = True) -> "Backend":
        """Open (migrating as needed) the database at a URL or path. A SQLite file that does not exist is made
        (with its folder) only with `create`; without it, UserError `error.no_database` (one line)."""
        path = sqlite_file(target)
        if path is not None and not path.exists():
            if not create:
                raise UserError("error.no_database", path=str(path))
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(target)
        init_db(engine)
        return cls(engine)

    def call(self, fn: Callable[..., R], *args, **kwargs) -> R:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                result = fn(session, *args, **kwargs)
                audit.require_audited(session)
                session.commit()
            except OperationalError as error:  # locked, read-only, full, damaged: one line, nothing written
                session.rollback()
                translated = storage_error(error)
                if translated is None:
                    raise
                raise translated from error
            except BaseException:
                session.rollback()
                raise
        return result

    def close(self) -> None:
        self.engine.dispose()
