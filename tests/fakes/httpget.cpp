// One blocking HTTP GET for tests through libcurl.
#include "fakes/httpget.h"

#include <curl/curl.h>

namespace launchdeck::test {

namespace {

size_t collect(char* data, size_t size, size_t count, void* target)
{
    static_cast<QByteArray*>(target)->append(data, qsizetype(size * count));
    return size * count;
}

// curl_easy_init would initialise libcurl itself, but only a single first caller may do that
// safely; load threads make the first call from several threads at once.
void initialiseOnce()
{
    static const CURLcode initialised = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)initialised;
}

} // namespace

HttpAnswer httpGet(const QString& url, std::chrono::milliseconds timeout)
{
    initialiseOnce();
    HttpAnswer answer;
    CURL* curl = curl_easy_init();
    if (!curl) {
        answer.error = QStringLiteral("libcurl could not make a handle");
        return answer;
    }
    const QByteArray address = url.toUtf8();
    char reason[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, address.constData());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, reason);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    const CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
    else
        answer.error = QString::fromUtf8(reason[0] ? reason : curl_easy_strerror(code));
    curl_easy_cleanup(curl);
    return answer;
}

} // namespace launchdeck::test
