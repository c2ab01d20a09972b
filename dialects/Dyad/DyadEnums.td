//===- DyadEnums.td - dyad enum attributes -----------------*- tablegen -*-===//
//
// The ONNX attributes that take one of a fixed set of strings (auto_pad, the
// Pad and Resize modes, Gelu's approximation) as enum attributes: the parser
// rejects other values, and verifiers and lowerings switch over C++ enums
// instead of comparing strings. Each case prints as its ONNX spelling, e.g.
// `auto_pad = #dyad.auto_pad<SAME_UPPER>`.
//
//===----------------------------------------------------------------------===//

#ifndef DYAD_ENUMS_TD
#define DYAD_ENUMS_TD

include "DyadBase.td"
include "mlir/IR/EnumAttr.td"

/// An enum stored in an attribute of the dyad dialect, printed as
/// `#dyad.<mnemonic><<case>>`.
class Dyad_EnumAttr<I32Enum enumInfo, string mnemonic>
    : EnumAttr<Dyad_Dialect, enumInfo, mnemonic> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Sliding windows (conv, conv_transpose, pools)
//===----------------------------------------------------------------------===//

def Dyad_AutoPad : I32Enum<"AutoPad", "ONNX auto_pad", [
    I32EnumCase<"NotSet", 0, "NOTSET">,
    I32EnumCase<"SameUpper", 1, "SAME_UPPER">,
    I32EnumCase<"SameLower", 2, "SAME_LOWER">,
    I32EnumCase<"Valid", 3, "VALID">]> {
  let cppNamespace = "::dyad";
}
def Dyad_AutoPadAttr : Dyad_EnumAttr<Dyad_AutoPad, "auto_pad">;

//===----------------------------------------------------------------------===//
// Pad and Resize
//===----------------------------------------------------------------------===//

def Dyad_PadMode : I32Enum<"PadMode", "ONNX Pad mode", [
    I32EnumCase<"Constant", 0, "constant">,
    I32EnumCase<"Reflect", 1, "reflect">,
    I32EnumCase<"Edge", 2, "edge">,
    I32EnumCase<"Wrap", 3, "wrap">]> {
  let cppNamespace = "::dyad";
}
def Dyad_PadModeAttr : Dyad_EnumAttr<Dyad_PadMode, "pad_mode">;

def Dyad_ResizeMode : I32Enum<"ResizeMode", "ONNX Resize mode", [
    I32EnumCase<"Nearest", 0, "nearest">,
    I32EnumCase<"Linear", 1, "linear">,
    I32EnumCase<"Cubic", 2, "cubic">]> {
  let cppNamespace = "::dyad";
}
def Dyad_ResizeModeAttr : Dyad_EnumAttr<Dyad_ResizeMode, "resize_mode">;

def Dyad_CoordinateTransformationMode
    : I32Enum<"CoordinateTransformationMode",
              "ONNX Resize coordinate_transformation_mode", [
    I32EnumCase<"HalfPixel", 0, "half_pixel">,
    I32EnumCase<"PytorchHalfPixel", 1, "pytorch_half_pixel">,
    I32EnumCase<"Asymmetric", 2, "asymmetric">,
    I32EnumCase<"AlignCorners", 3, "align_corners">,
    I32EnumCase<"TfCropAndResize", 4, "tf_crop_and_resize">]> {
  let cppNamespace = "::dyad";
}
def Dyad_CoordinateTransformationModeAttr
    : Dyad_EnumAttr<Dyad_CoordinateTransformationMode,
                    "coordinate_transformation_mode">;

def Dyad_NearestMode : I32Enum<"NearestMode", "ONNX Resize nearest_mode", [
    I32EnumCase<"RoundPreferFloor", 0, "round_prefer_floor">,
    I32EnumCase<"RoundPreferCeil", 1, "round_prefer_ceil">,
    I32EnumCase<"Floor", 2, "floor">,
    I32EnumCase<"Ceil", 3, "ceil">]> {
  let cppNamespace = "::dyad";
}
def Dyad_NearestModeAttr : Dyad_EnumAttr<Dyad_NearestMode, "nearest_mode">;

def Dyad_DepthToSpaceMode
    : I32Enum<"DepthToSpaceMode", "ONNX DepthToSpace mode", [
    I32EnumCase<"DCR", 0, "DCR">,
    I32EnumCase<"CRD", 1, "CRD">]> {
  let cppNamespace = "::dyad";
}
def Dyad_DepthToSpaceModeAttr
    : Dyad_EnumAttr<Dyad_DepthToSpaceMode, "depth_to_space_mode">;

//===----------------------------------------------------------------------===//
// Gelu
//===----------------------------------------------------------------------===//

def Dyad_GeluApproximation
    : I32Enum<"GeluApproximation", "ONNX Gelu approximate", [
    I32EnumCase<"None", 0, "none">,
    I32EnumCase<"Tanh", 1, "tanh">]> {
  let cppNamespace = "::dyad";
}
def Dyad_GeluApproximationAttr
    : Dyad_EnumAttr<Dyad_GeluApproximation, "gelu_approximation">;

#endif // DYAD_ENUMS_TD
