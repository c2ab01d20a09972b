//===- QdqExport.cpp - Dyad's quantization written back as ONNX QDQ -------===//
//
// Reads the quantization decisions off the calibrated graph (dyad.quantize
// ops and quantized weight constants, named by ONNX tensor and node) and
// rewrites the ONNX model the importer prepared to carry them as
// QuantizeLinear / DequantizeLinear pairs (QdqExport.h).
//
//===----------------------------------------------------------------------===//
#include "dyad/Import/QdqExport.h"
#include "ImporterImpl.h"

#include "dyad/Dialect/Dyad/DyadOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <map>
#include <set>

using namespace mlir;
using namespace dyad;
using namespace dyad::import;

namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// An activation's quantization: q = clamp(round(x / scale) + zeroPoint).
struct ActivationQ {
  double scale;
  int64_t zeroPoint;
  bool isSigned;
};

/// A quantized weight of a layer, as Dyad quantized it.
struct WeightQ {
  std::vector<std::string> nodes; // the ONNX nodes of the op's location
  std::string output;             // the ONNX tensor the op computes
  std::vector<int64_t> shape;
  std::vector<int8_t> values;
  std::vector<double> scales; // one per channel of `axis`, or one
  int64_t axis = -1;          // -1: per tensor
  std::vector<double> bias;   // the op's float bias (BatchNormalization
  bool hasBias = false;       // folded in), when constant
};

void locationNames(Location loc, std::vector<std::string> &out) {
  if (auto n = dyn_cast<NameLoc>(loc)) {
    out.push_back(n.getName().str());
    return;
  }
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      locationNames(l, out);
}

/// The float values of an initializer (FLOAT or DOUBLE, inline data).
std::optional<std::vector<float>> floatsOf(const onnx::TensorProto &t) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  size_t n = 1;
  for (int64_t d : t.dims())
    n *= (size_t)d;
  std::vector<float> out(n);
  if (t.data_type() == onnx::TensorProto::FLOAT) {
    if (!t.raw_data().empty()) {
      if (t.raw_data().size() != n * 4)
        return std::nullopt;
      std::memcpy(out.data(), t.raw_data().data(), n * 4);
      return out;
    }
    if ((size_t)t.float_data_size() != n)
      return std::nullopt;
    for (size_t i = 0; i < n; ++i)
      out[i] = t.float_data((int)i);
    return out;
  }
  if (t.data_type() == onnx::TensorProto::DOUBLE) {
    if (!t.raw_data().empty()) {
      if (t.raw_data().size() != n * 8)
        return std::nullopt;
      for (size_t i = 0; i < n; ++i) {
        double d;
        std::memcpy(&d, t.raw_data().data() + 8 * i, 8);
        out[i] = (float)d;
      }
      return out;
    }
    if ((size_t)t.double_data_size() != n)
      return std::nullopt;
    for (size_t i = 0; i < n; ++i)
      out[i] = (float)t.double_data((int)i);
    return out;
  }
  return std::nullopt;
}

onnx::TensorProto floatTensor(const std::string &name,
                              llvm::ArrayRef<int64_t> dims,
                              llvm::ArrayRef<float> values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims)
    t.add_dims(d);
  t.set_raw_data(std::string((const char *)values.data(), values.size() * 4));
  return t;
}

onnx::TensorProto int8Tensor(const std::string &name,
                             llvm::ArrayRef<int64_t> dims,
                             llvm::ArrayRef<int8_t> values, bool isSigned) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(isSigned ? onnx::TensorProto::INT8
                           : onnx::TensorProto::UINT8);
  for (int64_t d : dims)
    t.add_dims(d);
  t.set_raw_data(std::string((const char *)values.data(), values.size()));
  return t;
}

onnx::NodeProto qdqNode(const std::string &op, const std::string &name,
                        std::vector<std::string> inputs,
                        const std::string &output, int64_t axis = -1) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(name);
  for (const std::string &i : inputs)
    n.add_input(i);
  n.add_output(output);
  if (axis >= 0) {
    onnx::AttributeProto *a = n.add_attribute();
    a->set_name("axis");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(axis);
  }
  return n;
}

/// Reads the activations and weights Dyad quantized off the calibrated graph.
llvm::Error collect(ModuleOp qdq, StringRef funcName,
                    std::map<std::string, ActivationQ> &activations,
                    std::vector<WeightQ> &weights) {
  auto func = qdq.lookupSymbol<func::FuncOp>(funcName);
  if (!func)
    return fail("no function '" + funcName + "' in the quantized graph");
  llvm::Error err = llvm::Error::success();
  func.walk([&](Operation *op) {
    if (err)
      return;
    if (auto q = dyn_cast<QuantizeOp>(op)) {
      auto type = dyn_cast<quant::UniformQuantizedType>(
          getElementTypeOrSelf(q.getOutput().getType()));
      std::string name = tensorName(q.getInput());
      if (!type || name.empty())
        return;
      // The region's last contraction before float postprocessing is
      // dequantized from 32 bits (docs/quantization.md): in QDQ form its
      // output stays float, which is what a QDQ runtime computes for a
      // contraction of dequantized inputs with no QuantizeLinear after it.
      if (type.getStorageTypeIntegralWidth() == 32)
        return;
      int64_t full = type.isSigned() ? -128 : 0;
      if (type.getStorageTypeIntegralWidth() != 8 ||
          type.getStorageTypeMin() != full ||
          type.getStorageTypeMax() != full + 255) {
        err = fail(llvm::formatv(
            "tensor '{0}': activations of {1} levels ({2}..{3}) have no "
            "ONNX QDQ form (QuantizeLinear saturates to 8 bits)",
            name, type.getStorageTypeMax() - type.getStorageTypeMin() + 1,
            type.getStorageTypeMin(), type.getStorageTypeMax()));
        return;
      }
      activations[name] = {type.getScale(), type.getZeroPoint(),
                           type.isSigned()};
      return;
    }
    auto quantizable = dyn_cast<QuantizableOpInterface>(op);
    if (!quantizable)
      return;
    std::optional<QuantizedWeight> w = quantizable.getQuantizedWeight();
    if (!w)
      return;
    Value operand = op->getOperand(w->operand);
    auto dq = operand.getDefiningOp<DequantizeOp>();
    if (!dq)
      return; // left float
    auto scast = dq.getInput().getDefiningOp<quant::StorageCastOp>();
    DenseIntElementsAttr ints;
    if (!scast || !matchPattern(scast.getInput(), m_Constant(&ints)))
      return;
    if (ints.getElementType().getIntOrFloatBitWidth() > 8) {
      std::vector<std::string> names;
      locationNames(op->getLoc(), names);
      err = fail(llvm::formatv(
          "node '{0}': weights wider than 8 bits have no ONNX QDQ form "
          "here (the export writes 8-bit integers)",
          names.empty() ? op->getName().getStringRef().str() : names[0]));
      return;
    }
    WeightQ q;
    locationNames(op->getLoc(), q.nodes);
    if (op->getNumResults() == 1)
      q.output = tensorName(op->getResult(0));
    auto shaped = cast<ShapedType>(ints.getType());
    q.shape.assign(shaped.getShape().begin(), shaped.getShape().end());
    for (APInt v : ints.getValues<APInt>())
      q.values.push_back((int8_t)v.getSExtValue());
    Type element = getElementTypeOrSelf(scast.getResult().getType());
    if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
      q.scales.assign(pa.getScales().begin(), pa.getScales().end());
      q.axis = pa.getQuantizedDimension();
      if (llvm::any_of(pa.getZeroPoints(), [](int64_t z) { return z != 0; }))
        return;
    } else if (auto pt = dyn_cast<quant::UniformQuantizedType>(element)) {
      if (pt.getZeroPoint() != 0)
        return;
      q.scales.push_back(pt.getScale());
    } else {
      return;
    }
    if (auto conv = dyn_cast<ConvOp>(op)) {
      DenseFPElementsAttr b;
      if (conv.getB() && matchPattern(conv.getB(), m_Constant(&b))) {
        for (APFloat v : b.getValues<APFloat>())
          q.bias.push_back(v.convertToDouble());
        q.hasBias = true;
      }
    }
    // A Gemm's C as its bias where it is one per column and alpha = beta =
    // 1 (the exported bias then replaces C as it is).
    if (auto gemm = dyn_cast<GemmOp>(op)) {
      DenseFPElementsAttr b;
      int64_t columns = q.shape.size() == 2
                            ? q.shape[gemm.getTransB() ? 0 : 1]
                            : -1;
      if (gemm.getC() && matchPattern(gemm.getC(), m_Constant(&b)) &&
          gemm.getAlpha().convertToDouble() == 1.0 &&
          gemm.getBeta().convertToDouble() == 1.0 &&
          b.getNumElements() == columns &&
          cast<ShapedType>(b.getType()).getShape().back() == columns) {
        for (APFloat v : b.getValues<APFloat>())
          q.bias.push_back(v.convertToDouble());
        q.hasBias = true;
      }
    }
    weights.push_back(std::move(q));
  });
  if (err)
    return err;
  return llvm::Error::success();
}

/// The model the importer imported: parsed and prepared the same way.
llvm::Error prepareModel(StringRef path, const ImportOptions &options,
                         MLIRContext *ctx, onnx::ModelProto &model) {
  auto buf = readModelFile(path, ctx);
  if (!buf || !parseModel(buf->getBuffer(), path, model, ctx))
    return fail("cannot read '" + path + "' again");
  GraphImporter importer(ctx, path, options);
  try {
    if (failed(importer.admit(model)))
      return fail("cannot prepare '" + path + "' again");
  } catch (const std::exception &e) {
    return fail(llvm::Twine("ONNX library error: ") + e.what());
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error dyad::exportOnnxQdq(StringRef modelPath,
                                const ImportOptions &options, ModuleOp qdq,
                                StringRef funcName, StringRef outputPath) {
  std::map<std::string, ActivationQ> activations;
  std::vector<WeightQ> weights;
  if (auto err = collect(qdq, funcName, activations, weights))
    return err;
  onnx::ModelProto model;
  if (auto err = prepareModel(modelPath, options, qdq.getContext(), model))
    return err;
  onnx::GraphProto &g = *model.mutable_graph();
  auto nodeName = [&](int i) {
    const onnx::NodeProto &n = g.node(i);
    return n.name().empty() ? n.op_type() + "_" + std::to_string(i)
                            : n.name();
  };
  // Nodes folded away (a BatchNormalization into its Conv).
  std::set<int> removed;
  std::map<std::string, int> byName, producer;
  std::map<std::string, std::vector<int>> consumers;
  std::map<std::string, int> initializer;
  auto index = [&] {
    byName.clear();
    producer.clear();
    consumers.clear();
    initializer.clear();
    for (int i = 0; i < g.node_size(); ++i) {
      if (removed.count(i))
        continue;
      byName[nodeName(i)] = i;
      for (const std::string &o : g.node(i).output())
        producer[o] = i;
      for (const std::string &in : g.node(i).input())
        consumers[in].push_back(i);
    }
    for (int i = 0; i < g.initializer_size(); ++i)
      initializer[g.initializer(i).name()] = i;
  };
  index();
  const std::set<std::string> weighted = {"Conv", "ConvTranspose", "Gemm",
                                          "MatMul"};
  // Weights written as Constant nodes (some exporters) become initializers.
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto &n = g.node(i);
    if (n.op_type() != "Constant" || n.attribute_size() != 1 ||
        n.attribute(0).name() != "value" || initializer.count(n.output(0)))
      continue;
    auto uses = consumers.find(n.output(0));
    if (uses == consumers.end() ||
        !llvm::all_of(uses->second, [&](int c) {
          const onnx::NodeProto &u = g.node(c);
          return weighted.count(u.op_type()) && u.input_size() > 1 &&
                 u.input(1) == n.output(0) && u.input(0) != n.output(0);
        }))
      continue;
    onnx::TensorProto *t = g.add_initializer();
    *t = n.attribute(0).t();
    t->set_name(n.output(0));
    removed.insert(i);
  }
  index();

  // Per node: nodes to put before it (weight dequantizations) and after it
  // (activation quantize-dequantize pairs); nodes removed (folded).
  std::map<int, std::vector<onnx::NodeProto>> before, after;
  std::vector<onnx::NodeProto> atStart;
  for (const WeightQ &w : weights) {
    int node = -1;
    for (const std::string &n : w.nodes) {
      auto it = byName.find(n);
      if (it != byName.end() && weighted.count(g.node(it->second).op_type())) {
        node = it->second;
        break;
      }
    }
    std::string what = w.nodes.empty() ? "an op" : "node '" + w.nodes[0] + "'";
    if (node < 0)
      return fail(what + ": no Conv, Gemm or MatMul node of that name in the "
                         "model");
    onnx::NodeProto &n = *g.mutable_node(node);
    std::string name = nodeName(node);
    if (n.input_size() < 2 || !initializer.count(n.input(1)))
      return fail("node '" + name + "': its weights are not a constant");
    const onnx::TensorProto &init = g.initializer(initializer[n.input(1)]);
    std::vector<int64_t> dims(init.dims().begin(), init.dims().end());
    if (dims != w.shape)
      return fail("node '" + name + "': Dyad's weights have another shape "
                  "than the model's (transformed on import): not exportable "
                  "as QDQ");
    auto original = floatsOf(init);
    if (!original)
      return fail("node '" + name + "': weights of a type or storage the "
                  "export does not read");
    // Dyad's integers times their scales are the model's weights within half
    // a step (no other transformation), or the weights with a following
    // BatchNormalization folded in.
    int64_t inner = 1;
    for (size_t d = w.axis < 0 ? dims.size() : (size_t)w.axis + 1;
         d < dims.size(); ++d)
      inner *= dims[d];
    auto scaleOf = [&](size_t i) {
      return w.axis < 0 ? w.scales[0]
                        : w.scales[(i / inner) % w.scales.size()];
    };
    bool same = true;
    for (size_t i = 0; i < original->size() && same; ++i)
      same = std::fabs(w.values[i] * scaleOf(i) - (*original)[i]) <=
             0.5 * scaleOf(i) * (1 + 1e-5) + 1e-12;
    if (!same) {
      // Conv -> BatchNormalization folded into one op that computes the
      // normalization's output.
      int bn = -1;
      auto uses = consumers.find(n.output(0));
      if (n.op_type() == "Conv" && uses != consumers.end() &&
          uses->second.size() == 1 &&
          g.node(uses->second[0]).op_type() == "BatchNormalization" &&
          g.node(uses->second[0]).output(0) == w.output &&
          llvm::is_contained(w.nodes, nodeName(uses->second[0])))
        bn = uses->second[0];
      if (bn < 0 || !w.hasBias)
        return fail("node '" + name + "': Dyad's weights differ from the "
                    "model's by more than rounding (folded with another "
                    "op): not exportable as QDQ");
      std::string biasName = name + "/folded_bias";
      std::vector<float> folded(w.bias.begin(), w.bias.end());
      *g.add_initializer() =
          floatTensor(biasName, {(int64_t)folded.size()}, folded);
      if (n.input_size() < 3)
        n.add_input(biasName);
      else
        n.set_input(2, biasName);
      n.set_output(0, g.node(bn).output(0));
      removed.insert(bn);
    }
    std::string qName = name + "/weight_quantized";
    std::string sName = name + "/weight_scale";
    std::string zName = name + "/weight_zero_point";
    std::string dqName = name + "/weight_dequantized";
    *g.add_initializer() = int8Tensor(qName, dims, w.values, true);
    std::vector<float> scales(w.scales.begin(), w.scales.end());
    std::vector<int8_t> zeros(scales.size(), 0);
    if (w.axis < 0) {
      *g.add_initializer() = floatTensor(sName, {}, scales);
      *g.add_initializer() = int8Tensor(zName, {}, zeros, true);
    } else {
      *g.add_initializer() =
          floatTensor(sName, {(int64_t)scales.size()}, scales);
      *g.add_initializer() =
          int8Tensor(zName, {(int64_t)zeros.size()}, zeros, true);
    }
    before[node].push_back(qdqNode("DequantizeLinear",
                                   name + "/weight_DequantizeLinear",
                                   {qName, sName, zName}, dqName, w.axis));
    n.set_input(1, dqName);
    // A Conv's or Gemm's bias as onnxruntime's quantizer writes it: int32
    // at the scale S_in * S_w,c with zero point 0 (its integer kernels take
    // the integers as they are), the same integers Dyad adds (dyad-integerize: b / (S_in
    // S_w,c) rounded half to even, each in i32 by the weight scales'
    // choice).
    auto in = activations.find(n.input(0));
    if (w.hasBias && (n.op_type() == "Conv" || n.op_type() == "Gemm") &&
        n.input_size() > 2 && in != activations.end() &&
        (w.axis < 0 || (int64_t)w.scales.size() == (int64_t)w.bias.size())) {
      size_t channels = w.bias.size();
      std::vector<int32_t> ints(channels);
      std::vector<float> scales(channels);
      bool fits = true;
      for (size_t c = 0; c < channels && fits; ++c) {
        double sw = w.scales[w.axis >= 0 ? c : 0];
        double q = std::nearbyint(w.bias[c] / (in->second.scale * sw));
        fits = std::isfinite(q) && std::fabs(q) <= 2147483647.0;
        ints[c] = fits ? (int32_t)q : 0;
        // The product of the exported (float) scales, as the quantizer
        // writes it.
        scales[c] = (float)in->second.scale * (float)sw;
      }
      if (fits) {
        std::string bq = name + "/bias_quantized", bs = name + "/bias_scale",
                    bz = name + "/bias_zero_point",
                    bdq = name + "/bias_dequantized";
        int64_t len = (int64_t)channels;
        onnx::TensorProto t;
        t.set_name(bq);
        t.set_data_type(onnx::TensorProto::INT32);
        t.add_dims(len);
        t.set_raw_data(std::string((const char *)ints.data(), channels * 4));
        *g.add_initializer() = std::move(t);
        *g.add_initializer() = floatTensor(bs, {len}, scales);
        onnx::TensorProto z;
        z.set_name(bz);
        z.set_data_type(onnx::TensorProto::INT32);
        z.add_dims(len);
        z.set_raw_data(std::string(channels * 4, '\0'));
        *g.add_initializer() = std::move(z);
        before[node].push_back(qdqNode("DequantizeLinear",
                                       name + "/bias_DequantizeLinear",
                                       {bq, bs, bz}, bdq, 0));
        n.set_input(2, bdq);
      }
    }
  }
  index();

  // Activations: the producer now writes `<name>/float`; QuantizeLinear and
  // DequantizeLinear write `name` back, so every reader (and a graph output
  // of that name) sees the dequantized value.
  std::set<std::string> graphInputs;
  for (const onnx::ValueInfoProto &v : g.input())
    graphInputs.insert(v.name());
  for (const auto &[name, q] : activations) {
    std::string sName = name + "/scale", zName = name + "/zero_point";
    *g.add_initializer() = floatTensor(sName, {}, {(float)q.scale});
    int8_t zp = (int8_t)q.zeroPoint;
    *g.add_initializer() = int8Tensor(zName, {}, {zp}, q.isSigned);
    std::string qName = name + "/quantized";
    if (graphInputs.count(name)) {
      // A graph input keeps its name: its readers are rewired.
      std::string dqName = name + "/dequantized";
      auto it = consumers.find(name);
      if (it != consumers.end())
        for (int c : it->second)
          for (int k = 0; k < g.node(c).input_size(); ++k)
            if (g.node(c).input(k) == name)
              g.mutable_node(c)->set_input(k, dqName);
      atStart.push_back(qdqNode("QuantizeLinear", name + "/QuantizeLinear",
                                {name, sName, zName}, qName));
      atStart.push_back(qdqNode("DequantizeLinear",
                                name + "/DequantizeLinear",
                                {qName, sName, zName}, dqName));
      continue;
    }
    auto p = producer.find(name);
    if (p == producer.end() || removed.count(p->second))
      return fail("tensor '" + name + "': no node of the model computes it");
    onnx::NodeProto &n = *g.mutable_node(p->second);
    std::string floatName = name + "/float";
    for (int k = 0; k < n.output_size(); ++k)
      if (n.output(k) == name)
        n.set_output(k, floatName);
    after[p->second].push_back(qdqNode("QuantizeLinear",
                                       name + "/QuantizeLinear",
                                       {floatName, sName, zName}, qName));
    after[p->second].push_back(qdqNode("DequantizeLinear",
                                       name + "/DequantizeLinear",
                                       {qName, sName, zName}, name));
  }

  // The node list, in order, with the new nodes in place.
  std::vector<onnx::NodeProto> nodes(atStart);
  for (int i = 0; i < g.node_size(); ++i) {
    for (onnx::NodeProto &b : before[i])
      nodes.push_back(b);
    if (!removed.count(i))
      nodes.push_back(g.node(i));
    for (onnx::NodeProto &a : after[i])
      nodes.push_back(a);
  }
  g.clear_node();
  for (onnx::NodeProto &n : nodes)
    *g.add_node() = std::move(n);
  // Initializers no node reads any more (the float weights) are dropped.
  std::set<std::string> read;
  for (const onnx::NodeProto &n : g.node())
    for (const std::string &i : n.input())
      read.insert(i);
  std::vector<onnx::TensorProto> keep;
  for (const onnx::TensorProto &t : g.initializer())
    if (read.count(t.name()))
      keep.push_back(t);
  g.clear_initializer();
  for (onnx::TensorProto &t : keep)
    *g.add_initializer() = std::move(t);
  // Shapes inferred on import would name tensors that moved; consumers
  // re-infer them.
  g.clear_value_info();
  // Per-axis DequantizeLinear needs opset 13 (the importer's is 17).
  for (onnx::OperatorSetIdProto &o : *model.mutable_opset_import())
    if ((o.domain().empty() || o.domain() == "ai.onnx") && o.version() < 13)
      o.set_version(13);
  model.set_producer_name("dyad");

  std::string bytes;
  if (!model.SerializeToString(&bytes))
    return fail("cannot serialize the QDQ model");
  std::error_code ec;
  llvm::raw_fd_ostream os(outputPath, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail("cannot write '" + outputPath + "': " + ec.message());
  os << bytes;
  return llvm::Error::success();
}
