// What the load test asks of an HTTP engine: start a virtual user's next request, wait for
// answers. Two engines serve it: libcurl's multi interface, and a keep-alive HTTP/1.1 engine of
// its own for plain-HTTP targets, an order of magnitude cheaper per request.
#pragma once

#include <curl/curl.h>

#include <QtGlobal>

#include <chrono>
#include <vector>

namespace launchdeck::http::detail {

struct RequestOutcome
{
    int user = 0;
    CURLcode code = CURLE_OK; // a transport failure, in libcurl's terms whichever engine ran
    const char* detail = "";  // the failure in the engine's words; valid until the next poll
    int status = 0;           // when code is CURLE_OK
    qint64 bodyBytes = 0;     // decoded body bytes, when code is CURLE_OK
    std::chrono::microseconds latency{0};
};

class LoadTransport
{
public:
    virtual ~LoadTransport() = default;

    // Whether the engine could set itself up (epoll, a multi handle).
    virtual bool isValid() const = 0;
    // Starts `user`'s next request; users are numbered from 0 up, each new one the next number.
    // A user has one request at a time. False when the engine cannot start one at all.
    virtual bool start(int user) = 0;
    // Waits at most `maxWait` for progress, then appends the requests that ended to `finished`.
    virtual void poll(std::chrono::milliseconds maxWait, std::vector<RequestOutcome>& finished) = 0;
};

} // namespace launchdeck::http::detail
