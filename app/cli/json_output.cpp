#include "app/cli/json_output.h"

namespace tscope::cli {

void writeShape(json::JsonWriter& w, const io::Shape& shape)
{
    w.beginArray();
    for (auto d : shape)
        w.value(d);
    w.endArray();
}

void writeOptionalShape(json::JsonWriter& w, const std::optional<io::Shape>& shape)
{
    if (shape)
        writeShape(w, *shape);
    else
        w.null();
}

void writeStatusObject(json::JsonWriter& w, const io::Status& s, const char* schema)
{
    w.beginObject();
    if (schema) w.field("schema", schema);
    w.field("code", io::errorCodeName(s.code()));
    w.field("message", s.message());
    w.textField("path", s.path());
    w.textField("tensor", s.tensor());
    if (s.offset())
        w.field("offset", *s.offset());
    else
        w.nullField("offset");
    w.endObject();
}

} // namespace tscope::cli
