"""The installed distribution's version, read once from its metadata."""

from importlib import metadata

try:
    __version__ = metadata.version("medplan")
except (
    metadata.PackageNotFoundError
):  # pragma: no cover - only when run from an uninstalled checkout
    __version__ = "0+unknown"
