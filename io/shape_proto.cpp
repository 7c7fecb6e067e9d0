#include "io/shape_proto.h"

#include "tensor_shape.pb.h"

namespace tscope::io {

std::optional<Shape> shapeFromProto(const tensorflow::TensorShapeProto& proto)
{
    if (proto.unknown_rank()) return std::nullopt;
    Shape s;
    for (const auto& d : proto.dim())
        s.push_back(d.size() < 0 ? -1 : d.size());
    return s;
}

} // namespace tscope::io
