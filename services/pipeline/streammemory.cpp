// Fixed allocator thresholds for streaming output.
#include "pipeline/streammemory.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace launchdeck {

namespace {
// Blocks below this come from the heap and are reused (the largest the C library takes).
constexpr int kMapThresholdBytes = 32 * 1024 * 1024;
// Free memory at the top of a heap is given back only beyond this, so the run after a burst
// reuses the burst's pages instead of faulting in new ones; a larger burst still gives back.
constexpr int kTrimThresholdBytes = 128 * 1024 * 1024;
} // namespace

void keepStreamMemoryForReuse()
{
#if defined(__GLIBC__)
    static std::once_flag once;
    std::call_once(once, [] {
        // Setting either also stops the thresholds from sliding with what is freed.
        ::mallopt(M_MMAP_THRESHOLD, kMapThresholdBytes);
        ::mallopt(M_TRIM_THRESHOLD, kTrimThresholdBytes);
    });
#endif
}

} // namespace launchdeck
