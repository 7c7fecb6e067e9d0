// The one mapping engine: which variable of artifact A is which variable of artifact B. Used by compare
// (diff), the compatibility check, and later the export of a checkpoint into a SavedModel template.
// Order: the TF2 object graphs are walked together first (FORMATS.md §3.4, the way TensorFlow restores),
// from the root pair that matches most (so a checkpoint's `model/` subtree meets a SavedModel's root);
// keys left over are then paired by identical name (TF1); then by the user's rules. Every match says
// how it was made. Only the indexes and object graphs are read, never tensor data.
#pragma once

#include "io/bundle_reader.h"
#include "io/compare/mapping_rule.h"

#include <string>
#include <vector>

namespace tscope::io {

enum class MatchMethod { ObjectGraph, Name, Rule };
const char* matchMethodName(MatchMethod method); // object_graph | name | rule

struct VariableMatch {
    int a = -1; // index into A's BundleReader::entries()
    int b = -1;
    MatchMethod method = MatchMethod::Name;
    std::string pathA; // object graph: the object paths walked on each side (slots end in /<slot>)
    std::string pathB;
    int rule = -1; // Rule: index into MappingOptions::rules
};

struct MappingOptions {
    bool useObjectGraph = true;
    bool useNames = true;
    std::vector<MappingRule> rules;
};

struct VariableMapping {
    std::vector<VariableMatch> matches; // in A's key order
    std::vector<int> onlyInA; // entry indices, sorted
    std::vector<int> onlyInB;
    bool objectGraph = false; // both sides had an object graph and it was walked
    // The object paths the walk started from, "" for a root: e.g. rootA = "model", rootB = "" when a
    // training checkpoint's model was matched against a SavedModel.
    std::string rootA;
    std::string rootB;
    std::vector<Status> warnings; // e.g. an object graph that could not be decoded (names were used)
};

// Entries that take part: every tensor of the bundle except the object graph itself.
bool takesPartInMapping(const TensorEntry& entry);

VariableMapping mapVariables(
    const BundleReader& a, const BundleReader& b, const MappingOptions& options = {});

} // namespace tscope::io
