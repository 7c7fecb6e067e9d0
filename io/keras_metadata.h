// keras_metadata.pb: one JSON document per saved Keras object, written by Python's `json` module.
// Parsed with a real JSON parser; only the layer's own name and class are used.
#pragma once

#include "io/status.h"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace tscope::io {

struct KerasObjectMetadata {
    std::string name; // the layer's name ("conv2d")
    std::string className; // its Keras class ("Conv2D"); empty when the metadata has none
};

// Python's json module writes NaN, Infinity and -Infinity bare (not valid JSON). Returns the text with
// each such token outside strings replaced by `null`; string contents are left untouched.
std::string replacePythonNonFiniteLiterals(std::string_view json);

// The top-level "name" and "class_name" of one object's metadata JSON.
Result<KerasObjectMetadata> parseKerasObjectMetadata(std::string_view json);

// Layers of a keras_metadata.pb: object path with '/' separators ("layer_with_weights-0") -> label
// "conv2d (Conv2D)" (or the name alone when the class is unknown). Objects whose JSON cannot be parsed
// are skipped; an unreadable file gives an empty map.
std::map<std::string, std::string> readKerasLayerLabels(const std::filesystem::path& file);

// For verify: keras_metadata.pb parses strictly (fields we do not know are accepted, a broken wire format or
// invalid UTF-8 is not) and every object's metadata is JSON as Python's json module writes it. Ok, or a
// Corrupt status naming the object. No hash covers this file (fingerprint.pb does not), so this is its check.
Status verifyKerasMetadataFile(const std::filesystem::path& file);

} // namespace tscope::io
