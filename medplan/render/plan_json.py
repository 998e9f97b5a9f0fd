"""The plan as the documented JSON text (docs/request-and-plan.md)."""

from __future__ import annotations

from medplan.model import Plan
from medplan.render._indented import dumps_indented

__all__ = [
    "render_json",
]


def render_json(plan: Plan) -> str:
    """The plan as the documented JSON, with a final newline.

    Keys come in a fixed order and nothing depends on the machine, so the same
    request and table give byte-identical output.
    """
    # json.dumps(..., indent=2, ensure_ascii=False), written faster (see _indented).
    return dumps_indented(plan.to_dict()) + "\n"
