// One tensor (already sliced) to CSV: the last dimension across, everything before it down (a 1-D tensor
// is one value per line, like numpy.savetxt; a scalar one line). Floats are written with the fewest
// digits that read back to the same value, strings RFC 4180-quoted (only valid UTF-8 is accepted).
#pragma once

#include "io/export/export_options.h"
#include "io/status.h"
#include "io/tensor.h"

#include <filesystem>

namespace tscope::io {

Status writeCsv(const Tensor& tensor, const std::filesystem::path& out, const ExportOptions& options);

} // namespace tscope::io
