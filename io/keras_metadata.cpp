#include "io/keras_metadata.h"

#include "io/git_lfs.h"
#include "io/guarded_read.h"
#include "keras_metadata.pb.h"

#include <algorithm>
#include <climits>
#include <fstream>
#include <nlohmann/json.hpp>

namespace tscope::io {
namespace {

bool isIdentifierChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// True when `token` starts at `pos` and is not part of a longer word.
bool tokenAt(std::string_view text, size_t pos, std::string_view token)
{
    if (text.substr(pos, token.size()) != token) return false;
    const size_t after = pos + token.size();
    return after >= text.size() || !isIdentifierChar(text[after]);
}

} // namespace

std::string replacePythonNonFiniteLiterals(std::string_view json)
{
    std::string out;
    out.reserve(json.size());
    bool inString = false;
    for (size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < json.size())
                out += json[++i]; // an escaped quote does not end the string
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
            out += c;
            continue;
        }
        const bool wordStart = out.empty() || !isIdentifierChar(out.back());
        if (wordStart && tokenAt(json, i, "NaN")) {
            out += "null";
            i += 2;
        } else if (wordStart && tokenAt(json, i, "Infinity")) {
            out += "null";
            i += 7;
        } else if (wordStart && c == '-' && tokenAt(json, i + 1, "Infinity")) {
            out += "null";
            i += 8;
        } else {
            out += c;
        }
    }
    return out;
}

Result<KerasObjectMetadata> parseKerasObjectMetadata(std::string_view json)
{
    const auto doc = nlohmann::json::parse(replacePythonNonFiniteLiterals(json), nullptr, false);
    if (doc.is_discarded()) return Status(ErrorCode::Corrupt, "Keras object metadata is not valid JSON");
    if (!doc.is_object()) return Status(ErrorCode::Corrupt, "Keras object metadata is not a JSON object");
    KerasObjectMetadata meta;
    // Only the document's own top-level keys: nested configs carry other "class_name"s (__tuple__, ...).
    if (auto it = doc.find("name"); it != doc.end() && it->is_string()) meta.name = it->get<std::string>();
    if (auto it = doc.find("class_name"); it != doc.end() && it->is_string())
        meta.className = it->get<std::string>();
    return meta;
}

std::map<std::string, std::string> readKerasLayerLabels(const std::filesystem::path& file)
{
    std::map<std::string, std::string> layers;
    std::ifstream in(file, std::ios::binary);
    tscope::keras::SavedMetadata meta;
    if (!in || isGitLfsPointer(file) || !meta.ParseFromIstream(&in)) return layers;
    for (const auto& node : meta.nodes()) {
        std::string path = node.node_path();
        if (!path.starts_with("root.")) continue;
        path = path.substr(5);
        std::replace(path.begin(), path.end(), '.', '/');
        auto object = parseKerasObjectMetadata(node.metadata());
        if (!object || object->name.empty()) continue;
        layers[path]
            = object->className.empty() ? object->name : object->name + " (" + object->className + ")";
    }
    return layers;
}

Status verifyKerasMetadataFile(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        return Status(ErrorCode::Corrupt, "keras_metadata.pb is not a regular file").withPath(file.string());
    if (isGitLfsPointer(file)) return gitLfsPointerError(file);
    auto bytes = guardedReadFile(file);
    if (!bytes) return bytes.status();
    tscope::keras::SavedMetadata meta;
    if (bytes->size() > static_cast<size_t>(INT_MAX) || !meta.ParseFromString(*bytes))
        return Status(ErrorCode::Corrupt, "keras_metadata.pb is not a valid SavedMetadata protobuf (damaged)")
            .withPath(file.string());
    for (int i = 0; i < meta.nodes_size(); ++i) {
        const auto& node = meta.nodes(i);
        if (node.metadata().empty()) continue;
        auto object = parseKerasObjectMetadata(node.metadata());
        if (!object)
            return Status(ErrorCode::Corrupt,
                "keras_metadata.pb: the metadata of object " + std::to_string(i) + " ("
                    + (node.node_path().empty() ? std::string("no path") : node.node_path())
                    + ") is damaged: " + object.status().message())
                .withPath(file.string());
    }
    return Status::ok();
}

} // namespace tscope::io
