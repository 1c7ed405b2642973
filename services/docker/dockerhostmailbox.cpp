// Letting go of a thread pool whose tasks may be stuck on a daemon that does not answer.
#include "docker/dockerhostmailbox.h"

#include <QThreadPool>

#include <thread>

namespace launchdeck {

void retireThreadPool(QThreadPool* pool)
{
    if (!pool)
        return;
    pool->clear();
    if (pool->activeThreadCount() == 0) {
        delete pool;
        return;
    }
    // A blocked request ends by its own timeout; nobody waits for it but this thread.
    std::thread([pool] {
        pool->waitForDone();
        delete pool;
    }).detach();
}

} // namespace launchdeck
