// libcurl plumbing shared by the HTTP check and the load test: global initialisation, handle
// ownership, request options and the wording of transport errors.
#pragma once

#include <QByteArray>
#include <QString>

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

namespace launchdeck::http::detail {

// curl_global_init is not safe to race with other libcurl calls, so it runs exactly once.
void ensureCurlInitialised();

struct EasyDeleter
{
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct MultiDeleter
{
    void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
struct UrlDeleter
{
    void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct RequestOptions
{
    QByteArray url;
    QByteArray method = QByteArrayLiteral("GET");
    const QByteArray* body = nullptr; // must outlive the handle: libcurl does not copy it
    std::chrono::milliseconds timeout{10000};
    bool followRedirects = false;
};

// Sets everything a plain request needs on a fresh handle; the handle keeps pointers into
// `options.url`, `errorBuffer` and `*options.body`, which must outlive it.
void configureRequest(CURL* handle, const RequestOptions& options, char* errorBuffer);

// The proxy libcurl would take from the environment for `scheme` ("http", "https"), read the
// way libcurl reads it: the no_proxy list, then <scheme>_proxy (never HTTP_PROXY), then
// all_proxy; empty variables count as unset. libcurl reads these variables again for every
// transfer; a handle given the answer as CURLOPT_PROXY and CURLOPT_NOPROXY (empty strings for
// "none") skips that and behaves the same.
struct ProxyChoice
{
    QByteArray proxy;
    QByteArray noProxy;
};
ProxyChoice proxyFromEnvironment(const QByteArray& scheme);
void pinProxy(CURL* handle, const ProxyChoice& choice);

// "connection refused", "timed out after 500 ms", "the answer is not HTTP": one sentence for a
// person, with libcurl's own detail in parentheses when it adds something.
QString describeCurlError(CURLcode code, const char* errorBuffer,
                          std::chrono::milliseconds timeout);
// The same sentence without libcurl's detail, which varies from request to request (elapsed
// milliseconds, byte counts): a stable key for counting errors by kind.
QString curlErrorKind(CURLcode code, const char* errorBuffer, std::chrono::milliseconds timeout);

// Runs one transfer on `easy` through `multi` until it ends, looking at `cancel` (may be null)
// every 50 ms. Returns the transfer's result, or none when it was cancelled first.
std::optional<CURLcode> performCancellable(CURLM* multi, CURL* easy,
                                           const std::atomic_bool* cancel);

} // namespace launchdeck::http::detail
