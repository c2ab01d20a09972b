"""MLIR text through Dyad's dialects and passes, as `dyad-opt` does.

    text = dyad.ir.run_pipeline(text, "builtin.module(func.func(dyad-simplify))")
    dyad.ir.verify(text)          # parses and verifies; returns it printed

Errors (a parse error, a failed verifier, an unknown pass, a failing pass)
raise ValueError carrying MLIR's diagnostics.
"""
from . import _dyad

__all__ = ["run_pipeline", "verify", "parse"]


def run_pipeline(text, pipeline, generic=False):
    """Parses `text`, runs the textual pass `pipeline` (anchored on
    builtin.module) and returns the result printed (generic op form with
    generic=True)."""
    return _dyad.run_pipeline(text, pipeline, generic)


def verify(text, generic=False):
    """Parses and verifies `text`; returns it printed."""
    return _dyad.run_pipeline(text, "", generic)


parse = verify
