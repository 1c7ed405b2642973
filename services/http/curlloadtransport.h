// The load test on libcurl: one multi handle driven by epoll, one reused easy handle per user.
// It serves every URL libcurl does (HTTPS, proxies, HTTP/2).
#pragma once

#include "http/curlsupport.h"
#include "http/loadtransport.h"
#include "http/multisocketdriver.h"

#include <memory>
#include <vector>

namespace launchdeck::http::detail {

class CurlLoadTransport final : public LoadTransport
{
public:
    // `options.body` must outlive the transport.
    explicit CurlLoadTransport(const RequestOptions& options);
    ~CurlLoadTransport() override;
    CurlLoadTransport(const CurlLoadTransport&) = delete;
    CurlLoadTransport& operator=(const CurlLoadTransport&) = delete;

    bool isValid() const override { return m_driver.isValid(); }
    bool start(int user) override;
    void poll(std::chrono::milliseconds maxWait, std::vector<RequestOutcome>& finished) override;

private:
    struct User
    {
        EasyHandle handle;
        char errorBuffer[CURL_ERROR_SIZE];
        int number = 0;
        bool inFlight = false;
    };

    RequestOptions m_options;
    UrlHandle m_url;
    ProxyChoice m_proxy; // when m_url is set
    MultiSocketDriver m_driver;
    std::vector<std::unique_ptr<User>> m_users;
};

} // namespace launchdeck::http::detail
