// The JSON reading under the query answer decoder: a cursor over the whole body that checks
// what it reads as strictly as a JSON parser (truncation, stray bytes, control characters in
// strings, nesting), remembers the first failure with its byte offset, and reads Prometheus's
// numbers and sample values quickly. Internal to the Prometheus client.
#pragma once

#include "prometheus/prometheustypes.h"

#include <QString>

#include <string>
#include <vector>

namespace launchdeck::prometheus::detail {

// Plain decimals ("1700000000.123", "-0.25", "42"), which is most of what Prometheus writes,
// without from_chars and to the very same double; false for anything else (exponents, more than
// 19 digits), left to from_chars.
bool fastDecimal(const char* p, const char* end, double* value, const char** stop);
// A sample value as Prometheus writes it in a string: a number, "NaN", "+Inf" or "-Inf".
bool parseSampleValue(const char* text, size_t length, double* value);

class AnswerScanner
{
public:
    AnswerScanner(const char* begin, const char* end)
        : m_begin(begin)
        , m_p(begin)
        , m_end(end)
    {}

    const QString& failure() const { return m_failure; }
    bool failed() const { return !m_failure.isEmpty(); }
    // Records `what` at the current byte (or "ends early" past the end); always false.
    bool fail(const QString& what);
    void setFailure(const QString& what) { m_failure = what; }

    void space()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }
    bool atEnd()
    {
        space();
        return m_p >= m_end;
    }
    bool peek(char c)
    {
        space();
        return m_p < m_end && *m_p == c;
    }
    // peek(c) and step over it.
    bool take(char c)
    {
        if (!peek(c))
            return false;
        ++m_p;
        return true;
    }
    bool expect(char c) { return take(c) || fail(u"expected '" + QChar::fromLatin1(c) + u'\''); }
    // After a member or an element: true at ',' (another follows); false at `close` (the end of
    // the object or array) or on a failure, which failed() then tells.
    bool next(char close)
    {
        if (take(','))
            return true;
        if (!take(close))
            fail(u"expected ',' or '" + QChar::fromLatin1(close) + u'\'');
        return false;
    }

    // A string's bytes: straight from the body when it has no escapes, else unescaped (UTF-8)
    // into `unescaped`, which then holds them.
    bool rawString(const char** text, size_t* length, std::string* unescaped)
    {
        if (!expect('"'))
            return false;
        const char* start = m_p;
        while (m_p < m_end && *m_p != '"' && *m_p != '\\' &&
               static_cast<unsigned char>(*m_p) >= 0x20)
            ++m_p;
        if (m_p < m_end && *m_p == '"') {
            *text = start;
            *length = size_t(m_p - start);
            ++m_p;
            return true;
        }
        return escapedString(start, text, length, unescaped);
    }
    bool string(QString* out);
    // The common case of samples, read in one go and without bounds checks while far from the
    // end: [time,"value"], exactly so, without spaces or escapes, with a time fastDecimal reads,
    // each followed by ','. Stops at the first sample that is not so, with the cursor at its
    // '[' (false), or after a sample not followed by ',' (true, cursor after its ']'); what
    // follows is the checked reading's.
    bool plainPairs(std::vector<Sample>* out);
    const char* begin() const { return m_begin; }
    const char* position() const { return m_p; }
    const char* end() const { return m_end; }
    // Moves the cursor to a place another scanner of the same body has reached.
    void seek(const char* at) { m_p = at; }
    // A member's name and the ':' after it.
    bool key(std::string* name);
    bool number(double* out);
    bool skipValue(int depth);

private:
    bool escapedString(const char* start, const char** text, size_t* length,
                       std::string* unescaped);

    const char* m_begin;
    const char* m_p;
    const char* m_end;
    QString m_failure;
};

} // namespace launchdeck::prometheus::detail
