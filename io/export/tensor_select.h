// A numpy-style slice (`--slice "0,:,1:3"`, io/slice_spec.h) of a tensor as a new tensor.
#pragma once

#include "io/status.h"
#include "io/tensor.h"

#include <string>

namespace tscope::io {

// An empty spec gives a copy of the whole tensor's view (borrowing nothing new).
Result<Tensor> selectTensor(const Tensor& tensor, const std::string& spec);

} // namespace tscope::io
