// JSON fragments several commands share (docs/schema/*.json describes them).
#pragma once

#include "io/json/json_writer.h"
#include "io/status.h"
#include "io/tensor.h"

#include <optional>

namespace tscope::cli {

void writeShape(json::JsonWriter& w, const io::Shape& shape);
void writeOptionalShape(json::JsonWriter& w, const std::optional<io::Shape>& shape); // null: unknown rank

// {code, message, path, tensor, offset}; with `schema`, a top-level tensorscope.error/1 document.
void writeStatusObject(json::JsonWriter& w, const io::Status& s, const char* schema = nullptr);

} // namespace tscope::cli
