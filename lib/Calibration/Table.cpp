//===- Table.cpp - calibration tables: Dyad JSON, onnxruntime, TensorRT ---===//
//
// Writes Dyad's JSON table; reads it back, or imports an onnxruntime
// calibration.json or a TensorRT calibration cache (see Calibration.h).
//
//===----------------------------------------------------------------------===//
#include "dyad/Calibration/Calibration.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace dyad::calib;
namespace json = llvm::json;

static llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// The shortest "%g" text that reads back as v.
static std::string fmtNum(double v) {
  char buf[64];
  for (int prec = 6; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof(buf), "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  return buf;
}

llvm::Error dyad::calib::writeTable(const Table &table, llvm::StringRef path) {
  for (const auto &[name, e] : table.tensors) {
    if (!std::isfinite(e.min) || !std::isfinite(e.max) || e.min > e.max)
      return fail(llvm::formatv("{0}: tensor '{1}': invalid range [{2}, {3}]",
                                path, name, fmtNum(e.min), fmtNum(e.max)));
    if (e.scale && !(std::isfinite(*e.scale) && *e.scale > 0))
      return fail(llvm::formatv("{0}: tensor '{1}': invalid scale {2}", path,
                                name, fmtNum(*e.scale)));
  }
  llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    json::OStream j(os, 2);
    j.object([&] {
      j.attribute("format", "dyad-calibration");
      j.attribute("version", Table::kVersion);
      j.attribute("method", table.method);
      if (!table.model.empty())
        j.attribute("model", table.model);
      j.attribute("samples", table.samples);
      j.attributeObject("tensors", [&] {
        for (const auto &kv : table.tensors) {
          const TableEntry &e = kv.second;
          j.attributeObject(kv.first, [&] {
            j.attribute("min", e.min);
            j.attribute("max", e.max);
            j.attribute("count", e.count);
            if (e.scale)
              j.attribute("scale", *e.scale);
            if (e.zeroPoint)
              j.attribute("zero_point", *e.zeroPoint);
            if (!e.channelMean.empty())
              j.attributeArray("channel_mean", [&] {
                for (double m : e.channelMean)
                  j.value(m);
              });
          });
        }
      });
      auto byBits = [&](const std::map<unsigned, double> &m) {
        for (const auto &[bits, v] : m)
          j.attribute(std::to_string(bits), v);
      };
      auto layers =
          [&](const std::map<std::string, std::map<unsigned, double>> &m) {
            j.attributeObject("layers", [&] {
              for (const auto &layer : m)
                j.attributeObject(layer.first, [&] { byBits(layer.second); });
            });
          };
      if (table.sensitivity) {
        const Table::Sensitivities &sv = *table.sensitivity;
        j.attributeObject("sensitivity", [&] {
          j.attribute("method", sv.method);
          j.attribute("samples", sv.samples);
          layers(sv.layers);
          if (!sv.inputs.empty())
            j.attributeObject("inputs", [&] {
              // null: a width the layer's activation cannot take.
              for (const auto &layer : sv.inputs)
                j.attributeObject(layer.first, [&] {
                  for (const auto &[bits, v] : layer.second)
                    if (std::isnan(v))
                      j.attribute(std::to_string(bits), nullptr);
                    else
                      j.attribute(std::to_string(bits), v);
                });
            });
        });
      }
      if (table.latency) {
        const Table::Latencies &lv = *table.latency;
        j.attributeObject("latency", [&] {
          j.attribute("cpu", lv.cpu);
          j.attribute("batch", lv.batch);
          j.attribute("threads", lv.threads);
          j.attributeObject("total", [&] { byBits(lv.total); });
          layers(lv.layers);
        });
      }
    });
    os << "\n";
    return llvm::Error::success();
  });
  if (err)
    return fail(llvm::formatv("cannot write calibration table {0}: {1}", path,
                              llvm::toString(std::move(err))));
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Dyad JSON
//===----------------------------------------------------------------------===//

static llvm::Expected<Table> readDyadTable(llvm::StringRef path,
                                           const json::Object &root) {
  Table t;
  const json::Value *version = root.get("version");
  if (!version)
    return fail(llvm::formatv("{0}: missing \"version\"", path));
  std::optional<int64_t> v = version->getAsInteger();
  if (!v || *v < 1)
    return fail(
        llvm::formatv("{0}: \"version\" must be a positive integer", path));
  if (*v > Table::kVersion)
    return fail(llvm::formatv("{0}: calibration table version {1} is newer "
                              "than this Dyad reads (version {2})",
                              path, *v, Table::kVersion));
  std::optional<llvm::StringRef> method = root.getString("method");
  if (!method)
    return fail(llvm::formatv("{0}: missing \"method\" (a string)", path));
  t.method = method->str();
  if (const json::Value *model = root.get("model")) {
    std::optional<llvm::StringRef> m = model->getAsString();
    if (!m)
      return fail(llvm::formatv("{0}: \"model\" must be a string", path));
    t.model = m->str();
  }
  const json::Value *samples = root.get("samples");
  if (!samples)
    return fail(llvm::formatv("{0}: missing \"samples\"", path));
  std::optional<uint64_t> s = samples->getAsUINT64();
  if (!s)
    return fail(
        llvm::formatv("{0}: \"samples\" must be a non-negative integer", path));
  t.samples = *s;
  const json::Object *tensors = root.getObject("tensors");
  if (!tensors)
    return fail(llvm::formatv("{0}: missing \"tensors\" (an object)", path));
  for (const auto &kv : *tensors) {
    llvm::StringRef name = kv.first;
    const json::Object *o = kv.second.getAsObject();
    if (!o)
      return fail(
          llvm::formatv("{0}: tensor '{1}': expected an object", path, name));
    TableEntry e;
    for (const char *key : {"min", "max"}) {
      const json::Value *x = o->get(key);
      if (!x)
        return fail(llvm::formatv("{0}: tensor '{1}': missing \"{2}\"", path,
                                  name, key));
      std::optional<double> d = x->getAsNumber();
      if (!d || !std::isfinite(*d))
        return fail(
            llvm::formatv("{0}: tensor '{1}': \"{2}\" must be a finite number",
                          path, name, key));
      (llvm::StringRef(key) == "min" ? e.min : e.max) = *d;
    }
    if (e.min > e.max)
      return fail(llvm::formatv("{0}: tensor '{1}': min {2} > max {3}", path,
                                name, fmtNum(e.min), fmtNum(e.max)));
    const json::Value *c = o->get("count");
    if (!c)
      return fail(
          llvm::formatv("{0}: tensor '{1}': missing \"count\"", path, name));
    std::optional<uint64_t> cnt = c->getAsUINT64();
    if (!cnt)
      return fail(llvm::formatv(
          "{0}: tensor '{1}': \"count\" must be a non-negative integer", path,
          name));
    e.count = *cnt;
    if (const json::Value *sc = o->get("scale")) {
      std::optional<double> d = sc->getAsNumber();
      if (!d || !std::isfinite(*d) || *d <= 0)
        return fail(llvm::formatv(
            "{0}: tensor '{1}': \"scale\" must be a positive number", path,
            name));
      e.scale = *d;
    }
    if (const json::Value *zp = o->get("zero_point")) {
      std::optional<int64_t> z = zp->getAsInteger();
      if (!z)
        return fail(llvm::formatv(
            "{0}: tensor '{1}': \"zero_point\" must be an integer", path,
            name));
      e.zeroPoint = *z;
    }
    if (const json::Value *cm = o->get("channel_mean")) {
      const json::Array *a = cm->getAsArray();
      bool ok = a != nullptr;
      for (size_t i = 0; ok && i < a->size(); ++i) {
        std::optional<double> d = (*a)[i].getAsNumber();
        ok = d && std::isfinite(*d);
        if (ok)
          e.channelMean.push_back(*d);
      }
      if (!ok)
        return fail(llvm::formatv("{0}: tensor '{1}': \"channel_mean\" must "
                                  "be an array of finite numbers",
                                  path, name));
    }
    t.tensors[name.str()] = e;
  }
  // bits -> a non-negative number (any finite one where `signedValues`),
  // as {"4": .., "8": ..}.
  auto readByBits = [](const json::Object &o, std::map<unsigned, double> &out,
                       bool signedValues = false) -> bool {
    for (const auto &b : o) {
      unsigned bits;
      std::optional<double> d = b.second.getAsNumber();
      if (signedValues && b.second.getAsNull())
        d = NAN;
      if (llvm::StringRef(b.first).getAsInteger(10, bits) || bits < 1 ||
          bits > 32 || !d || (!std::isfinite(*d) && !std::isnan(*d)) ||
          (std::isnan(*d) && !signedValues) || (*d < 0 && !signedValues))
        return false;
      out[bits] = *d;
    }
    return true;
  };
  auto readLayers =
      [&](const json::Object &layers,
          std::map<std::string, std::map<unsigned, double>> &out)
      -> std::optional<std::string> {
    for (const auto &kv : layers) {
      const json::Object *byBits = kv.second.getAsObject();
      if (!byBits || !readByBits(*byBits, out[kv.first.str()]))
        return "layer '" + kv.first.str() +
               "': expected bits -> a non-negative number";
    }
    return std::nullopt;
  };
  if (const json::Value *sv = root.get("sensitivity")) {
    auto bad = [&](const llvm::Twine &what) {
      return fail(llvm::formatv("{0}: \"sensitivity\": {1}", path, what.str()));
    };
    const json::Object *o = sv->getAsObject();
    if (!o)
      return bad("expected an object");
    Table::Sensitivities s;
    std::optional<llvm::StringRef> m = o->getString("method");
    std::optional<uint64_t> n =
        o->get("samples") ? o->get("samples")->getAsUINT64() : std::nullopt;
    const json::Object *layers = o->getObject("layers");
    if (!m || !n || !layers)
      return bad("needs \"method\" (a string), \"samples\" (a "
                 "non-negative integer) and \"layers\" (an object)");
    s.method = m->str();
    s.samples = *n;
    if (auto err = readLayers(*layers, s.layers))
      return bad(*err);
    if (const json::Value *in = o->get("inputs")) {
      const json::Object *inputs = in->getAsObject();
      if (!inputs)
        return bad("\"inputs\": expected an object");
      for (const auto &kv : *inputs) {
        const json::Object *byBits = kv.second.getAsObject();
        if (!byBits || !readByBits(*byBits, s.inputs[kv.first.str()], true))
          return bad("\"inputs\": layer '" + kv.first.str() +
                     "': expected bits -> a number");
      }
    }
    t.sensitivity = std::move(s);
  }
  if (const json::Value *lv = root.get("latency")) {
    auto bad = [&](const llvm::Twine &what) {
      return fail(llvm::formatv("{0}: \"latency\": {1}", path, what.str()));
    };
    const json::Object *o = lv->getAsObject();
    if (!o)
      return bad("expected an object");
    Table::Latencies l;
    std::optional<llvm::StringRef> cpu = o->getString("cpu");
    std::optional<uint64_t> batch =
        o->get("batch") ? o->get("batch")->getAsUINT64() : std::nullopt;
    const json::Object *total = o->getObject("total");
    const json::Object *layers = o->getObject("layers");
    std::optional<uint64_t> threads =
        o->get("threads") ? o->get("threads")->getAsUINT64()
                          : std::optional<uint64_t>(1);
    if (!cpu || !batch || !threads || !total || !layers)
      return bad("needs \"cpu\" (a string), \"batch\" and \"threads\" "
                 "(non-negative integers), \"total\" and \"layers\" "
                 "(objects)");
    l.cpu = cpu->str();
    l.batch = *batch;
    l.threads = *threads;
    if (!readByBits(*total, l.total))
      return bad("\"total\": expected bits -> a non-negative number");
    if (auto err = readLayers(*layers, l.layers))
      return bad(*err);
    t.latency = std::move(l);
  }
  return t;
}

//===----------------------------------------------------------------------===//
// onnxruntime calibration.json
//===----------------------------------------------------------------------===//

/// A number, a one-element list, or {"CLS": "numpy.array", "data": ...}.
static std::optional<double> ortScalar(const json::Value &v, std::string &why) {
  if (std::optional<double> d = v.getAsNumber())
    return d;
  if (const json::Array *a = v.getAsArray()) {
    if (a->size() == 1)
      return ortScalar((*a)[0], why);
    why = llvm::formatv("has {0} values (per-channel ranges are not supported)",
                        a->size());
    return std::nullopt;
  }
  if (const json::Object *o = v.getAsObject())
    if (const json::Value *data = o->get("data"))
      return ortScalar(*data, why);
  why = "is not a number";
  return std::nullopt;
}

static llvm::Expected<Table> readOrtTable(llvm::StringRef path,
                                          const json::Object &root) {
  Table t;
  t.method = "onnxruntime";
  const json::Object *data = &root;
  if (std::optional<llvm::StringRef> cls = root.getString("CLS")) {
    if (*cls != "TensorsData")
      return fail(llvm::formatv("{0}: unrecognized onnxruntime object "
                                "\"CLS\": \"{1}\" (expected TensorsData)",
                                path, *cls));
    data = root.getObject("data");
    if (!data)
      return fail(llvm::formatv(
          "{0}: onnxruntime TensorsData without a \"data\" object", path));
  }
  for (const auto &kv : *data) {
    llvm::StringRef name = kv.first;
    const json::Value &v = kv.second;
    const json::Value *lo = nullptr, *hi = nullptr;
    if (const json::Array *a = v.getAsArray()) {
      if (a->size() != 2)
        return fail(llvm::formatv("{0}: tensor '{1}': expected [min, max], "
                                  "got a list of {2} values",
                                  path, name, a->size()));
      lo = &(*a)[0];
      hi = &(*a)[1];
    } else if (const json::Object *o = v.getAsObject()) {
      lo = o->get("lowest");
      hi = o->get("highest");
      if (!lo || !hi)
        return fail(llvm::formatv("{0}: tensor '{1}': missing \"{2}\" (an "
                                  "onnxruntime range needs \"lowest\" and "
                                  "\"highest\")",
                                  path, name, lo ? "highest" : "lowest"));
    } else {
      return fail(llvm::formatv("{0}: tensor '{1}': expected [min, max] or an "
                                "object with \"lowest\" and \"highest\"",
                                path, name));
    }
    TableEntry e;
    std::string why;
    std::optional<double> l = ortScalar(*lo, why);
    if (!l)
      return fail(
          llvm::formatv("{0}: tensor '{1}': the minimum {2}", path, name, why));
    std::optional<double> h = ortScalar(*hi, why);
    if (!h)
      return fail(
          llvm::formatv("{0}: tensor '{1}': the maximum {2}", path, name, why));
    if (!std::isfinite(*l) || !std::isfinite(*h) || *l > *h)
      return fail(llvm::formatv("{0}: tensor '{1}': invalid range [{2}, {3}]",
                                path, name, fmtNum(*l), fmtNum(*h)));
    e.min = *l;
    e.max = *h;
    t.tensors[name.str()] = e;
  }
  if (t.tensors.empty())
    return fail(llvm::formatv("{0}: no tensor ranges found", path));
  return t;
}

//===----------------------------------------------------------------------===//
// TensorRT calibration cache
//===----------------------------------------------------------------------===//

static llvm::Expected<Table> readTrtCache(llvm::StringRef path,
                                          llvm::StringRef text) {
  Table t;
  t.method = "tensorrt";
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  for (size_t i = 1; i < lines.size(); ++i) {
    llvm::StringRef line = lines[i].rtrim("\r").trim();
    size_t lineNo = i + 1;
    if (line.empty())
      continue;
    size_t colon = line.rfind(':');
    if (colon == llvm::StringRef::npos)
      return fail(llvm::formatv("{0}:{1}: expected '<tensor name>: <8 hex "
                                "digits>', got '{2}'",
                                path, lineNo, line));
    llvm::StringRef name = line.take_front(colon).trim();
    llvm::StringRef hex = line.drop_front(colon + 1).trim();
    if (name.empty())
      return fail(llvm::formatv("{0}:{1}: missing tensor name", path, lineNo));
    if (hex.size() != 8 || !llvm::all_of(hex, llvm::isHexDigit))
      return fail(llvm::formatv("{0}:{1}: tensor '{2}': scale '{3}' is not 8 "
                                "hex digits",
                                path, lineNo, name, hex));
    uint32_t bits = 0;
    hex.getAsInteger(16, bits);
    float scale;
    std::memcpy(&scale, &bits, sizeof(scale));
    if (!std::isfinite(scale) || scale < 0)
      return fail(llvm::formatv("{0}:{1}: tensor '{2}': scale {3} ({4}) is not "
                                "a finite non-negative float",
                                path, lineNo, name, hex, fmtNum(scale)));
    if (t.tensors.count(name.str()))
      return fail(llvm::formatv("{0}:{1}: tensor '{2}' appears twice", path,
                                lineNo, name));
    TableEntry e;
    double amax = double(scale) * 127.0;
    e.min = amax == 0 ? 0.0 : -amax; // not -0
    e.max = amax;
    e.scale = double(scale);
    e.zeroPoint = 0;
    if (scale == 0)
      e.scale.reset(); // a zero scale is no usable scale
    t.tensors[name.str()] = e;
  }
  if (t.tensors.empty())
    return fail(
        llvm::formatv("{0}: TensorRT calibration cache has no tensors", path));
  return t;
}

llvm::Expected<Table> dyad::calib::readTable(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buf =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buf)
    return fail(llvm::formatv("cannot read calibration table {0}: {1}", path,
                              buf.getError().message()));
  llvm::StringRef text = (*buf)->getBuffer();
  llvm::StringRef start = text.ltrim();
  if (start.starts_with("TRT-"))
    return readTrtCache(path, text.substr(text.size() - start.size()));
  if (!start.starts_with("{"))
    return fail(llvm::formatv(
        "{0}: unrecognized calibration table: expected a JSON object (Dyad or "
        "onnxruntime) or a TensorRT calibration cache (first line "
        "'TRT-<version>-<calibrator>')",
        path));
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return fail(llvm::formatv("{0}: invalid JSON: {1}", path,
                              llvm::toString(parsed.takeError())));
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return fail(llvm::formatv("{0}: expected a JSON object", path));
  if (const json::Value *format = root->get("format")) {
    std::optional<llvm::StringRef> f = format->getAsString();
    if (!f || *f != "dyad-calibration")
      return fail(
          llvm::formatv("{0}: \"format\" is not \"dyad-calibration\"", path));
    return readDyadTable(path, *root);
  }
  return readOrtTable(path, *root);
}
