//===- DyadInterfaces.td - dyad op interfaces ---------------*- tablegen -*-===//
//
// QuantizableOpInterface: what an op's integer form is, per op, in one place.
// dyad-quantize (which results get a quant type, which weights are quantized
// per channel), dyad-integerize (which chains it may rewrite), the
// quantization report and the mixed-precision solver all ask this interface
// instead of keeping op lists of their own.
//
//===----------------------------------------------------------------------===//

#ifndef DYAD_INTERFACES_TD
#define DYAD_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Dyad_QuantizableOpInterface : OpInterface<"QuantizableOpInterface"> {
  let cppNamespace = "::dyad";
  let description = [{
    An op with an integer-only form (docs/numerics.md):

    - `Contraction` (conv, gemm, matmul): integer multiply-accumulate in i32,
      an i32 bias, then `dyad.requant` to the output's scale. Its weight
      operand is quantized per output channel (`getQuantizedWeight`).
    - `Add`: each branch requantized onto the output scale.
    - `Rescale` (concat, average pools): values combined on the integers, a
      requant where scales differ (pools fold 1/K into it).
    - `PassThrough` (max pool, reshape, flatten, transpose, squeeze,
      unsqueeze, slice, gather, ...): moves or selects values; the result
      keeps its input's quantization.
    - `Activation` (relu, clip): becomes the clamp of the requantization of
      the contraction or add that feeds it.
    - `Table` (sigmoid, tanh, erf, gelu, exp, log, sqrt, hard_swish, ...;
      div and pow by a scalar constant): a function of one 8-bit activation
      becomes `dyad.lookup`, a table of its quantized results computed at
      compile time.
    - `Product` (mul): two activations multiply on the integers (i32), then
      requant by S_a * S_b / S_out; a scalar constant factor is a table.
    - `Normalization` (softmax, layer_normalization): row statistics on the
      integers (`dyad.int_softmax`, `dyad.int_layer_norm`).

    Sub has the `Add` role (the second branch enters negated); reduce_mean
    and reduce_sum are `Rescale` (an i32 sum, 1/N folded into the requant).

    An op without the interface has no integer form: it stays float, which
    dyad-verify-integer-only reports inside the quantized region.
  }];
  let methods = [
    InterfaceMethod<"How the op is computed on integers.",
      "::dyad::QuantRole", "getQuantRole">,
    InterfaceMethod<[{
        The weight operand quantized per channel and its channel axis, if
        the op has one (the operand must still be a constant for the weight
        to be quantized).
      }],
      "std::optional<::dyad::QuantizedWeight>", "getQuantizedWeight", (ins),
      [{}], [{ return std::nullopt; }]>,
    InterfaceMethod<[{
        The weight bit widths the integer form supports (weights are stored
        in i8 containers; narrower widths restrict the range). Empty for ops
        without weights: they follow their activations' precision.
      }],
      "::llvm::SmallVector<unsigned>", "getWeightBitWidths", (ins), [{}],
      [{ return {}; }]>,
    InterfaceMethod<[{
        Cost hook: multiply-accumulates of one run of the op (BOPs are this
        times the weight and activation bit widths), or std::nullopt when a
        dim is dynamic. Zero for ops that only move values.
      }],
      "std::optional<int64_t>", "getMacCount", (ins), [{}],
      [{ return int64_t(0); }]>,
  ];
}

#endif // DYAD_INTERFACES_TD
