//===- MixedPrecision.cpp - per-layer weight bits by ILP (CBC) ------------===//
//
// The integer program of MixedPrecision.h, built row by row through CBC's C
// interface (coinor-libcbc-dev): one binary column per (layer, width), an
// equality row per layer, a row per budget and a row per tie and width. An
// exhaustive search of the same problem checks it in the tests.
//
//===----------------------------------------------------------------------===//
#include "dyad/Compiler/MixedPrecision.h"
#include "dyad/Dialect/Dyad/DyadOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <coin/Cbc_C_Interface.h>

#include <cmath>
#include <map>
#include <memory>
#include <set>

using namespace mlir;
using namespace dyad;
using namespace dyad::mp;

static llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

std::string mp::layerName(Operation *op) {
  Location loc = op->getLoc();
  if (auto f = dyn_cast<FusedLoc>(loc))
    if (!f.getLocations().empty())
      loc = f.getLocations().front();
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto t = op->getAttrOfType<StringAttr>("dyad.tensor"))
    return t.str();
  return op->getName().getStringRef().str();
}

std::vector<Operation *> mp::weightedLayers(ModuleOp module,
                                            StringRef funcName) {
  std::vector<Operation *> out;
  auto func = module.lookupSymbol<func::FuncOp>(funcName);
  if (!func)
    return out;
  func.walk([&](QuantizableOpInterface op) {
    auto w = op.getQuantizedWeight();
    if (!w)
      return;
    DenseElementsAttr attr;
    if (!matchPattern(op->getOperand(w->operand), m_Constant(&attr)) ||
        !isa<FloatType>(attr.getElementType()) ||
        !cast<ShapedType>(attr.getType()).hasStaticShape())
      return;
    out.push_back(op);
  });
  return out;
}

static double cost(const Choice &c, BudgetKind kind) {
  switch (kind) {
  case BudgetKind::Size: return c.sizeBytes;
  case BudgetKind::Bops: return c.bops;
  case BudgetKind::Latency: return c.latency;
  }
  return 0;
}

double mp::total(const Assignment &a, BudgetKind kind) {
  switch (kind) {
  case BudgetKind::Size: return a.sizeBytes;
  case BudgetKind::Bops: return a.bops;
  case BudgetKind::Latency: return a.latency;
  }
  return 0;
}

/// Adds choice `c` to the totals of `a`.
static void add(Assignment &a, const Choice &c) {
  a.sensitivity += c.sensitivity;
  a.sizeBytes += c.sizeBytes;
  a.bops += c.bops;
  a.latency += c.latency;
}

static std::string number(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

static const char *budgetName(BudgetKind kind) {
  switch (kind) {
  case BudgetKind::Size: return "size";
  case BudgetKind::Bops: return "bops";
  case BudgetKind::Latency: return "latency";
  }
  return "";
}

static const char *budgetUnit(BudgetKind kind) {
  switch (kind) {
  case BudgetKind::Size: return ", in bytes";
  case BudgetKind::Bops: return ", BOPs per sample";
  case BudgetKind::Latency: return ", ms per run, measured";
  }
  return "";
}

/// The smallest total of `kind` any assignment reaches (weight ties
/// respected: a tie group takes one width for all its layers, one they all
/// take; input ties are not, so with them it is a lower bound).
static double smallest(const std::vector<Layer> &layers, BudgetKind kind) {
  // Per group and weight width: the summed cheapest cost and how many
  // layers take it.
  std::map<int, std::map<unsigned, std::pair<double, size_t>>> groups;
  std::map<int, size_t> members;
  double total = 0;
  for (const Layer &l : layers) {
    if (l.tie < 0) {
      double m = INFINITY;
      for (const Choice &c : l.choices)
        m = std::min(m, cost(c, kind));
      total += m;
      continue;
    }
    ++members[l.tie];
    std::map<unsigned, double> cheapest;
    for (const Choice &c : l.choices) {
      auto [it, first] = cheapest.insert({c.bits, cost(c, kind)});
      if (!first)
        it->second = std::min(it->second, cost(c, kind));
    }
    for (auto [bits, c] : cheapest) {
      auto &[sum, n] = groups[l.tie][bits];
      sum += c;
      ++n;
    }
  }
  for (auto &[tie, byBits] : groups) {
    double m = INFINITY;
    for (auto &[bits, c] : byBits)
      if (c.second == members[tie])
        m = std::min(m, c.first);
    total += m;
  }
  return total;
}

llvm::Expected<Assignment> mp::solve(const std::vector<Layer> &layers,
                                     const std::vector<Budget> &budgets) {
  std::unique_ptr<Cbc_Model, void (*)(Cbc_Model *)> model(Cbc_newModel(),
                                                          Cbc_deleteModel);
  Cbc_setLogLevel(model.get(), 0);
  // Proven optimal means optimal: no gap tolerance (CBC's default
  // relative gap stops short of the optimum on small problems).
  Cbc_setAllowableGap(model.get(), 0.0);
  Cbc_setAllowableFractionGap(model.get(), 0.0);
  Cbc_setAllowablePercentageGap(model.get(), 0.0);
  // CBC 2.10's preprocessing returned a worse assignment as proven
  // optimal on 1 of 400 random problems (test/MixedPrecision/ilp.test):
  // these problems are small, it is off.
  Cbc_setParameter(model.get(), "preprocess", "off");
  // Nor the LP presolve: it leaks in CoinUtils 2.10 (LeakSanitizer).
  Cbc_setParameter(model.get(), "presolve", "off");
  std::vector<std::vector<int>> column(layers.size());
  // The objective scaled to a largest coefficient of 1: a confident
  // model's output KLs are 1e-12..1e-8, under CBC's tolerances, where
  // every feasible assignment would look optimal.
  double scale = 0;
  for (const Layer &l : layers)
    for (const Choice &c : l.choices)
      scale = std::max(scale, std::fabs(c.sensitivity));
  scale = scale > 0 ? 1.0 / scale : 1.0;
  int n = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].choices.empty())
      return fail("layer '" + layers[i].name + "' has no width to choose");
    for (size_t k = 0; k < layers[i].choices.size(); ++k) {
      std::string name = "x_" + std::to_string(i) + "_" + std::to_string(k);
      Cbc_addCol(model.get(), name.c_str(), 0.0, 1.0,
                 layers[i].choices[k].sensitivity * scale, 1, 0, nullptr,
                 nullptr);
      column[i].push_back(n++);
    }
  }
  std::vector<double> ones;
  for (size_t i = 0; i < layers.size(); ++i) {
    ones.assign(column[i].size(), 1.0);
    Cbc_addRow(model.get(), ("one_" + std::to_string(i)).c_str(),
               (int)column[i].size(), column[i].data(), ones.data(), 'E', 1.0);
  }
  for (const Budget &b : budgets) {
    std::vector<int> cols;
    std::vector<double> coefs;
    for (size_t i = 0; i < layers.size(); ++i)
      for (size_t k = 0; k < layers[i].choices.size(); ++k) {
        cols.push_back(column[i][k]);
        // Scaled to a right-hand side of 1 (BOPs run to 1e9 and more).
        coefs.push_back(cost(layers[i].choices[k], b.kind) /
                        (b.limit - b.offset));
      }
    double least = smallest(layers, b.kind) + b.offset;
    // Latencies are seconds; they are read in ms.
    double shown = b.kind == BudgetKind::Latency ? 1e3 : 1;
    if (least > b.limit * (1 + 1e-12))
      return fail(llvm::formatv("the {0} budget {1} is infeasible: the "
                                "smallest reachable is {2} (every layer at "
                                "its cheapest allowed width{3})",
                                budgetName(b.kind), number(b.limit * shown),
                                number(least * shown), budgetUnit(b.kind))
                      .str());
    Cbc_addRow(model.get(), budgetName(b.kind), (int)cols.size(),
               cols.data(), coefs.data(), 'L', 1.0);
  }
  // Ties: each layer of a group against the group's first, one row per
  // width w: sum of x_ak over a's choices at w = the same sum for b (a
  // width one of them lacks closes it to the other). Weight ties compare
  // the weight widths, input ties the activation widths.
  auto tieRows = [&](auto groupOf, auto widthOf) {
    std::map<int, size_t> leader;
    for (size_t i = 0; i < layers.size(); ++i) {
      int g = groupOf(layers[i]);
      if (g < 0)
        continue;
      auto [it, first] = leader.insert({g, i});
      if (first)
        continue;
      size_t a = it->second;
      std::set<unsigned> widths;
      for (size_t l : {a, i})
        for (const Choice &c : layers[l].choices)
          widths.insert(widthOf(c));
      for (unsigned w : widths) {
        std::vector<int> cols;
        std::vector<double> coefs;
        for (size_t l : {a, i})
          for (size_t k = 0; k < layers[l].choices.size(); ++k)
            if (widthOf(layers[l].choices[k]) == w) {
              cols.push_back(column[l][k]);
              coefs.push_back(l == a ? 1.0 : -1.0);
            }
        Cbc_addRow(model.get(), "tie", (int)cols.size(), cols.data(),
                   coefs.data(), 'E', 0.0);
      }
    }
  };
  tieRows([](const Layer &l) { return l.tie; },
          [](const Choice &c) { return c.bits; });
  tieRows([](const Layer &l) { return l.inputTie; },
          [](const Choice &c) { return c.inputBits; });
  Cbc_solve(model.get());
  if (Cbc_isProvenInfeasible(model.get()) || !Cbc_isProvenOptimal(model.get()))
    return fail("no assignment of widths meets the budgets together (ties "
                "and pins included)");
  const double *x = Cbc_getColSolution(model.get());
  Assignment a;
  for (size_t i = 0; i < layers.size(); ++i) {
    size_t best = 0;
    for (size_t k = 0; k < column[i].size(); ++k)
      if (x[column[i][k]] > x[column[i][best]])
        best = k;
    a.choice.push_back(best);
    add(a, layers[i].choices[best]);
  }
  return a;
}

std::optional<Assignment>
mp::solveExhaustive(const std::vector<Layer> &layers,
                    const std::vector<Budget> &budgets) {
  std::optional<Assignment> best;
  std::vector<size_t> pick(layers.size(), 0);
  while (true) {
    bool ok = true;
    std::map<int, unsigned> tieBits, inputTieBits;
    Assignment a;
    a.choice = pick;
    for (size_t i = 0; i < layers.size() && ok; ++i) {
      const Choice &c = layers[i].choices[pick[i]];
      if (layers[i].tie >= 0) {
        auto [it, first] = tieBits.insert({layers[i].tie, c.bits});
        ok = first || it->second == c.bits;
      }
      if (layers[i].inputTie >= 0) {
        auto [it, first] =
            inputTieBits.insert({layers[i].inputTie, c.inputBits});
        ok = ok && (first || it->second == c.inputBits);
      }
      add(a, c);
    }
    for (const Budget &b : budgets)
      ok = ok && total(a, b.kind) + b.offset <= b.limit * (1 + 1e-12);
    if (ok && (!best || a.sensitivity < best->sensitivity))
      best = a;
    size_t i = 0;
    while (i < layers.size() && ++pick[i] == layers[i].choices.size())
      pick[i++] = 0;
    if (i == layers.size())
      return best;
  }
}

llvm::Expected<std::vector<std::pair<BudgetKind, double>>>
mp::parseBudget(StringRef spec) {
  std::vector<std::pair<BudgetKind, double>> out;
  SmallVector<StringRef> items;
  spec.split(items, ',', -1, /*KeepEmpty=*/false);
  if (items.empty())
    return fail("--budget: empty (expected size=F, bops=F or latency=F)");
  for (StringRef item : items) {
    auto [key, value] = item.split('=');
    key = key.trim();
    value = value.trim();
    BudgetKind kind;
    if (key == "size")
      kind = BudgetKind::Size;
    else if (key == "bops")
      kind = BudgetKind::Bops;
    else if (key == "latency")
      kind = BudgetKind::Latency;
    else
      return fail("--budget: unknown budget '" + key +
                  "' (expected size, bops or latency)");
    bool percent = value.consume_back("%");
    double unit = 0; // an absolute latency: seconds per unit
    if (kind == BudgetKind::Latency && !percent) {
      if (value.consume_back("ms"))
        unit = 1e-3;
      else if (value.consume_back("us"))
        unit = 1e-6;
    }
    double v;
    if (value.getAsDouble(v) || !std::isfinite(v) || v <= 0)
      return fail("--budget " + key + ": '" + item.split('=').second +
                  "' is not a positive number");
    // A value up to 1 (or a percentage) is a fraction of the all-8-bit
    // figure: encoded as a negative fraction until the layers are known.
    if (percent)
      v = -(v / 100);
    else if (unit)
      v *= unit;
    else if (v <= 1)
      v = -v;
    else if (kind == BudgetKind::Latency)
      return fail("--budget latency: '" + item.split('=').second +
                  "': a fraction up to 1, a percentage, or a time in ms or "
                  "us");
    out.push_back({kind, v});
  }
  return out;
}

std::vector<ParetoPoint> mp::paretoFrontier(const std::vector<Layer> &layers,
                                            BudgetKind kind, unsigned steps,
                                            double offset) {
  double low = smallest(layers, kind), high = 0;
  for (const Layer &l : layers) {
    double m = 0;
    for (const Choice &c : l.choices)
      m = std::max(m, cost(c, kind));
    high += m;
  }
  std::vector<ParetoPoint> points;
  for (unsigned i = 0; i <= steps; ++i) {
    double limit = low + (high - low) * i / std::max(steps, 1u);
    auto a = solve(layers, {{kind, limit * (1 + 1e-12)}});
    if (!a) {
      llvm::consumeError(a.takeError());
      continue;
    }
    ParetoPoint p;
    p.limit = limit + offset;
    p.a = std::move(*a);
    points.push_back(std::move(p));
  }
  return points;
}

llvm::Error mp::writePareto(const std::vector<Layer> &layers,
                            const std::vector<ParetoPoint> &points,
                            BudgetKind kind, StringRef path, StringRef model,
                            double offset) {
  using Point = ParetoPoint;
  bool measured = llvm::any_of(layers, [](const Layer &l) {
    return llvm::any_of(l.choices, [](const Choice &c) { return c.latency > 0; });
  });
  llvm::json::Array arr;
  for (const Point &p : points) {
    llvm::json::Object bits;
    for (size_t i = 0; i < layers.size(); ++i)
      bits[layers[i].name] = (int64_t)layers[i].choices[p.a.choice[i]].bits;
    llvm::json::Object point{{"limit", p.limit},
                             {"sensitivity", p.a.sensitivity},
                             {"size_bytes", p.a.sizeBytes},
                             {"bops", p.a.bops},
                             {"bits", std::move(bits)}};
    if (measured) // predicted from the measured per-layer latencies
      point["latency_s"] = p.a.latency + offset;
    if (!std::isnan(p.top1Agreement))
      point["top1_agreement"] = p.top1Agreement;
    if (!std::isnan(p.outputSqnrDb))
      point["output_sqnr_db"] = p.outputSqnrDb;
    arr.push_back(std::move(point));
  }
  llvm::json::Object root{{"format", "dyad-pareto"},
                          {"model", model.str()},
                          {"budget", budgetName(kind)},
                          {"points", std::move(arr)}};
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return fail("cannot write '" + path + "': " + ec.message());
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";

  // The plot: sensitivity (log scale) against the budget's figure.
  llvm::SmallString<128> svgPath(path);
  llvm::sys::path::replace_extension(svgPath, "svg");
  llvm::raw_fd_ostream svg(svgPath, ec);
  if (ec)
    return fail("cannot write '" + svgPath + "': " + ec.message());
  const double W = 640, H = 400, L = 80, R = 20, T = 30, B = 50;
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  auto xOf = [&](const Point &p) {
    return total(p.a, kind) + (kind == BudgetKind::Latency ? offset : 0);
  };
  auto yOf = [&](const Point &p) {
    return std::log10(std::max(p.a.sensitivity, 1e-12));
  };
  for (const Point &p : points) {
    xmin = std::min(xmin, xOf(p));
    xmax = std::max(xmax, xOf(p));
    ymin = std::min(ymin, yOf(p));
    ymax = std::max(ymax, yOf(p));
  }
  if (!(xmax > xmin))
    xmax = xmin + 1;
  if (!(ymax > ymin))
    ymax = ymin + 1;
  auto px = [&](double x) { return L + (x - xmin) / (xmax - xmin) * (W - L - R); };
  auto py = [&](double y) { return T + (ymax - y) / (ymax - ymin) * (H - T - B); };
  svg << llvm::formatv("<svg xmlns=\"http://www.w3.org/2000/svg\" "
                       "width=\"{0}\" height=\"{1}\" font-family=\"sans-serif\" "
                       "font-size=\"12\">\n",
                       W, H);
  svg << llvm::formatv("<text x=\"{0}\" y=\"18\">{1}: summed sensitivity "
                       "(log10) against {2}</text>\n",
                       L, model,
                       kind == BudgetKind::Size   ? "weight bytes"
                       : kind == BudgetKind::Bops ? "BOPs per sample"
                                                  : "seconds per run");
  svg << llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
                       "stroke=\"black\"/>\n<line x1=\"{0}\" y1=\"{3}\" "
                       "x2=\"{0}\" y2=\"{1}\" stroke=\"black\"/>\n",
                       L, H - B, W - R, T);
  svg << llvm::formatv("<text x=\"{0}\" y=\"{1}\">{2}</text>\n<text x=\"{3}\" "
                       "y=\"{1}\" text-anchor=\"end\">{4}</text>\n",
                       L, H - B + 18, number(xmin), W - R, number(xmax));
  svg << llvm::formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\">"
                       "1e{2}</text>\n<text x=\"{0}\" y=\"{3}\" "
                       "text-anchor=\"end\">1e{4}</text>\n",
                       L - 6, H - B, number(ymin), T + 10, number(ymax));
  svg << "<polyline fill=\"none\" stroke=\"steelblue\" stroke-width=\"2\" "
         "points=\"";
  for (const Point &p : points)
    svg << llvm::formatv("{0:f1},{1:f1} ", px(xOf(p)), py(yOf(p)));
  svg << "\"/>\n";
  for (const Point &p : points)
    svg << llvm::formatv("<circle cx=\"{0:f1}\" cy=\"{1:f1}\" r=\"3\" "
                         "fill=\"steelblue\"/>\n",
                         px(xOf(p)), py(yOf(p)));
  svg << "</svg>\n";
  return llvm::Error::success();
}
