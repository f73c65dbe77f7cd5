"""Check a request against what the model can do, before anything is sent.

* Images to a model whose catalog entry says it has no vision are refused with one clear
  line (:func:`check_capabilities`). When the catalog does not know (``vision is None``,
  e.g. a model missing from the catalog) the image is sent and
  :func:`capability_warnings` says so — refusing would block every new model.
* Tools offered to a model without native tool calling are not refused: the caller switches
  to prompt-guided tool calls (:func:`needs_prompted_tools`,
  :mod:`playground.tools.prompted`). Unknown tool support counts as native.
"""

from __future__ import annotations

from playground.catalog.types import ModelInfo
from playground.request import ChatRequest, ImagePart


def _has_images(request: ChatRequest) -> bool:
    return any(isinstance(part, ImagePart) for m in request.messages for part in m.parts)


def check_capabilities(model: ModelInfo, request: ChatRequest) -> str | None:
    """A one-line refusal when ``request`` needs something ``model`` lacks, else None."""
    if model.vision is False and _has_images(request):
        return (
            f"{model.spec} cannot read images (no vision in the catalog); "
            "remove the image or pick a model with vision"
        )
    return None


def capability_warnings(model: ModelInfo, request: ChatRequest) -> list[str]:
    """Non-blocking notes: capabilities the catalog cannot vouch for, and fallbacks in use."""
    notes: list[str] = []
    if model.vision is None and _has_images(request):
        notes.append(f"{model.spec}: vision support unknown; sending the image anyway")
    if needs_prompted_tools(model, request):
        notes.append(f"{model.spec} has no native tool calling; using prompt-guided tool calls")
    return notes


def needs_prompted_tools(model: ModelInfo, request: ChatRequest) -> bool:
    """Whether tools must be offered through the system prompt instead of the API."""
    return bool(request.tools) and model.tools is False
