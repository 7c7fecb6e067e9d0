// Tensors of a bundle to one .safetensors file: an 8-byte little-endian header length, a JSON header
// (name -> dtype, shape, data_offsets; "__metadata__") padded with spaces to 8 bytes, then the tensors'
// bytes back to back in header order. bfloat16 stays BF16, float8_e4m3fn/e5m2 become F8_E4M3/F8_E5M2;
// strings, complex, quantized, 4-bit and the fnuz float8 variants have no safetensors dtype.
#pragma once

#include "io/bundle_reader.h"
#include "io/export/export_items.h"
#include "io/export/export_options.h"

#include <filesystem>
#include <map>
#include <string>

namespace tscope::io {

// "F32", "BF16"... or empty when safetensors has no such dtype.
std::string safetensorsDType(DType dtype);
// Empty when safetensors can hold the dtype, else why not (the `supports` of export_items.h).
std::string safetensorsSupports(DType dtype);

Status writeSafetensors(const BundleReader& bundle, const std::vector<ExportItem>& items,
    const std::map<std::string, std::string>& metadata, const std::filesystem::path& out,
    const ExportOptions& options);

} // namespace tscope::io
