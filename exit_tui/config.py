"""Where files live and the user's settings. Nothing is created or read at import time."""

import getpass
import json
import locale
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "exit_tui"


@dataclass(frozen=True)
class Paths:
    """Folders for data (the database, backups) and config; EXIT_TUI_HOME puts both in one folder."""

    data: Path
    config: Path

    @classmethod
    def from_env(cls) -> "Paths":
        home = os.environ.get("EXIT_TUI_HOME")
        if home:
            root = Path(home).expanduser()
            return cls(data=root / "data", config=root / "config")
        dirs = PlatformDirs(APP_NAME, appauthor=False)
        return cls(data=dirs.user_data_path, config=dirs.user_config_path)

    @property
    def default_db(self) -> Path:
        return self.data / "exit_tui.db"

    @property
    def demo_db(self) -> Path:
        return self.data / "demo.db"

    @property
    def config_file(self) -> Path:
        return self.config / "config.toml"

    @property
    def state_file(self) -> Path:
        return self.data / "state.json"


@dataclass(frozen=True)
class Settings:
    """config.toml, written by the user: `language = "zh"`, `user_name = "王经理"`, `theme = "…"`."""

    language: str | None = None
    user_name: str | None = None
    theme: str | None = None

    @classmethod
    def load(cls, paths: Paths) -> "Settings":
        if not paths.config_file.is_file():
            return cls()
        import tomllib  # only when there is a config file to read

        try:
            with paths.config_file.open("rb") as handle:
                raw = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"{paths.config_file}: {exc}") from exc
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__ and isinstance(v, str)}
        return cls(**known)

    @property
    def actor(self) -> str:
        """Who is recorded in the audit log: the configured name, else the OS user."""
        if self.user_name:
            return self.user_name
        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return "unknown"


#: The language when the system states no preference (C/POSIX locale, or none): the users are Chinese-speaking.
DEFAULT_LANGUAGE = "zh"


def system_language() -> str:
    """zh for a Chinese locale, en for any other real locale, DEFAULT_LANGUAGE for C/POSIX or none."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            code = value.split(".")[0].lower()
            if code in ("c", "posix"):
                return DEFAULT_LANGUAGE
            return "zh" if code.startswith("zh") else "en"
    code = (locale.getlocale()[0] or "").lower()  # Windows: e.g. "Chinese (Simplified)_China"
    if not code:
        return DEFAULT_LANGUAGE
    return "zh" if code.startswith(("zh", "chinese")) else "en"


def choose_language(cli_value: str | None, settings: Settings) -> str:
    """`--lang`, then config, then the locale."""
    for value in (cli_value, settings.language):
        if value in ("zh", "en"):
            return value
    return system_language()


class State:
    """Small things remembered between runs (last project per database, theme), in state.json."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.values: dict = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            self.values = {}

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def set(self, key: str, value) -> None:
        self.values[key] = value
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.values, ensure_ascii=False, indent=1), "utf-8")
            tmp.replace(self.path)
        except OSError:
            pass  # remembering is a convenience; never fail the user's work over it
