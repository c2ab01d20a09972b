"""The quantization report (`dyadc --report r.json`, `dyad.compile(...,
report=True)`) as Python objects.

    report = dyad.Report.load("r.json")      # or model.report
    for n in report.nodes:
        print(n.node, n.status, n.precision, n.sqnr_db)
    report.node("/stem/stem.0/Conv").weight_scales.max
    [n.node for n in report.by_status("fallback")]

Each field is the JSON's (docs/quantization.md, `--report`); a field the
JSON leaves out is None (or empty). `report.raw` is the parsed JSON, and
`report["nodes"]` reads it as before.
"""
import json
import os
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

__all__ = ["Report", "NodeReport", "WeightScales", "ScaleAdjustment",
           "MixedPrecision"]

STATUSES = ("quantized", "fused", "fallback", "skipped")


@dataclass(frozen=True)
class WeightScales:
    """A layer's weight scales: per channel (`channels` > 1) or one."""
    channels: int
    min: float
    max: float


@dataclass(frozen=True)
class ScaleAdjustment:
    """A weight channel whose scale dyad-quantize chose for a reason other
    than its range (`reason`: "bias", "all_zero", "below_resolution",
    "clipped", "outlier"); `details` holds the entry's other fields."""
    channel: Optional[int]
    reason: Optional[str]
    details: Dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class MixedPrecision:
    """The width mixed precision chose for a layer and its costs there:
    `sensitivity_by_bits` maps each width tried to its sensitivity."""
    why: Optional[str]
    size_bytes: Optional[int]
    bops: Optional[int]
    latency_s: Optional[float]
    sensitivity_by_bits: Dict[int, float]


@dataclass(frozen=True)
class NodeReport:
    """One ONNX node: `status` is "quantized" (an integer tensor of
    `precision`, `scale`, `zero_point`), "fused" (computed in i32 and
    requantized once with its user), "fallback" (kept in float: `why`) or
    "skipped" (outside the quantized region)."""
    node: str
    op: str
    tensor: str
    status: str
    precision: Optional[str] = None
    scale: Optional[float] = None
    zero_point: Optional[int] = None
    sqnr_db: Optional[float] = None
    why: Optional[str] = None
    macs: Optional[int] = None
    weight_bits: Optional[int] = None
    sensitivity: Optional[float] = None
    weight_scales: Optional[WeightScales] = None
    weight_scale_adjusted: Tuple[ScaleAdjustment, ...] = ()
    notes: Tuple[str, ...] = ()
    mixed_precision: Optional[MixedPrecision] = None

    @property
    def integer(self):
        """Whether the node runs on integers (quantized or fused)."""
        return self.status in ("quantized", "fused")


def _int(v):
    return None if v is None else int(v)


def _float(v):
    return None if v is None else float(v)


def _node(row):
    ws = row.get("weight_scales")
    mp = row.get("mixed_precision")
    adjusted = []
    for e in row.get("weight_scale_adjusted", ()):
        details = {k: v for k, v in e.items() if k not in ("channel", "reason")}
        adjusted.append(ScaleAdjustment(_int(e.get("channel")), e.get("reason"),
                                        details))
    return NodeReport(
        node=row.get("node", ""), op=row.get("op", ""),
        tensor=row.get("tensor", ""), status=row.get("status", ""),
        precision=row.get("precision"), scale=_float(row.get("scale")),
        zero_point=_int(row.get("zero_point")),
        sqnr_db=_float(row.get("sqnr_db")), why=row.get("why"),
        macs=_int(row.get("macs")), weight_bits=_int(row.get("weight_bits")),
        sensitivity=_float(row.get("sensitivity")),
        weight_scales=None if ws is None else WeightScales(
            int(ws["channels"]), float(ws["min"]), float(ws["max"])),
        weight_scale_adjusted=tuple(adjusted),
        notes=tuple(row.get("notes", ())),
        mixed_precision=None if mp is None else MixedPrecision(
            why=mp.get("why"), size_bytes=_int(mp.get("size_bytes")),
            bops=_int(mp.get("bops")), latency_s=_float(mp.get("latency_s")),
            sensitivity_by_bits={int(k): float(v) for k, v in
                                 mp.get("sensitivity_by_bits", {}).items()}))


class Report:
    """A quantization report: `model`, `calibration_method`,
    `calibration_samples`, `summary` (counts per status), `nodes` (in graph
    order), and lookups by node name and status."""

    def __init__(self, raw):
        if raw.get("format") != "dyad-quantization-report":
            raise ValueError("not a Dyad quantization report (format "
                             f"{raw.get('format')!r})")
        self.raw = raw
        self.version = raw.get("version")
        self.model = raw.get("model")
        calib = raw.get("calibration", {})
        self.calibration_method = calib.get("method")
        self.calibration_samples = _int(calib.get("samples"))
        self.summary = dict(raw.get("summary", {}))
        self.nodes = tuple(_node(r) for r in raw.get("nodes", ()))
        self._by_name = {}
        for n in self.nodes:
            self._by_name.setdefault(n.node, n)

    @classmethod
    def load(cls, path):
        """Reads a report file (`dyadc --report`)."""
        with open(os.fspath(path)) as f:
            return cls(json.load(f))

    def node(self, name):
        """The node of that ONNX name (the first, where a name repeats)."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"no node {name!r} in the report of "
                           f"{self.model!r}") from None

    def by_status(self, status):
        """The nodes of one status, in graph order."""
        if status not in STATUSES:
            raise ValueError(f"status {status!r} is not one of {STATUSES}")
        return [n for n in self.nodes if n.status == status]

    def __iter__(self):
        return iter(self.nodes)

    def __len__(self):
        return len(self.nodes)

    def __getitem__(self, key):
        """The parsed JSON's field (report["nodes"], report["summary"])."""
        return self.raw[key]

    def to_json(self):
        return json.dumps(self.raw, indent=2)

    def __repr__(self):
        counts = ", ".join(f"{k} {v}" for k, v in self.summary.items())
        return f"<dyad.Report {self.model!r}: {len(self.nodes)} nodes ({counts})>"
