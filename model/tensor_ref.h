// Which tensor, from the model layer up: the opened artifact it belongs to plus its checkpoint key.
// Several artifacts can be open at once (one ArtifactSession each), and a row index into one bundle
// means nothing in another, so panels, jobs and results pass TensorRefs, never raw entry indexes.
#pragma once

#include <QMetaType>
#include <cstdint>
#include <string>

namespace tscope::model {

// Identity of one opened artifact: each successful open gets a new one (ArtifactSession::artifactId),
// so a reference into an artifact that was since closed or re-opened resolves to nothing.
using ArtifactId = uint64_t;
ArtifactId newArtifactId(); // thread-safe, never 0

struct TensorRef {
    ArtifactId artifact = 0; // 0: no tensor (an inner tree node, nothing selected)
    std::string key; // the checkpoint key, exact bytes (not necessarily UTF-8)

    bool isValid() const { return artifact != 0; }
    friend bool operator==(const TensorRef&, const TensorRef&) = default;
};

} // namespace tscope::model

Q_DECLARE_METATYPE(tscope::model::TensorRef)
