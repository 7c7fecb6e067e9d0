#include "model/tensor_ref.h"

#include <atomic>

namespace tscope::model {

ArtifactId newArtifactId()
{
    static std::atomic<ArtifactId> next { 1 };
    return next++;
}

} // namespace tscope::model
