// A TensorShapeProto (graph attrs, signatures, SavedModel specs) as our Shape: dimensions of unknown size
// are -1, an unknown rank is nullopt.
#pragma once

#include "io/tensor.h"

#include <optional>

namespace tensorflow {
class TensorShapeProto;
}

namespace tscope::io {

std::optional<Shape> shapeFromProto(const tensorflow::TensorShapeProto& proto);

} // namespace tscope::io
