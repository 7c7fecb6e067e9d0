#include "io/export/tensor_select.h"

#include "io/slice_spec.h"

#include <cstring>

namespace tscope::io {

Result<Tensor> selectTensor(const Tensor& tensor, const std::string& spec)
{
    auto selection = parseSelection(spec, tensor.shape());
    if (!selection) return selection.status();
    const Shape shape = selection->resultShape();
    const std::vector<uint64_t> indices = selection->elementIndices(tensor.shape());
    if (tensor.isString()) {
        std::vector<std::string> values;
        values.reserve(indices.size());
        for (auto i : indices)
            values.push_back(tensor.stringValues()[i]);
        return Tensor::strings(shape, std::move(values));
    }
    const size_t esize = dtypeInfo(tensor.dtype()).elementSize;
    std::vector<std::byte> bytes(indices.size() * esize);
    for (size_t k = 0; k < indices.size(); ++k)
        std::memcpy(bytes.data() + k * esize, tensor.bytes().data() + indices[k] * esize, esize);
    return Tensor::owned(tensor.dtype(), shape, std::move(bytes));
}

} // namespace tscope::io
