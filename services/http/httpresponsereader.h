// Reads HTTP/1.1 answers off a keep-alive connection with libhttp-parser, counting the body
// rather than keeping it: Content-Length, chunked and read-until-close bodies alike.
#pragma once

#include <QtGlobal>

#include <http_parser.h>

#include <cstddef>

namespace launchdeck::http::detail {

class HttpResponseReader final
{
public:
    enum class State {
        Incomplete, // more bytes wanted
        Complete,   // one whole answer read (interim 1xx answers are skipped)
        Failed,     // the bytes are not a valid HTTP/1.x answer
    };

    HttpResponseReader() { reset(false); }
    HttpResponseReader(const HttpResponseReader&) = delete;
    HttpResponseReader& operator=(const HttpResponseReader&) = delete;

    // Ready for the answer to the next request; a HEAD request's answer has no body.
    void reset(bool headRequest);

    // Reads up to `size` bytes; on Complete, `*consumed` says how many belonged to the answer.
    State feed(const char* data, std::size_t size, std::size_t* consumed);
    // The server closed the connection: completes an answer whose body runs until the close.
    State finishAtClose();

    int status() const { return m_status; }
    qint64 bodyBytes() const { return m_bodyBytes; }
    // Whether the connection may carry the next request (HTTP/1.1 without "Connection: close").
    bool keepAlive() const { return m_keepAlive; }
    // A failure before the status line was read: whatever answered does not speak HTTP.
    bool sawStatusLine() const { return m_sawStatusLine; }
    const char* errorDescription() const;

private:
    static const http_parser_settings& callbacks();
    static int onStatus(http_parser* parser, const char* at, std::size_t length);
    static int onHeadersComplete(http_parser* parser);
    static int onBody(http_parser* parser, const char* at, std::size_t length);
    static int onMessageComplete(http_parser* parser);

    http_parser m_parser{};
    bool m_headRequest = false;
    bool m_sawStatusLine = false;
    bool m_complete = false;
    bool m_keepAlive = false;
    int m_status = 0;
    qint64 m_bodyBytes = 0;
};

} // namespace launchdeck::http::detail
