//===- mp_test.cpp - the mixed-precision ILP against exhaustive search ----===//
//
//   dyad-mp-test random N SEED   N random problems (1-7 layers, 1-3 widths
//                                each, and in every other problem input
//                                widths 4/8/16 with input ties; ties, size,
//                                BOPs and latency budgets) solved
//                                by CBC and by enumeration: the optimal
//                                sensitivities must agree, and the ILP's
//                                answer must meet every budget and tie
//   dyad-mp-test random N SEED SCALE   the same with every sensitivity
//                                times SCALE (a confident model's KLs are
//                                1e-12..1e-8)
//   dyad-mp-test budget SPEC     parses a --budget value
//   dyad-mp-test infeasible      a budget below the smallest reachable
//
//===----------------------------------------------------------------------===//
#include "dyad/Compiler/MixedPrecision.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <random>

using namespace dyad::mp;

static bool feasible(const std::vector<Layer> &layers,
                     const std::vector<Budget> &budgets, const Assignment &a) {
  Assignment sum;
  std::map<int, unsigned> tie, inputTie;
  for (size_t i = 0; i < layers.size(); ++i) {
    const Choice &c = layers[i].choices[a.choice[i]];
    sum.sizeBytes += c.sizeBytes;
    sum.bops += c.bops;
    sum.latency += c.latency;
    if (layers[i].tie >= 0) {
      auto [it, first] = tie.insert({layers[i].tie, c.bits});
      if (!first && it->second != c.bits)
        return false;
    }
    if (layers[i].inputTie >= 0) {
      auto [it, first] = inputTie.insert({layers[i].inputTie, c.inputBits});
      if (!first && it->second != c.inputBits)
        return false;
    }
  }
  for (const Budget &b : budgets)
    if (total(sum, b.kind) + b.offset > b.limit * (1 + 1e-9))
      return false;
  return true;
}

static const char *kindName(BudgetKind kind) {
  return kind == BudgetKind::Size   ? "size"
         : kind == BudgetKind::Bops ? "bops"
                                    : "latency";
}

static int random(int n, unsigned seed, double scale) {
  std::mt19937 rng(seed);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  int infeasible = 0, optimal = 0;
  const unsigned widths[] = {2, 4, 6, 8};
  for (int t = 0; t < n; ++t) {
    std::vector<Layer> layers(pick(1, 7));
    double size8 = 0, bops8 = 0, latency8 = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
      Layer &l = layers[i];
      l.name = "layer" + std::to_string(i);
      l.weights = pick(1, 5000);
      l.macsPerSample = l.weights * pick(1, 100);
      l.tie = pick(0, 3) == 0 ? pick(0, 1) : -1;
      // Activation widths too in half the problems (the layer's input:
      // 8, and 4 or 16 where offered), with input ties.
      bool inputs = t % 2 == 1;
      l.inputTie = inputs && pick(0, 2) == 0 ? pick(0, 1) : -1;
      for (unsigned b : widths) {
        if (b != 8 && pick(0, 2) == 0)
          continue;
        for (unsigned a : {8u, 4u, 16u}) {
          if (a != 8 && (!inputs || pick(0, 1) == 0))
            continue;
          Choice c;
          c.bits = b;
          c.inputBits = inputs ? a : 0;
          // More bits, less sensitivity, with noise (ties of value too).
          c.sensitivity =
              scale * (pick(0, 9) == 0 ? 0.5 : uniform(0, 1) / (b * b)) +
              (inputs ? scale * uniform(0, 1) / (a * a) : 0.0);
          c.sizeBytes = l.weights * b / 8.0;
          c.bops = double(l.macsPerSample) * b * (inputs ? a : 8);
          // Measured latencies need not fall with the width (a 4-bit
          // kernel is slower where its weights are in cache).
          c.latency = 1e-6 * l.weights * uniform(0.3, 1.2);
          if (b == 8 && a == 8)
            latency8 += c.latency;
          l.choices.push_back(c);
        }
      }
      size8 += l.weights;
      bops8 += double(l.macsPerSample) * 64;
    }
    std::vector<Budget> budgets;
    if (pick(0, 3) != 0)
      budgets.push_back({BudgetKind::Size, size8 * uniform(0.1, 1.05)});
    if (budgets.empty() || pick(0, 2) == 0)
      budgets.push_back({BudgetKind::Bops, bops8 * uniform(0.1, 1.05)});
    if (pick(0, 2) == 0) { // with the model's other ops' time as offset
      double rest = latency8 * uniform(0, 0.5);
      budgets.push_back(
          {BudgetKind::Latency, (latency8 + rest) * uniform(0.5, 1.1), rest});
    }
    std::optional<Assignment> best = solveExhaustive(layers, budgets);
    llvm::Expected<Assignment> ilp = solve(layers, budgets);
    if (!best) {
      if (ilp) {
        llvm::outs() << "instance " << t << ": exhaustive search finds no "
                     << "assignment, the ILP does\n";
        return 1;
      }
      llvm::consumeError(ilp.takeError());
      ++infeasible;
      continue;
    }
    if (!ilp) {
      llvm::outs() << "instance " << t << ": the ILP fails ("
                   << llvm::toString(ilp.takeError())
                   << "), exhaustive search finds " << best->sensitivity
                   << "\n";
      return 1;
    }
    if (!feasible(layers, budgets, *ilp) ||
        std::fabs(ilp->sensitivity - best->sensitivity) >
            1e-9 * std::max(scale, best->sensitivity)) {
      for (size_t i = 0; i < layers.size(); ++i) {
        llvm::outs() << layers[i].name << " tie " << layers[i].tie << ":";
        for (size_t k = 0; k < layers[i].choices.size(); ++k)
          llvm::outs() << " " << layers[i].choices[k].bits << "b s="
                       << layers[i].choices[k].sensitivity << " size="
                       << layers[i].choices[k].sizeBytes << " bops="
                       << layers[i].choices[k].bops << " latency="
                       << layers[i].choices[k].latency
                       << (ilp->choice[i] == k ? " [ilp]" : "")
                       << (best->choice[i] == k ? " [best]" : "");
        llvm::outs() << "\n";
      }
      for (const Budget &b : budgets)
        llvm::outs() << kindName(b.kind) << " <= " << b.limit << " (offset "
                     << b.offset << ")\n";
      llvm::outs() << "instance " << t << ": ILP " << ilp->sensitivity
                   << " (feasible " << feasible(layers, budgets, *ilp)
                   << "), exhaustive " << best->sensitivity << "\n";
      return 1;
    }
    ++optimal;
  }
  llvm::outs() << n << " problems: the ILP equals exhaustive search on "
               << optimal << ", both infeasible on " << infeasible << "\n";
  return 0;
}

int main(int argc, char **argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "random" && (argc == 4 || argc == 5))
    return random(std::atoi(argv[2]), (unsigned)std::atoi(argv[3]),
                  argc == 5 ? std::atof(argv[4]) : 1.0);
  if (cmd == "budget" && argc == 3) {
    auto b = parseBudget(argv[2]);
    if (!b) {
      llvm::outs() << "error: " << llvm::toString(b.takeError()) << "\n";
      return 1;
    }
    for (auto [kind, v] : *b)
      llvm::outs() << kindName(kind) << " "
                   << (v < 0 ? "fraction " : "absolute ") << std::fabs(v)
                   << "\n";
    return 0;
  }
  if (cmd == "infeasible") {
    // Two layers of 1000 weights at 4 or 8 bits: at least 1000 bytes.
    std::vector<Layer> layers(2);
    for (Layer &l : layers) {
      l.weights = 1000;
      l.choices = {{4, 1.0, 500, 0}, {8, 0.1, 1000, 0}};
    }
    auto a = solve(layers, {{BudgetKind::Size, 900}});
    if (a)
      return 1;
    llvm::outs() << "error: " << llvm::toString(a.takeError()) << "\n";
    return 0;
  }
  llvm::errs() << "usage: dyad-mp-test random N SEED [SCALE] | budget SPEC | "
                  "infeasible\n";
  return 2;
}
