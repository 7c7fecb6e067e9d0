// A synthetic TF2-style checkpoint of 100,000 small float32 variables for the GUI benchmarks
// (bench_filter, filter_stall): 250 layers x 100 sublayers x {kernel [4,4], bias, gamma, beta [4]}, keys
// like model/layer_with_weights-12/sublayer_34/kernel/.ATTRIBUTES/VARIABLE_VALUE, no object graph (the
// tree comes from the names: 25,250 inner nodes). Written once into `dir`, reused while it exists.
#pragma once

#include "io/bundle_writer.h"

#include <array>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace tscope::bench {

inline constexpr int kManyLayers = 250;
inline constexpr int kManySublayers = 100;
inline constexpr std::array<const char*, 4> kManyVarNames { "kernel", "bias", "gamma", "beta" };

// `layers` of 100 sublayers (400 variables each); `step` shifts every value (a later training step of the
// same model, for the compare view).
inline io::Status writeManyVariablesCheckpoint(
    const std::filesystem::path& prefix, int layers = kManyLayers, int step = 0)
{
    if (std::filesystem::exists(prefix.string() + ".index")) return {};
    std::filesystem::create_directories(prefix.parent_path());
    io::BundleWriter writer(prefix);
    std::vector<float> kernel(16), vec(4);
    float x = 0;
    const float shift = 1e-4f * static_cast<float>(step);
    for (int l = 0; l < layers; ++l)
        for (int s = 0; s < kManySublayers; ++s)
            for (size_t v = 0; v < kManyVarNames.size(); ++v) {
                auto& buf = v == 0 ? kernel : vec;
                for (auto& e : buf)
                    e = (x += 0.001f) + shift;
                const io::Shape shape = v == 0 ? io::Shape { 4, 4 } : io::Shape { 4 };
                const std::string key = "model/layer_with_weights-" + std::to_string(l) + "/sublayer_"
                    + std::to_string(s) + "/" + kManyVarNames[v] + "/.ATTRIBUTES/VARIABLE_VALUE";
                if (auto st = writer.add(key, io::DType::Float, shape, std::as_bytes(std::span(buf)));
                    !st.isOk())
                    return st;
            }
    return writer.finish();
}

} // namespace tscope::bench
