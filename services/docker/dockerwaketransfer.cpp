// One libcurl transfer on a multi handle of its own, woken from another thread.
#include "docker/dockerwaketransfer.h"

#include "http/curlsupport.h"

#include <curl/curl.h>

namespace launchdeck::docker::detail {

int WakeableTransfer::perform(void* easyHandle, const std::atomic<bool>& cancelled)
{
    CURL* easy = static_cast<CURL*>(easyHandle);
    http::detail::MultiHandle multi(curl_multi_init());
    if (!multi)
        return CURLE_OUT_OF_MEMORY;
    curl_multi_add_handle(multi.get(), easy);
    {
        const std::lock_guard lock(m_mutex);
        m_multi = multi.get();
    }
    CURLcode result = CURLE_OK;
    int running = 1;
    while (!cancelled && running > 0) {
        if (curl_multi_perform(multi.get(), &running) != CURLM_OK)
            break;
        if (running > 0 && !cancelled)
            curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr);
    }
    int remaining = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &remaining)) {
        if (message->msg == CURLMSG_DONE)
            result = message->data.result;
    }
    {
        const std::lock_guard lock(m_mutex);
        m_multi = nullptr;
    }
    curl_multi_remove_handle(multi.get(), easy);
    return result;
}

void WakeableTransfer::wake()
{
    const std::lock_guard lock(m_mutex);
    if (m_multi)
        curl_multi_wakeup(static_cast<CURLM*>(m_multi));
}

} // namespace launchdeck::docker::detail
