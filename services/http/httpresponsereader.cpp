// libhttp-parser callbacks for HttpResponseReader: only the status, the body's length and
// whether the connection stays open are kept.
#include "http/httpresponsereader.h"

namespace launchdeck::http::detail {

namespace {

HttpResponseReader* readerOf(http_parser* parser)
{
    return static_cast<HttpResponseReader*>(parser->data);
}

} // namespace

void HttpResponseReader::reset(bool headRequest)
{
    http_parser_init(&m_parser, HTTP_RESPONSE);
    m_parser.data = this;
    m_headRequest = headRequest;
    m_sawStatusLine = false;
    m_complete = false;
    m_keepAlive = false;
    m_status = 0;
    m_bodyBytes = 0;
}

HttpResponseReader::State HttpResponseReader::feed(const char* data, std::size_t size,
                                                   std::size_t* consumed)
{
    *consumed = http_parser_execute(&m_parser, &callbacks(), data, size);
    if (m_complete)
        return State::Complete;
    return HTTP_PARSER_ERRNO(&m_parser) == HPE_OK ? State::Incomplete : State::Failed;
}

HttpResponseReader::State HttpResponseReader::finishAtClose()
{
    if (!m_complete && HTTP_PARSER_ERRNO(&m_parser) == HPE_OK)
        http_parser_execute(&m_parser, &callbacks(), nullptr, 0);
    if (m_complete) {
        m_keepAlive = false;
        return State::Complete;
    }
    return State::Failed;
}

const char* HttpResponseReader::errorDescription() const
{
    return http_errno_description(HTTP_PARSER_ERRNO(&m_parser));
}

int HttpResponseReader::onStatus(http_parser* parser, const char*, std::size_t)
{
    readerOf(parser)->m_sawStatusLine = true;
    return 0;
}

int HttpResponseReader::onHeadersComplete(http_parser* parser)
{
    HttpResponseReader* reader = readerOf(parser);
    reader->m_sawStatusLine = true; // a status line without a reason phrase calls no on_status
    // 1 tells the parser that no body follows, which only the request reveals for HEAD.
    return reader->m_headRequest ? 1 : 0;
}

int HttpResponseReader::onBody(http_parser* parser, const char*, std::size_t length)
{
    readerOf(parser)->m_bodyBytes += qint64(length);
    return 0;
}

int HttpResponseReader::onMessageComplete(http_parser* parser)
{
    HttpResponseReader* reader = readerOf(parser);
    const int status = int(parser->status_code);
    // "100 Continue" and other interim answers precede the real one on the same connection.
    if (status / 100 == 1 && status != 101) {
        reader->m_bodyBytes = 0;
        return 0;
    }
    reader->m_status = status;
    reader->m_keepAlive = http_should_keep_alive(parser) != 0;
    reader->m_complete = true;
    // Bytes after the answer are none of this request's business: the caller sees where it ended.
    http_parser_pause(parser, 1);
    return 0;
}

const http_parser_settings& HttpResponseReader::callbacks()
{
    static const http_parser_settings all = [] {
        http_parser_settings s{};
        s.on_status = &HttpResponseReader::onStatus;
        s.on_headers_complete = &HttpResponseReader::onHeadersComplete;
        s.on_body = &HttpResponseReader::onBody;
        s.on_message_complete = &HttpResponseReader::onMessageComplete;
        return s;
    }();
    return all;
}

} // namespace launchdeck::http::detail
