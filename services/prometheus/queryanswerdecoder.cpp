// decodeQueryAnswer: a decoder written for the one shape Prometheus answers queries with
// (data.resultType, data.result[].metric, .values[[t,"v"],…] or .value[t,"v"]), so that a range
// query of half a million points decodes in a fraction of the time it takes to arrive. It skips
// members it does not know and names the byte where an answer went wrong. A large result's
// later series are decoded on a second thread meanwhile.
#include "prometheus/answerscanner.h"
#include "prometheus/prometheusclient.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

namespace launchdeck::prometheus {

namespace {

using detail::AnswerScanner;

// Below this many bytes of series a second thread costs more than it saves.
constexpr std::ptrdiff_t kSplitBytes = 1 << 20;

struct SeriesTail;

// [time, "value"], the value's text kept until the result type says what it is. Outside the
// decoder: clang 14 does not see a nested struct with member initialisers as constructible
// inside its enclosing class, which std::optional::emplace() needs.
struct Pair
{
    double time = 0;
    const char* text = nullptr;
    size_t length = 0;
    std::string unescaped;
};

class AnswerDecoder final
{
public:
    AnswerDecoder(const char* begin, const char* end)
        : m_in(begin, end)
    {}
    ~AnswerDecoder();
    Q_DISABLE_COPY_MOVE(AnswerDecoder)

    // False with failure() for an answer that is not Prometheus's; true for a success (in
    // `out`) and for an error envelope (status, errorType, error).
    bool decode(QueryResult* out);
    const QString& failure() const { return m_in.failure(); }

    // What a series of the result carried.
    enum Kind : char { Neither, Value, Values, Both };
    // The series from the cursor to the end of the result array, as the tail thread reads them.
    bool seriesList(QList<Series>* out, std::vector<Kind>* kinds, const std::atomic_bool& cancel);
    void seek(const char* at) { m_in.seek(at); }
    const char* position() const { return m_in.position(); }

    QString status;
    QString errorType;
    QString error;

private:
    void startTail();
    bool adoptTail(QueryResult* out);

    bool pair(Pair* out);
    bool sample(Sample* out, Pair* scratch);
    bool notANumber(const char* text, size_t length);
    bool labels(Labels* out);
    bool samples(std::vector<Sample>* out);
    bool series(Series* out, Kind* kind);
    bool result(QueryResult* out);
    bool data(QueryResult* out);
    bool warnings(QStringList* out);
    bool typed(QueryResult* out);

    AnswerScanner m_in;
    QString m_resultType;
    bool m_hasData = false;
    bool m_hasResult = false;
    std::optional<Pair> m_pair; // a scalar or string result
    std::vector<Kind> m_kinds;
    size_t m_lengthHint = 0; // the previous series' length: neighbours are alike
    std::unique_ptr<SeriesTail> m_tail;
};

// The later series of a large result, decoded on a second thread from a place in the middle
// that looks like a series' start. The decoder adopts them when its own reading arrives at
// exactly that place, and decodes on by itself otherwise (the place was inside a member it
// skips, or the tail met something it refuses): what is accepted, and every message, stay the
// sequential decoding's.
struct SeriesTail
{
    const char* start = nullptr;
    const char* end = nullptr; // after the result array's ']'
    QList<Series> series;
    std::vector<AnswerDecoder::Kind> kinds;
    bool decoded = false;
    std::atomic_bool cancel{false};
    std::thread thread;

    ~SeriesTail()
    {
        cancel = true;
        if (thread.joinable())
            thread.join();
    }
};

AnswerDecoder::~AnswerDecoder() = default;

void AnswerDecoder::startTail()
{
    const char* from = m_in.position();
    const char* end = m_in.end();
    if (end - from < kSplitBytes || std::thread::hardware_concurrency() < 2)
        return;
    // Prometheus writes each series as {"metric":…: the first after the middle is the place.
    constexpr std::string_view kSeriesStart = ",{\"metric\":";
    const std::string_view rest(from + (end - from) / 2, size_t(end - from - (end - from) / 2));
    const size_t at = rest.find(kSeriesStart);
    if (at == std::string_view::npos)
        return;
    auto tail = std::make_unique<SeriesTail>();
    tail->start = rest.data() + at + 1;
    SeriesTail* shared = tail.get();
    const char* begin = m_in.begin();
    try {
        tail->thread = std::thread([shared, begin, end] {
            AnswerDecoder decoder(begin, end);
            decoder.seek(shared->start);
            shared->decoded = decoder.seriesList(&shared->series, &shared->kinds, shared->cancel);
            shared->end = decoder.position();
        });
    } catch (const std::system_error&) {
        return; // no thread to be had: decoded on this one
    }
    m_tail = std::move(tail);
}

bool AnswerDecoder::adoptTail(QueryResult* out)
{
    const std::unique_ptr<SeriesTail> tail = std::move(m_tail);
    tail->thread.join();
    if (!tail->decoded)
        return false;
    m_kinds.insert(m_kinds.end(), tail->kinds.begin(), tail->kinds.end());
    out->series.append(std::move(tail->series));
    m_in.seek(tail->end);
    return true;
}

bool AnswerDecoder::seriesList(QList<Series>* out, std::vector<Kind>* kinds,
                               const std::atomic_bool& cancel)
{
    do {
        if (cancel.load(std::memory_order_relaxed))
            return false;
        Series one;
        Kind kind = Neither;
        if (!series(&one, &kind))
            return false;
        kinds->push_back(kind);
        out->append(std::move(one));
    } while (m_in.next(']'));
    return !m_in.failed();
}

bool AnswerDecoder::pair(Pair* out)
{
    return m_in.expect('[') && m_in.number(&out->time) && m_in.expect(',') &&
           (m_in.peek('"') || m_in.fail(QStringLiteral("a sample value that is not a string"))) &&
           m_in.rawString(&out->text, &out->length, &out->unescaped) && m_in.expect(']');
}

bool AnswerDecoder::sample(Sample* out, Pair* scratch)
{
    if (!pair(scratch))
        return false;
    out->time = scratch->time;
    if (detail::parseSampleValue(scratch->text, scratch->length, &out->value))
        return true;
    return notANumber(scratch->text, scratch->length);
}

bool AnswerDecoder::notANumber(const char* text, size_t length)
{
    return m_in.fail(u"a sample value that is not a number (\"" +
                     QString::fromUtf8(text, qsizetype(qMin<size_t>(length, 40))) + u"\") before");
}

bool AnswerDecoder::labels(Labels* out)
{
    if (!m_in.expect('{'))
        return false;
    if (m_in.take('}'))
        return true;
    do {
        QString name;
        QString value;
        if (!m_in.string(&name) || !m_in.expect(':'))
            return false;
        if (!m_in.peek('"'))
            return m_in.fail(QStringLiteral("a label value that is not a string"));
        if (!m_in.string(&value))
            return false;
        out->insert(name, value);
    } while (m_in.next('}'));
    return !m_in.failed();
}

bool AnswerDecoder::samples(std::vector<Sample>* out)
{
    if (!m_in.expect('['))
        return false;
    if (m_in.take(']'))
        return true;
    out->reserve(m_lengthHint);
    Pair scratch;
    do {
        if (!m_in.plainPairs(out)) {
            Sample one;
            if (!sample(&one, &scratch))
                return false;
            out->push_back(one);
        }
    } while (m_in.next(']'));
    m_lengthHint = out->size();
    return !m_in.failed();
}

bool AnswerDecoder::series(Series* out, Kind* kind)
{
    if (!m_in.expect('{'))
        return false;
    if (m_in.take('}'))
        return true;
    bool hasValue = false;
    bool hasValues = false;
    std::string name;
    do {
        if (!m_in.key(&name))
            return false;
        if (name == "metric") {
            if (!m_in.peek('{'))
                return m_in.fail(QStringLiteral("\"metric\" that is not an object"));
            if (!labels(&out->labels))
                return false;
        } else if (name == "values") {
            if (!m_in.peek('['))
                return m_in.fail(QStringLiteral("\"values\" that is not an array"));
            hasValues = true;
            if (!samples(&out->samples))
                return false;
        } else if (name == "value") {
            Sample one;
            Pair scratch;
            if (!sample(&one, &scratch))
                return false;
            hasValue = true;
            out->samples.push_back(one);
        } else if (!m_in.skipValue(3)) { // native histograms, and what later versions add
            return false;
        }
    } while (m_in.next('}'));
    *kind = hasValue && hasValues ? Both : hasValue ? Value : hasValues ? Values : Neither;
    return !m_in.failed();
}

bool AnswerDecoder::result(QueryResult* out)
{
    m_hasResult = true;
    if (!m_in.peek('['))
        return m_in.fail(QStringLiteral("\"result\" that is not an array"));
    m_in.take('[');
    if (m_in.take(']'))
        return true;
    if (!m_in.peek('{')) {
        // A scalar or a string: the array is the pair [time, "text"] itself.
        m_pair.emplace();
        return m_in.number(&m_pair->time) && m_in.expect(',') &&
               (m_in.peek('"') || m_in.fail(QStringLiteral("a value that is not a string"))) &&
               m_in.rawString(&m_pair->text, &m_pair->length, &m_pair->unescaped) &&
               m_in.expect(']');
    }
    startTail();
    do {
        if (m_tail) {
            m_in.space();
            if (m_in.position() == m_tail->start && adoptTail(out))
                return true;
        }
        Series one;
        Kind kind = Neither;
        if (!series(&one, &kind))
            return false;
        m_kinds.push_back(kind);
        out->series.append(std::move(one));
    } while (m_in.next(']'));
    m_tail.reset(); // the place was no series' start
    return !m_in.failed();
}

bool AnswerDecoder::data(QueryResult* out)
{
    m_hasData = true;
    if (!m_in.peek('{'))
        return m_in.fail(QStringLiteral("\"data\" that is not an object"));
    m_in.take('{');
    if (m_in.take('}'))
        return true;
    std::string name;
    do {
        if (!m_in.key(&name))
            return false;
        bool ok = true;
        if (name == "resultType")
            ok = m_in.peek('"') ? m_in.string(&m_resultType)
                                : m_in.fail(QStringLiteral("\"resultType\" that is not a string"));
        else if (name == "result")
            ok = result(out);
        else
            ok = m_in.skipValue(2);
        if (!ok)
            return false;
    } while (m_in.next('}'));
    return !m_in.failed();
}

bool AnswerDecoder::warnings(QStringList* out)
{
    if (!m_in.peek('['))
        return m_in.fail(QStringLiteral("\"warnings\" that is not an array"));
    m_in.take('[');
    if (m_in.take(']'))
        return true;
    do {
        QString text;
        if (!m_in.peek('"'))
            return m_in.fail(QStringLiteral("a warning that is not a string"));
        if (!m_in.string(&text))
            return false;
        out->append(text);
    } while (m_in.next(']'));
    return !m_in.failed();
}

bool AnswerDecoder::decode(QueryResult* out)
{
    if (m_in.atEnd()) {
        m_in.setFailure(QStringLiteral("the answer is empty"));
        return false;
    }
    if (!m_in.peek('{'))
        return m_in.fail(QStringLiteral("expected a JSON object"));
    m_in.take('{');
    if (!m_in.take('}')) {
        std::string name;
        do {
            if (!m_in.key(&name))
                return false;
            const auto text = [&](QString* into) {
                return m_in.peek('"') ? m_in.string(into)
                                      : m_in.fail(u'"' + QString::fromStdString(name) +
                                                  u"\" that is not a string");
            };
            bool ok = true;
            if (name == "status")
                ok = text(&status);
            else if (name == "errorType")
                ok = text(&errorType);
            else if (name == "error")
                ok = text(&error);
            else if (name == "data")
                ok = data(out);
            else if (name == "warnings")
                ok = warnings(&out->warnings);
            else
                ok = m_in.skipValue(1);
            if (!ok)
                return false;
        } while (m_in.next('}'));
        if (m_in.failed())
            return false;
    }
    if (!m_in.atEnd())
        return m_in.fail(QStringLiteral("bytes after the answer"));
    if (status.isEmpty()) {
        m_in.setFailure(QStringLiteral("no \"status\" in the answer"));
        return false;
    }
    if (status != QLatin1String("success"))
        return true; // an error envelope: the caller reads it
    return typed(out);
}

// Checks the result against its resultType, which may have come before or after it.
bool AnswerDecoder::typed(QueryResult* out)
{
    if (!m_hasData || !m_hasResult || m_resultType.isEmpty()) {
        m_in.setFailure(QStringLiteral("no \"data\" with \"resultType\" and \"result\""));
        return false;
    }
    const auto mismatch = [&](const QString& what) {
        m_in.setFailure(u"a " + m_resultType + u" result " + what);
        return false;
    };
    if (m_resultType == QLatin1String("matrix") || m_resultType == QLatin1String("vector")) {
        if (m_pair)
            return mismatch(QStringLiteral("that is a single [time, value] pair"));
        const bool matrix = m_resultType == QLatin1String("matrix");
        out->type = matrix ? ResultType::Matrix : ResultType::Vector;
        for (size_t i = 0; i < m_kinds.size(); ++i) {
            if (m_kinds[i] == Both || m_kinds[i] == (matrix ? Value : Values))
                return mismatch(
                    u"with a series carrying " +
                    (matrix ? QStringLiteral("\"value\"") : QStringLiteral("\"values\"")) +
                    u" (series " + QString::number(i + 1) + u')');
        }
        return true;
    }
    if (m_resultType == QLatin1String("scalar") || m_resultType == QLatin1String("string")) {
        if (!m_pair)
            return mismatch(QStringLiteral("that is not a [time, value] pair"));
        if (m_resultType == QLatin1String("string")) {
            out->type = ResultType::String;
            out->string = QString::fromUtf8(m_pair->text, qsizetype(m_pair->length));
            return true;
        }
        out->type = ResultType::Scalar;
        Sample value{m_pair->time, 0};
        if (!detail::parseSampleValue(m_pair->text, m_pair->length, &value.value))
            return mismatch(QStringLiteral("whose value is not a number"));
        out->scalar = value;
        return true;
    }
    return mismatch(QStringLiteral("(an unknown resultType)"));
}

} // namespace

Result<QueryResult> decodeQueryAnswer(const QByteArray& body, QueryError* error)
{
    if (error)
        *error = {};
    QueryResult result;
    AnswerDecoder decoder(body.constData(), body.constData() + body.size());
    if (!decoder.decode(&result))
        return Error{decoder.failure(), {}};
    if (decoder.status != QLatin1String("success")) {
        QString type = decoder.errorType;
        if (type.isEmpty())
            type = decoder.status == QLatin1String("error") ? decoder.status
                                                            : u"status " + decoder.status;
        const QueryError reported = parseQueryError(type, decoder.error);
        if (error)
            *error = reported;
        return Error{decoder.error.isEmpty() ? type : type + u": " + decoder.error, {}};
    }
    return result;
}

} // namespace launchdeck::prometheus
