#include "io/executor.h"

namespace tscope::io {

namespace {
class InlineExecutor final : public Executor {
public:
    unsigned maxWorkers() const override { return 1; }
    bool parallelFor(uint64_t chunks, const ChunkFn& body, const CancelToken* cancel, unsigned) override
    {
        for (uint64_t c = 0; c < chunks; ++c)
            if ((cancel && cancel->isCancelled()) || !body(c, 0)) return false;
        return true;
    }
};
} // namespace

Executor& inlineExecutor()
{
    static InlineExecutor executor;
    return executor;
}

} // namespace tscope::io
