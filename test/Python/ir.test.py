"""dyad.ir: MLIR text through Dyad's dialects and passes gives what dyad-opt
gives for the same pipeline."""
import subprocess
import sys

import dyad

text = """
func.func @f(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dyad.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = dyad.relu %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}
"""
pipeline = "builtin.module(func.func(dyad-to-linalg,canonicalize))"
out = dyad.ir.run_pipeline(text, pipeline)
print(out)
ref = subprocess.run([sys.argv[1], "--pass-pipeline=" + pipeline], input=text,
                     capture_output=True, text=True, check=True).stdout
print("same as dyad-opt:", out.strip() == ref.strip())
print("round trip:", dyad.ir.verify(dyad.ir.verify(text, generic=True)) == dyad.ir.verify(text))
