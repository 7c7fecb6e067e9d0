// Checkpoint -> SavedModel (TF2, with a template): the template SavedModel brings the computation
// (saved_model.pb, assets, its object graph and variable keys), the training checkpoint brings the values.
// The template's variables are matched to the checkpoint's by the one mapping engine (object graph walk,
// then names, then --map rules). Missing variables and dtype/shape mismatches refuse the export; name
// matches of model variables are fallbacks the user has to accept; template state that is not model weights
// (optimizer, Keras metrics) keeps the template's values when the checkpoint lacks it. fingerprint.pb is
// recomputed for the result (writeFingerprint), or left out with the reason when it cannot be exact.
#pragma once

#include "io/bundle_reader.h"
#include "io/compare/variable_mapping.h"
#include "io/export/export_options.h"
#include "io/export/savedmodel_directory.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tscope::io {

struct SavedModelVariable {
    std::string templateKey; // key in the template's variables/variables.index
    std::string checkpointKey; // empty when missing
    std::string templateType; // "float32[3,4]"
    std::string checkpointType;
    std::string method; // object_graph | name | rule, empty when missing
    std::string templatePath; // object paths the walk took, when it was the object graph
    std::string checkpointPath;
    std::string rule; // the --map rule that made the match
    int templateEntry = -1;
    int checkpointEntry = -1;
};

struct SavedModelExportPlan {
    std::vector<SavedModelVariable> matched; // dtype and shape agree (fallbacks included)
    std::vector<SavedModelVariable> fallback; // matched by name only: written only when accepted
    std::vector<SavedModelVariable> missing; // a model variable of the template the checkpoint does not have
    // Template state that is not model weights (optimizer-only objects, Keras metrics) and that the
    // checkpoint does not have: written with the template's own values.
    std::vector<SavedModelVariable> kept;
    std::vector<SavedModelVariable> mismatched; // matched, but dtype or shape differ
    std::vector<std::string> unused; // checkpoint keys the template does not need (optimizer, counters)
    std::string checkpointRoot; // where the walk started, e.g. "model"
    std::string templateRoot;
    bool acceptFallback = false;
    std::vector<Status> warnings;

    bool refused() const
    {
        return !missing.empty() || !mismatched.empty() || (!fallback.empty() && !acceptFallback);
    }
    std::string refusalText() const; // one line per reason, for the CLI and the GUI
};

// Reads only the two indexes and object graphs.
SavedModelExportPlan planSavedModelExport(const BundleReader& checkpoint,
    const BundleReader& templateVariables, const MappingOptions& mapping, bool acceptFallback);

struct SavedModelExportReport {
    uint64_t tensors = 0; // variables written (the object graph included)
    uint64_t bytes = 0; // tensor bytes written
    uint64_t filesCopied = 0; // from the template, byte for byte
    std::vector<LeftOutFile> leftOut; // files of a SavedModel not written, and why
};

// Writes OUT (a directory) from a plan that is not refused: everything is built in a temporary directory
// beside OUT and renamed into place when complete; an existing OUT is replaced only with replaceExisting.
Status writeSavedModelExport(const BundleReader& checkpoint, const BundleReader& templateVariables,
    const std::filesystem::path& templateDir, const SavedModelExportPlan& plan,
    const std::filesystem::path& out, const ExportOptions& options, SavedModelExportReport& report);

} // namespace tscope::io
