// One libcurl transfer run on a multi handle of its own, so that another thread can end it at
// once: wake() interrupts the wait instead of leaving it until the next byte or poll timeout.
#pragma once

#include <atomic>
#include <mutex>

namespace launchdeck::docker::detail {

class WakeableTransfer final
{
public:
    // Runs `easy` (a CURL*) until it ends or `cancelled` is set; returns its CURLcode, or
    // CURLE_OK when it was cancelled before libcurl reported an end.
    int perform(void* easy, const std::atomic<bool>& cancelled);
    // From any thread: makes a running perform() look at `cancelled` now.
    void wake();

private:
    std::mutex m_mutex; // keeps the multi handle alive while wake() uses it
    void* m_multi = nullptr;
};

} // namespace launchdeck::docker::detail
