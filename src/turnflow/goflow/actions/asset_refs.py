"""Looking up the assets an action refers to (by UUID or by name) and reporting the missing
ones as goflow's dependency errors."""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime


def asset_items(rt: Runtime, kind: str) -> list[dict[str, Any]]:
    return list(getattr(rt.assets, kind, None) or []) if rt.assets is not None else []


def find_asset(rt: Runtime, kind: str, uuid: str | None) -> dict[str, Any] | None:
    return next((a for a in asset_items(rt, kind) if a.get("uuid") == uuid), None) if uuid else None


def dependency_error(rt: Runtime, kind: str, ref: dict[str, Any]) -> None:
    identity = ref.get("uuid") or ref.get("key") or ref.get("email") or ""
    label = "key" if "key" in ref and "uuid" not in ref else "uuid"
    rt.error(
        f"Missing dependency: {kind}[{label}={identity},name={ref.get('name', '')}]",
        code="dependency:missing",
        extra={"type": kind, "identity": identity},
    )


def ref_of(asset: dict[str, Any]) -> dict[str, Any]:
    return {"uuid": asset["uuid"], "name": asset.get("name", "")}


def resolve_groups(
    rt: Runtime,
    refs: list[dict[str, Any]],
    missing_code: str = "group:missing",
    kind: str = "group",
    plural: str = "groups",
) -> list[dict[str, Any]]:
    """Group (or label) references to assets: by UUID (a missing one is a dependency error) or
    by a name template (``name_match``) evaluated now."""
    found = []
    for ref in refs:
        if ref.get("uuid"):
            asset = find_asset(rt, plural, ref["uuid"])
            if asset is None:
                dependency_error(rt, kind, ref)
                continue
        else:
            template = ref.get("name_match") or ""
            before = len(rt.emitted)
            name = rt.evaluate(template)
            if any(e["type"] == "error" for e in rt.emitted[before:]):
                continue
            asset = next(
                (a for a in asset_items(rt, plural) if a.get("name", "").lower() == name.lower()),
                None,
            )
            if asset is None:
                rt.error(
                    f"No such {kind} with name '{name}'", code=missing_code, extra={"name": name}
                )
                continue
        found.append(ref_of(asset))
    return found
