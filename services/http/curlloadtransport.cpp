// libcurl's side of the load test: easy handles go back into the multi handle as soon as their
// transfer ends, and the multi handle's connection cache keeps their connections alive.
#include "http/curlloadtransport.h"

namespace launchdeck::http::detail {

CurlLoadTransport::CurlLoadTransport(const RequestOptions& options)
    : m_options(options)
{
    // Parsed once for all requests, with the flags libcurl uses for CURLOPT_URL. A URL that does
    // not parse is left to each request, which then fails with libcurl's reason.
    m_url.reset(curl_url());
    char* scheme = nullptr;
    if (m_url &&
        curl_url_set(m_url.get(), CURLUPART_URL, m_options.url.constData(),
                     CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(m_url.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK) {
        m_proxy = proxyFromEnvironment(QByteArray(scheme));
    } else {
        m_url.reset();
    }
    curl_free(scheme);
}

CurlLoadTransport::~CurlLoadTransport()
{
    // Handles must leave the multi handle before either is cleaned up.
    for (const auto& user : m_users) {
        if (user->inFlight)
            curl_multi_remove_handle(m_driver.multi(), user->handle.get());
    }
    m_users.clear();
}

bool CurlLoadTransport::start(int number)
{
    if (std::size_t(number) >= m_users.size()) {
        auto fresh = std::make_unique<User>();
        fresh->handle.reset(curl_easy_init());
        if (!fresh->handle)
            return false;
        fresh->number = number;
        configureRequest(fresh->handle.get(), m_options, fresh->errorBuffer);
        m_driver.attach(fresh->handle.get());
        // Spares libcurl parsing the URL and reading the proxy variables for every request.
        if (m_url) {
            curl_easy_setopt(fresh->handle.get(), CURLOPT_CURLU, m_url.get());
            pinProxy(fresh->handle.get(), m_proxy);
        }
        curl_easy_setopt(fresh->handle.get(), CURLOPT_PRIVATE, fresh.get());
        m_users.push_back(std::move(fresh));
    }
    User& user = *m_users[std::size_t(number)];
    if (curl_multi_add_handle(m_driver.multi(), user.handle.get()) != CURLM_OK)
        return false;
    user.inFlight = true;
    return true;
}

void CurlLoadTransport::poll(std::chrono::milliseconds maxWait,
                             std::vector<RequestOutcome>& finished)
{
    m_driver.runOnce(maxWait);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(m_driver.multi(), &queued)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        CURL* easy = message->easy_handle;
        RequestOutcome outcome;
        outcome.code = message->data.result; // the message dies with the removal below
        User* user = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &user);
        curl_multi_remove_handle(m_driver.multi(), easy);
        user->inFlight = false;
        outcome.user = user->number;
        outcome.detail = user->errorBuffer;
        curl_off_t totalMicroseconds = 0;
        curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &totalMicroseconds);
        outcome.latency = std::chrono::microseconds(totalMicroseconds);
        if (outcome.code == CURLE_OK) {
            long status = 0;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
            curl_off_t bytes = 0;
            curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &bytes);
            outcome.status = int(status);
            outcome.bodyBytes = bytes;
        }
        finished.push_back(outcome);
    }
}

} // namespace launchdeck::http::detail
