//===- Report.cpp - the per-node quantization report ----------------------===//
#include "dyad/Compiler/Report.h"
#include "dyad/Transforms/Passes.h"
#include "dyad/Dialect/Dyad/DyadOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <set>
#include <cmath>

using namespace mlir;
using namespace dyad;

namespace {
std::string nodeName(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (auto n = dyn_cast<NameLoc>(l))
        return n.getName().str();
  return {};
}

std::string tensorOf(Operation *op) {
  auto a = op->getAttrOfType<StringAttr>("dyad.tensor");
  return a ? a.str() : std::string();
}

/// `weight_scale_adjusted` (one entry per channel, from dyad-quantize's
/// `dyad.weight_adjustments`) and one `notes` line per reason
/// (docs/numerics.md §2).
void addWeightNotes(llvm::json::Object &row, ArrayAttr adjustments,
                    size_t channels) {
  llvm::json::Array entries;
  std::map<std::string, int64_t> counts;
  for (Attribute a : adjustments) {
    auto d = dyn_cast<DictionaryAttr>(a);
    if (!d)
      continue;
    llvm::json::Object e;
    for (NamedAttribute f : d) {
      if (auto i = dyn_cast<IntegerAttr>(f.getValue()))
        e[f.getName().str()] = i.getInt();
      else if (auto x = dyn_cast<FloatAttr>(f.getValue()))
        e[f.getName().str()] = x.getValueAsDouble();
      else if (auto str = dyn_cast<StringAttr>(f.getValue()))
        e[f.getName().str()] = str.str();
    }
    if (auto r = d.getAs<StringAttr>("reason"))
      ++counts[r.str()];
    entries.push_back(std::move(e));
  }
  llvm::json::Array notes;
  auto of = [&](int64_t n) {
    std::string s = std::to_string(n);
    if (channels)
      s += " of " + std::to_string(channels);
    return s + (channels == 1 ? " output channel" : " output channels");
  };
  for (auto &[reason, n] : counts) {
    std::string text = of(n) + ": ";
    if (reason == "bias")
      text += "weight scale raised so the quantized bias fits in i32 "
              "(|b_q| <= 2^30); the weights lose precision";
    else if (reason == "all_zero")
      text += "all weights 0; the scale is chosen for the bias (|b_q| = "
              "2^30), or 1 without one";
    else if (reason == "below_resolution")
      text += "weights below the output's resolution (requant multiplier "
              "< 2^-32 or scale < 2^-126); scale raised, weights ~0";
    else if (reason == "clipped")
      text += "weight scale capped at a requant multiplier of 2^30; larger "
              "weights clipped (such an accumulator saturates the output)";
    else if (reason == "outlier")
      text += "most non-zero weights are below 1/256 of the largest "
              "(an outlier) and quantize to 0";
    else
      text += reason;
    notes.push_back(std::move(text));
  }
  row["weight_scale_adjusted"] = std::move(entries);
  row["notes"] = std::move(notes);
}

std::string storage(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << getElementTypeOrSelf(t);
  return s;
}
} // namespace

llvm::Error dyad::writeQuantizationReport(StringRef path,
                                          const ReportInputs &in) {
  // Weight scales, from the QDQ graph (per-channel dequantize of constants),
  // and the channels whose scale dyad-quantize adjusted.
  std::map<std::string, std::vector<double>> weightScales;
  std::map<std::string, ArrayAttr> adjustments;
  ModuleOp(in.qdqModule).walk([&](QuantizableOpInterface op) {
    auto w = op.getQuantizedWeight();
    if (!w || tensorOf(op).empty())
      return;
    if (auto a = op->getAttrOfType<ArrayAttr>("dyad.weight_adjustments"))
      adjustments[tensorOf(op)] = a;
    auto dq = op->getOperand(w->operand).getDefiningOp<DequantizeOp>();
    if (!dq)
      return;
    Type e = getElementTypeOrSelf(dq.getInput().getType());
    if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(e))
      weightScales[tensorOf(op)].assign(pa.getScales().begin(),
                                        pa.getScales().end());
    else if (auto u = dyn_cast<quant::UniformQuantizedType>(e))
      weightScales[tensorOf(op)] = {u.getScale()};
  });
  // Integer tensors and float fallbacks, from the integerized graph.
  struct IntInfo {
    double scale;
    int64_t zp;
    std::string type;
  };
  std::map<std::string, IntInfo> ints;
  std::map<std::string, std::string> fallbacks;
  std::set<std::string> postprocessing;
  ModuleOp(in.intModule).walk([&](Operation *op) {
    std::string t = tensorOf(op);
    if (t.empty())
      return;
    if (op->hasAttr("dyad.postprocessing")) {
      postprocessing.insert(t);
      return;
    }
    auto scale = op->getAttrOfType<FloatAttr>("dyad.scale");
    auto zp = op->getAttrOfType<IntegerAttr>("dyad.zero_point");
    if (scale && zp && op->getNumResults() == 1)
      ints[t] = {scale.getValueAsDouble(), zp.getInt(),
                 storage(op->getResult(0).getType())};
    else if (auto why = op->getAttrOfType<StringAttr>("dyad.float_reason"))
      fallbacks[t] = why.str();
    else if (llvm::any_of(op->getResultTypes(), [](Type ty) {
               return isa<FloatType>(getElementTypeOrSelf(ty));
             }) &&
             !isa<DequantizeOp, QuantizeOp>(op))
      fallbacks.emplace(t, "no integer form");
  });

  llvm::json::Array nodes;
  unsigned quantized = 0, fused = 0, fallback = 0;
  ModuleOp(in.floatModule).walk([&](Operation *op) {
    if (!isa<DyadDialect>(op->getDialect()) || op->getNumResults() != 1)
      return;
    std::string t = tensorOf(op);
    llvm::json::Object row;
    row["node"] = nodeName(op->getLoc());
    row["op"] = op->getName().getStringRef().str();
    row["tensor"] = t;
    // Multiply-accumulates per run (QuantizableOpInterface's cost hook):
    // BOPs = macs x weight bits x activation bits.
    if (auto q = dyn_cast<QuantizableOpInterface>(op))
      if (auto macs = q.getMacCount(); macs && *macs > 0)
        row["macs"] = *macs;
    // Mixed precision (dyadc --mixed-precision): the width chosen for the
    // layer's weights and the sensitivity that chose it.
    if (auto b = op->getAttrOfType<IntegerAttr>(kWeightBitsAttr))
      row["weight_bits"] = b.getInt();
    if (auto b = op->getAttrOfType<IntegerAttr>(kInputBitsAttr))
      row["input_bits"] = b.getInt();
    if (auto s = op->getAttrOfType<FloatAttr>("dyad.sensitivity"))
      row["sensitivity"] = s.getValueAsDouble();
    // Its costs at that width, every width's sensitivity and why.
    if (auto mp = op->getAttrOfType<DictionaryAttr>("dyad.mixed_precision")) {
      llvm::json::Object o;
      for (NamedAttribute a : mp) {
        if (auto f = dyn_cast<FloatAttr>(a.getValue()))
          o[a.getName().str()] = f.getValueAsDouble();
        else if (auto i = dyn_cast<IntegerAttr>(a.getValue()))
          o[a.getName().str()] = i.getInt();
        else if (auto s = dyn_cast<StringAttr>(a.getValue()))
          o[a.getName().str()] = s.str();
        else if (auto d = dyn_cast<DictionaryAttr>(a.getValue())) {
          llvm::json::Object inner;
          for (NamedAttribute e : d)
            if (auto f = dyn_cast<FloatAttr>(e.getValue()))
              inner[e.getName().str()] = f.getValueAsDouble();
          o[a.getName().str()] = std::move(inner);
        }
      }
      row["mixed_precision"] = std::move(o);
    }
    auto w = weightScales.find(t);
    if (w != weightScales.end()) {
      auto [lo, hi] = std::minmax_element(w->second.begin(), w->second.end());
      row["weight_scales"] = llvm::json::Object{
          {"channels", (int64_t)w->second.size()}, {"min", *lo}, {"max", *hi}};
    }
    auto adj = adjustments.find(t);
    if (adj != adjustments.end())
      addWeightNotes(row, adj->second,
                     w != weightScales.end() ? w->second.size() : 0);
    auto it = ints.find(t);
    if (it != ints.end()) {
      ++quantized;
      row["status"] = "quantized";
      row["precision"] = it->second.type;
      row["scale"] = it->second.scale;
      row["zero_point"] = it->second.zp;
      if (in.sqnr) {
        auto s = in.sqnr->find(t);
        if (s != in.sqnr->end() && std::isfinite(s->second))
          row["sqnr_db"] = s->second;
      }
    } else if (op->hasOneUse() &&
               isa<ReluOp, ClipOp, AddOp>(*op->getUsers().begin()) &&
               ints.count(tensorOf(*op->getUsers().begin()))) {
      ++fused;
      row["status"] = "fused";
      row["precision"] = "i32";
      row["why"] = "computed in i32 and requantized once with its user '" +
                   nodeName((*op->getUsers().begin())->getLoc()) + "'";
    } else if (postprocessing.count(t)) {
      row["status"] = "postprocessing";
      row["precision"] = storage(op->getResult(0).getType());
      row["why"] = "float after the quantized region: a nonlinear function "
                   "of its result on the way to the outputs, and what only "
                   "moves, compares or masks it";
    } else if (fallbacks.count(t)) {
      ++fallback;
      row["status"] = "fallback";
      row["precision"] = storage(op->getResult(0).getType());
      row["why"] = fallbacks[t];
    } else {
      row["status"] = "skipped";
      row["precision"] = storage(op->getResult(0).getType());
      row["why"] = "outside the quantized region (shape computation, "
                   "pre/post-processing, or not calibrated)";
    }
    nodes.push_back(std::move(row));
  });

  llvm::json::Object root{
      {"format", "dyad-quantization-report"},
      {"version", 1},
      {"model", in.model},
      {"calibration",
       llvm::json::Object{{"method", in.method},
                          {"samples", (int64_t)in.samples}}},
      {"summary", llvm::json::Object{{"quantized", quantized},
                                     {"fused", fused},
                                     {"fallback", fallback}}},
      {"nodes", std::move(nodes)}};
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return llvm::createStringError(ec, "cannot write '" + path + "': " +
                                           ec.message());
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return llvm::Error::success();
}
