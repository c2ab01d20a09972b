func.func @main_graph(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = dyad.add %x, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = dyad.relu %0 : tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}
