"""Finding and reading the files of a Rasa project directory, as Rasa finds them:
``config.yml``, the domain (``domain.yml`` or every YAML file under ``domain/``), every YAML
file under ``data/`` that is a flows file (a line starting with ``flows:``) or an NLU file
(``nlu:``), and ``endpoints.yml``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ...errors import TurnflowError
from ...located_yaml import read_regular_file
from ..project import RasaProject
from ..yaml_io import YamlError, parse_yaml
from .domain import is_domain_data, read_domain
from .flows import has_flows_key, read_flows_data
from .nlu import read_nlu_data

YAML_SUFFIXES = (".yml", ".yaml")
CONFIG_FILE = "config.yml"
ENDPOINTS_FILE = "endpoints.yml"
DATA_DIR = "data"


def is_rasa_project(path: str | Path) -> bool:
    """Whether ``path`` is a directory that looks like a Rasa project."""
    root = Path(path)
    if not root.is_dir():
        return False
    return any((root / name).exists() for name in
               (CONFIG_FILE, "domain.yml", "domain.yaml", "domain", DATA_DIR))


def _yaml_files(directory: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(directory, followlinks=True):
        dirs.sort()
        found.extend(Path(root, name) for name in sorted(files)
                     if name.endswith(YAML_SUFFIXES))
    return sorted(found)


def _has_top_key(text: str, key: str) -> bool:
    # (Rasa's test: any line that starts, after spaces, with `key:`)
    marker = f"{key}:"
    return marker in text and any(line.lstrip().startswith(marker)
                                  for line in text.splitlines())


class _Loader:
    def __init__(self, root: Path) -> None:
        self.project = RasaProject(root)
        self.read: list[str] = []
        self.unreadable: list[str] = []

    def name(self, path: Path) -> str:
        return str(path)

    def text(self, path: Path) -> str | None:
        try:
            return read_regular_file(path)
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            self.project.problems.error(self.name(path), 0, f"cannot read: {reason}")
            self.unreadable.append(self.name(path))
            return None

    def parse(self, path: Path, text: str, expand_env: bool = True) -> Any:
        self.read.append(self.name(path))
        try:
            return parse_yaml(text, self.name(path), expand_env)
        except YamlError as exc:
            self.project.problems.error(exc.file, exc.line, exc.message)
            self.unreadable.append(self.name(path))
            return None

    def load(self, path: Path, expand_env: bool = True) -> Any:
        text = self.text(path)
        return None if text is None else self.parse(path, text, expand_env)

    def mapping_file(self, path: Path, expand_env: bool = True) -> dict[str, Any]:
        if not path.is_file():
            return {}
        data = self.load(path, expand_env)
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.project.problems.error(self.name(path), getattr(data, "line", 1),
                                        "must be a mapping")
            return {}
        return data

    def domain(self, root: Path) -> None:
        files: list[tuple[str, Any]] = []
        single = next((root / n for n in ("domain.yml", "domain.yaml")
                       if (root / n).is_file()), None)
        if single is not None:
            files.append((self.name(single), self.load(single)))
        elif (root / "domain").is_dir():
            for path in _yaml_files(root / "domain"):
                data = self.load(path)
                if is_domain_data(data):
                    files.append((self.name(path), data))
        self.project.domain = read_domain(files, self.project.problems)

    def data(self, root: Path) -> None:
        flow_files, nlu_files = [], []
        for path in _yaml_files(root / DATA_DIR) if (root / DATA_DIR).is_dir() else ():
            text = self.text(path)
            if text is None:
                continue
            is_flows, is_nlu = has_flows_key(text), _has_top_key(text, "nlu")
            if not (is_flows or is_nlu):
                continue  # stories, rules, tests: not read
            data = self.parse(path, text)
            if data is None:
                continue
            if is_flows:
                flow_files.append(self.name(path))
                self.flows(path, data)
            if is_nlu:
                nlu_files.append(self.name(path))
                read_nlu_data(data, self.name(path), self.project.nlu, self.project.problems)
        self.project.flow_files = tuple(flow_files)
        self.project.nlu.files = tuple(nlu_files)

    def flows(self, path: Path, data: Any) -> None:
        flows = self.project.flows
        for flow in read_flows_data(data, self.name(path), self.project.problems):
            first = flows.get(flow.id)
            if first is not None:
                self.project.problems.at(flow.location, f"flow '{flow.id}' is defined twice "
                                         f"(first at {first.location}); flow ids are unique "
                                         f"across files")
                continue
            flows[flow.id] = flow


def load_project(path: str | Path) -> RasaProject:
    """Read the Rasa project in directory ``path``. Problems in its files are collected in
    ``project.problems`` (each with file and line); raises :class:`TurnflowError` only when
    ``path`` is not a directory."""
    root = Path(path)
    if not root.is_dir():
        raise TurnflowError(f"{path}: not a directory")
    loader = _Loader(root)
    project = loader.project
    project.config = loader.mapping_file(root / CONFIG_FILE)
    loader.domain(root)
    loader.data(root)
    # (endpoints keep their ${VARS}: they are secrets for run time, not for reading)
    project.endpoints = loader.mapping_file(root / ENDPOINTS_FILE, expand_env=False)
    project.files = tuple(loader.read)
    project.unreadable = tuple(loader.unreadable)
    return project
