"""Finding the groups a contact group action names, by UUID or by a name template."""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from .asset_refs import dependency_error
from .base import evaluate_checked
from .contact import contact_assets


def resolve_groups(rt: Runtime, refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Group references as groups: fixed ones by UUID (a missing one is a dependency error),
    ``name_match`` ones by evaluating the template and finding the group with that name."""
    known = contact_assets(rt).groups
    groups = []
    for ref in refs:
        if ref.get("uuid"):
            group = next((g for g in known if g.get("uuid") == ref["uuid"]), None)
            if group is None:
                dependency_error(rt, "group", ref)
        else:
            name, ok = evaluate_checked(rt, ref.get("name_match", ""))
            if not ok:
                continue
            wanted = name.strip().lower()
            group = next(
                (g for g in known if str(g.get("name", "")).strip().lower() == wanted), None
            )
            if group is None:
                rt.error(
                    f"No such group with name '{name}'", code="group:missing", extra={"name": name}
                )
        if group is not None:
            groups.append({"uuid": group["uuid"], "name": group.get("name", "")})
    return groups
