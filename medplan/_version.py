"""The package's version, as a literal.

Reading it from the installed distribution's metadata (importlib.metadata)
costs about a third of a one-shot ``medplan plan``'s start-up, so it is
written here; tests/test_packaging.py checks that it is the version the
installed distribution declares (pyproject.toml's), so the two cannot drift
apart unnoticed.
"""

__version__ = "0.1.0"
