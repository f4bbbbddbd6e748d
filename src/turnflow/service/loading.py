"""Putting definitions into the store: workspaces, their tokens, definitions read from files
(a new revision only when the files changed) and the channels each definition answers on."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..generators import SystemClock
from ..store.db import Store
from ..store.models import ApiToken, Channel, Definition, Revision, Workspace
from .clock import now_of
from .families.base import Family, family_of

API, REST, EXTERNAL, GENERIC = "api", "rest", "external", "generic"
CALLBACK_KINDS = (EXTERNAL, GENERIC)  # channels whose replies are posted (the outbox)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_hex(20)


@dataclass
class Loaded:
    workspace: str
    name: str
    family: str
    revision: int
    channels: dict[str, str]  # kind -> channel UUID


def ensure_workspace(session: Session, name: str, clock: Any) -> Workspace:
    workspace = session.scalar(select(Workspace).where(Workspace.name == name))
    if workspace is None:
        workspace = Workspace(uuid=str(uuid.uuid4()), name=name, created_on=now_of(clock))
        session.add(workspace)
        session.flush()
    return workspace


def ensure_token(session: Session, workspace: Workspace, token: str, clock: Any) -> None:
    digest = token_digest(token)
    found = session.scalar(select(ApiToken).where(ApiToken.digest == digest))
    if found is None:
        session.add(ApiToken(workspace_id=workspace.id, digest=digest, created_on=now_of(clock)))
    elif found.workspace_id != workspace.id:
        raise ValueError("that token belongs to another workspace")


def has_token(session: Session, workspace: Workspace) -> bool:
    return session.scalar(select(ApiToken.id).where(ApiToken.workspace_id == workspace.id)
                          .limit(1)) is not None


def read_definition(path: Path) -> tuple[Family, str, dict[str, Any]]:
    """The family, name and content of a definition on disk (raises DefinitionError)."""
    family = family_of(path)
    content = family.read(path)
    name = path.name if path.is_dir() else path.stem
    family.build(content, name, SystemClock())  # check it runs before it is stored
    return family, name, content


def load_definition(session: Session, workspace: Workspace, path: Path, clock: Any,
                    send_url: str | None = None, name: str | None = None,
                    send_body: str | None = None) -> Loaded:
    family, default_name, content = read_definition(path)
    name = name or default_name
    now = now_of(clock)
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    definition = session.scalar(select(Definition).where(
        Definition.workspace_id == workspace.id, Definition.name == name))
    if definition is None:
        definition = Definition(workspace_id=workspace.id, uuid=str(uuid.uuid4()), name=name,
                                family=family.name, created_on=now, modified_on=now)
        session.add(definition)
        session.flush()
    definition.family = family.name
    latest = session.scalar(select(Revision).where(Revision.definition_id == definition.id)
                            .order_by(Revision.number.desc()).limit(1))
    number = latest.number if latest is not None else 0
    if latest is None or latest.digest != digest:
        number += 1
        session.add(Revision(definition_id=definition.id, number=number, digest=digest,
                             source=str(path), content=content, created_on=now))
        definition.modified_on = now
    channels = {}
    for kind in (API, family.channel):
        channel = session.scalar(select(Channel).where(
            Channel.definition_id == definition.id, Channel.kind == kind))
        if channel is None:
            channel = Channel(workspace_id=workspace.id, definition_id=definition.id,
                              uuid=str(uuid.uuid4()), kind=kind, config={}, created_on=now)
            session.add(channel)
        if kind in CALLBACK_KINDS and send_url:
            channel.config = dict(channel.config, send_url=send_url)
        if kind == EXTERNAL and send_body:
            channel.config = dict(channel.config, content_type=send_body)
        channels[kind] = channel.uuid
    session.flush()
    return Loaded(workspace.name, name, family.name, number, channels)


def load_paths(store: Store, paths: list[Path], workspace_name: str, clock: Any,
               token: str | None = None, send_url: str | None = None,
               send_body: str | None = None) -> tuple[list[Loaded], str | None]:
    """Load definitions into a workspace (made if new). Returns what was loaded, and the
    token made for a new workspace that had none (shown once; only its digest is kept)."""
    made = None
    with store.transaction() as session:
        workspace = ensure_workspace(session, workspace_name, clock)
        if token:
            ensure_token(session, workspace, token, clock)
        elif not has_token(session, workspace):
            made = new_token()
            ensure_token(session, workspace, made, clock)
        loaded = [load_definition(session, workspace, path, clock, send_url,
                                  send_body=send_body) for path in paths]
    return loaded, made
