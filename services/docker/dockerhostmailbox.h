// How work finished on a pool thread reaches an object of another thread that may be gone by
// then, and how a pool whose tasks may hang on a dead daemon is let go without waiting.
#pragma once

#include <QMetaObject>

#include <mutex>
#include <utility>

class QThreadPool;

namespace launchdeck {

template <typename Target> class DockerHostMailbox final
{
public:
    explicit DockerHostMailbox(Target* target)
        : m_target(target)
    {}
    DockerHostMailbox(const DockerHostMailbox&) = delete;
    DockerHostMailbox& operator=(const DockerHostMailbox&) = delete;

    // Queues `deliver(target)` to the target's thread; dropped once the mailbox is closed, and
    // by Qt when the target is deleted before the call runs.
    template <typename Deliver> bool post(Deliver deliver)
    {
        const std::lock_guard lock(m_mutex);
        if (!m_target)
            return false;
        Target* target = m_target;
        QMetaObject::invokeMethod(
            target, [target, deliver = std::move(deliver)]() mutable { deliver(target); },
            Qt::QueuedConnection);
        return true;
    }

    // Called by the target's destructor first: a post in progress completes before it returns.
    void close()
    {
        const std::lock_guard lock(m_mutex);
        m_target = nullptr;
    }

private:
    std::mutex m_mutex;
    Target* m_target;
};

// Deletes the pool at once when it is idle; otherwise drops its queued tasks and leaves the
// running ones to finish on a detached thread that deletes the pool afterwards.
void retireThreadPool(QThreadPool* pool);

} // namespace launchdeck
