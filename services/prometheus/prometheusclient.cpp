// PrometheusClient: the HTTP API's endpoints, their parameters, and every failure made into one
// message naming the server and the endpoint. Query answers go through the fast decoder; the
// small endpoints (labels, series, metadata, targets) through QJsonDocument.
#include "prometheus/prometheusclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

#include <cmath>

namespace launchdeck::prometheus {

namespace {

// Longer parameters go in a POST form: servers and proxies cap the length of a URL.
constexpr qsizetype kMaxGetParameterBytes = 2048;

class Form final
{
public:
    Form& add(const char* name, const QString& value)
    {
        if (!m_text.isEmpty())
            m_text += '&';
        m_text += name;
        m_text += '=';
        m_text += QUrl::toPercentEncoding(value);
        return *this;
    }
    Form& add(const char* name, const QDateTime& time)
    {
        if (!time.isValid())
            return *this;
        // Seconds with the milliseconds, written exactly.
        const qint64 ms = time.toMSecsSinceEpoch();
        const qint64 seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
        return add(name, QString::number(seconds) + u'.' +
                             QString::number(ms - seconds * 1000).rightJustified(3, u'0'));
    }
    const QByteArray& text() const { return m_text; }

private:
    QByteArray m_text;
};

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
}

QString statusText(const ServerAnswer& answer)
{
    QString text = u"answered HTTP " + QString::number(answer.status);
    // A short plain-text body says what a proxy or a wrong path meant ("404 page not found").
    if (answer.contentType.startsWith("text/plain") && !answer.body.isEmpty() &&
        answer.body.size() <= 200)
        text += u" (" + QString::fromUtf8(answer.body).simplified() + u')';
    return text;
}

QString stepText(double seconds)
{
    if (seconds >= 1 && seconds == std::floor(seconds))
        return QString::number(qint64(seconds)) + u's';
    return QString::number(seconds, 'g', 6) + u's';
}

QString spanText(double seconds)
{
    if (seconds >= 86400 * 2)
        return QString::number(seconds / 86400, 'g', 4) + u" days";
    if (seconds >= 3600 * 2)
        return QString::number(seconds / 3600, 'g', 4) + u" hours";
    return QString::number(seconds, 'g', 6) + u" s";
}

Labels labelsOf(const QJsonObject& object)
{
    Labels labels;
    for (auto it = object.begin(); it != object.end(); ++it)
        labels.insert(it.key(), it.value().toString());
    return labels;
}

Result<QStringList> stringsOf(const QJsonValue& data)
{
    if (!data.isArray())
        return Error{QStringLiteral("\"data\" is not a list of names"), {}};
    QStringList names;
    for (const QJsonValue& name : data.toArray()) {
        if (!name.isString())
            return Error{QStringLiteral("\"data\" holds a name that is not a string"), {}};
        names.append(name.toString());
    }
    return names;
}

} // namespace

QueryError parseQueryError(const QString& errorType, const QString& message)
{
    QueryError error{errorType, message, 0, 0};
    // The API wraps the parser's message ("invalid parameter \"query\": 1:14: parse error: …").
    static const QRegularExpression lineColumn(QStringLiteral("(\\d+):(\\d+): parse error"));
    static const QRegularExpression atChar(QStringLiteral("parse error at char (\\d+)"));
    if (const QRegularExpressionMatch match = lineColumn.match(message); match.hasMatch()) {
        error.line = match.captured(1).toInt();
        error.column = match.captured(2).toInt();
    } else if (const QRegularExpressionMatch old = atChar.match(message); old.hasMatch()) {
        error.line = 1;
        error.column = old.captured(1).toInt();
    }
    return error;
}

PrometheusClient::PrometheusClient(ServerEndpoint endpoint)
    : m_endpoint(std::move(endpoint))
{}

Error PrometheusClient::failure(const QString& path, const QString& message) const
{
    // What a server answers can echo what it was sent (a proxy's error page quoting the
    // request): the credentials are taken out of whatever text came back.
    QString text = message;
    if (m_endpoint.secret.size() >= 3) {
        text.replace(m_endpoint.secret, QStringLiteral("***"));
        if (m_endpoint.auth == ServerEndpoint::Auth::Basic)
            text.replace(QString::fromLatin1(
                             (m_endpoint.username + u':' + m_endpoint.secret).toUtf8().toBase64()),
                         QStringLiteral("***"));
    }
    return Error{text + u" (" + path + u')', u"Prometheus at " + displayUrl(m_endpoint)};
}

Result<ServerAnswer> PrometheusClient::ask(const QString& path, const QByteArray& form,
                                           bool mayPost) const
{
    m_lastQueryError = {};
    RequestControl control;
    control.cancel = m_cancel;
    control.unreachable = &m_lastUnreachable;
    Result<ServerAnswer> answer =
        mayPost && form.size() > kMaxGetParameterBytes
            ? requestServer(m_endpoint, "POST", path, form, "application/x-www-form-urlencoded",
                            control)
            : requestServer(m_endpoint, "GET",
                            form.isEmpty() ? path : path + u'?' + QString::fromLatin1(form), {}, {},
                            control);
    if (!answer)
        return failure(path, answer.error().message);
    return answer;
}

template <typename T, typename Read>
Result<T> PrometheusClient::askJson(const QString& path, const QByteArray& form, Read read) const
{
    const Result<ServerAnswer> answer = ask(path, form, true);
    if (!answer)
        return answer.error();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(answer->body, &parseError);
    const QJsonObject envelope = document.object();
    const QString status = envelope.value(QLatin1String("status")).toString();
    if (status == QLatin1String("error")) {
        m_lastQueryError = parseQueryError(envelope.value(QLatin1String("errorType")).toString(),
                                           envelope.value(QLatin1String("error")).toString());
        return failure(path, m_lastQueryError.errorType + u": " + m_lastQueryError.message);
    }
    if (!isSuccess(answer->status))
        return failure(path, statusText(*answer));
    if (parseError.error != QJsonParseError::NoError)
        return failure(path, u"the answer is not Prometheus's JSON (" + parseError.errorString() +
                                 u" at byte " + QString::number(parseError.offset) + u')');
    if (status != QLatin1String("success"))
        return failure(path, QStringLiteral("the answer is not Prometheus's JSON (no \"status\")"));
    Result<T> value = read(envelope.value(QLatin1String("data")));
    if (!value)
        return failure(path,
                       u"the answer is not Prometheus's JSON (" + value.error().message + u')');
    return value;
}

Result<QueryResult> PrometheusClient::askQuery(const QString& path, const QByteArray& form) const
{
    const Result<ServerAnswer> answer = ask(path, form, true);
    if (!answer)
        return answer.error();
    QueryError reported;
    Result<QueryResult> decoded = decodeQueryAnswer(answer->body, &reported);
    if (!reported.errorType.isEmpty()) {
        m_lastQueryError = reported;
        return failure(path, decoded.error().message);
    }
    if (!isSuccess(answer->status))
        return failure(path, statusText(*answer));
    if (!decoded)
        return failure(path,
                       u"the answer is not Prometheus's JSON (" + decoded.error().message + u')');
    return decoded;
}

Result<bool> PrometheusClient::ready() const
{
    const QString path = QStringLiteral("/-/ready");
    const Result<ServerAnswer> answer = ask(path, {}, false);
    if (!answer)
        return answer.error();
    if (answer->status != 200)
        return failure(path, u"not ready: " + statusText(*answer));
    return true;
}

Result<QueryResult> PrometheusClient::query(const QString& expr, const QDateTime& at) const
{
    return askQuery(QStringLiteral("/api/v1/query"),
                    Form().add("query", expr).add("time", at).text());
}

Result<QueryResult> PrometheusClient::queryRange(const QString& expr, const QDateTime& start,
                                                 const QDateTime& end, double stepSeconds) const
{
    const QString path = QStringLiteral("/api/v1/query_range");
    m_lastQueryError = {};
    m_lastUnreachable = false;
    if (!start.isValid() || !end.isValid() || end < start)
        return failure(path, QStringLiteral("a range query needs a start before its end"));
    if (!std::isfinite(stepSeconds) || stepSeconds <= 0)
        return failure(path, u"a step of " + QString::number(stepSeconds) +
                                 u" s: the step must be a positive number of seconds");
    const double window = double(start.msecsTo(end)) / 1000.0;
    const double points = std::floor(window / stepSeconds + 1e-9) + 1;
    if (points > kMaxPointsPerSeries)
        return failure(path, u"a step of " + stepText(stepSeconds) + u" over " + spanText(window) +
                                 u" gives " + QString::number(points, 'f', 0) +
                                 u" points per series, over Prometheus's limit of " +
                                 QString::number(kMaxPointsPerSeries) +
                                 u"; not asked: choose a coarser step");
    return askQuery(path, Form()
                              .add("query", expr)
                              .add("start", start)
                              .add("end", end)
                              .add("step", QString::number(stepSeconds, 'g', 15))
                              .text());
}

Result<QList<Labels>> PrometheusClient::series(const QStringList& matchers, const QDateTime& start,
                                               const QDateTime& end) const
{
    const QString path = QStringLiteral("/api/v1/series");
    if (matchers.isEmpty()) {
        m_lastQueryError = {};
        m_lastUnreachable = false;
        return failure(path, QStringLiteral("series needs at least one matcher"));
    }
    Form form;
    for (const QString& matcher : matchers)
        form.add("match[]", matcher);
    form.add("start", start).add("end", end);
    return askJson<QList<Labels>>(path, form.text(), [](const QJsonValue& data) {
        if (!data.isArray())
            return Result<QList<Labels>>(Error{QStringLiteral("\"data\" is not a list"), {}});
        QList<Labels> found;
        for (const QJsonValue& one : data.toArray()) {
            if (!one.isObject())
                return Result<QList<Labels>>(
                    Error{QStringLiteral("\"data\" holds a series that is not an object"), {}});
            found.append(labelsOf(one.toObject()));
        }
        return Result<QList<Labels>>(found);
    });
}

Result<QStringList> PrometheusClient::labels() const
{
    return askJson<QStringList>(QStringLiteral("/api/v1/labels"), {}, &stringsOf);
}

Result<QStringList> PrometheusClient::labelValues(const QString& label) const
{
    static const QRegularExpression name(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*$"));
    const QString path = u"/api/v1/label/" + label + u"/values";
    if (!name.match(label).hasMatch()) {
        m_lastQueryError = {};
        m_lastUnreachable = false;
        return failure(QStringLiteral("/api/v1/label/…/values"),
                       u"\"" + label + u"\" is not a label name");
    }
    return askJson<QStringList>(path, {}, &stringsOf);
}

Result<QList<MetricMetadata>> PrometheusClient::metadata(const QString& metric) const
{
    Form form;
    if (!metric.isEmpty())
        form.add("metric", metric);
    return askJson<QList<MetricMetadata>>(
        QStringLiteral("/api/v1/metadata"), form.text(), [](const QJsonValue& data) {
            using Answer = Result<QList<MetricMetadata>>;
            if (!data.isObject())
                return Answer(Error{QStringLiteral("\"data\" is not an object"), {}});
            QList<MetricMetadata> found;
            const QJsonObject metrics = data.toObject();
            for (auto it = metrics.begin(); it != metrics.end(); ++it) {
                // One entry per metric; where targets disagree, the first as the server lists it.
                const QJsonObject first = it.value().toArray().first().toObject();
                if (!it.value().isArray() || first.isEmpty())
                    return Answer(Error{u"no metadata entry for " + it.key(), {}});
                found.append(MetricMetadata{it.key(), first.value(QLatin1String("type")).toString(),
                                            first.value(QLatin1String("help")).toString(),
                                            first.value(QLatin1String("unit")).toString()});
            }
            return Answer(found);
        });
}

Result<QList<TargetHealth>> PrometheusClient::targets() const
{
    return askJson<QList<TargetHealth>>(
        QStringLiteral("/api/v1/targets"), {}, [](const QJsonValue& data) {
            using Answer = Result<QList<TargetHealth>>;
            const QJsonValue active = data.toObject().value(QLatin1String("activeTargets"));
            if (!active.isArray())
                return Answer(Error{QStringLiteral("no \"activeTargets\" list"), {}});
            QList<TargetHealth> found;
            for (const QJsonValue& value : active.toArray()) {
                const QJsonObject target = value.toObject();
                found.append(
                    TargetHealth{target.value(QLatin1String("scrapePool")).toString(),
                                 target.value(QLatin1String("scrapeUrl")).toString(),
                                 target.value(QLatin1String("health")).toString(),
                                 target.value(QLatin1String("lastError")).toString(),
                                 labelsOf(target.value(QLatin1String("labels")).toObject())});
            }
            return Answer(found);
        });
}

} // namespace launchdeck::prometheus
