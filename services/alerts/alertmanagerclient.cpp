// Alertmanager's API v2 over the monitoring servers' shared transport: the JSON it answers checked
// field by field, since a proxy or another server on the port answers with something else.
#include "alerts/alertmanagerclient.h"

#include "prometheus/serverrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

#include <variant>

namespace launchdeck::alerts {

using prometheus::requestServer;
using prometheus::ServerAnswer;

namespace {

constexpr qsizetype kQuotedBodyChars = 300;

QString describe(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("missing");
}

// Reads fields of Alertmanager's JSON and keeps the first one that is not of the shape
// Alertmanager gives it, named by its path ("alerts[2].status.state is a number, not a string");
// what it answers after a failure is a default that nobody uses.
class ShapeReader final
{
public:
    bool failed() const { return !m_failure.isEmpty(); }
    const QString& failure() const { return m_failure; }

    void fail(const QString& path, const QJsonValue& value, const QString& expected)
    {
        if (m_failure.isEmpty())
            m_failure = path + u" is " + describe(value) + u", not " + expected;
    }

    QJsonObject object(const QJsonValue& value, const QString& path)
    {
        if (!value.isObject())
            fail(path, value, QStringLiteral("an object"));
        return value.toObject();
    }

    QString string(const QJsonObject& parent, const QString& key, const QString& path,
                   bool required = true)
    {
        const QJsonValue value = parent.value(key);
        if (!value.isString() && (required || !(value.isUndefined() || value.isNull())))
            fail(path + u'.' + key, value, QStringLiteral("a string"));
        return value.toString();
    }

    bool boolean(const QJsonObject& parent, const QString& key, const QString& path, bool fallback)
    {
        const QJsonValue value = parent.value(key);
        if (value.isUndefined() || value.isNull())
            return fallback;
        if (!value.isBool())
            fail(path + u'.' + key, value, QStringLiteral("a boolean"));
        return value.toBool();
    }

    QDateTime time(const QJsonObject& parent, const QString& key, const QString& path,
                   bool required = true)
    {
        const QString text = string(parent, key, path, required);
        if (text.isEmpty() && !required)
            return {};
        const QDateTime time = parseRfc3339(text);
        if (!time.isValid() && !failed())
            m_failure = path + u'.' + key + u" is not an RFC 3339 time: \"" + text + u'"';
        return time;
    }

    prometheus::Labels labels(const QJsonObject& parent, const QString& key, const QString& path,
                              bool required = true)
    {
        if (!required && !parent.contains(key))
            return {};
        const QJsonObject map = object(parent.value(key), path + u'.' + key);
        prometheus::Labels labels;
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!it.value().isString())
                fail(path + u'.' + key + u'.' + it.key(), it.value(), QStringLiteral("a string"));
            labels.insert(it.key(), it.value().toString());
        }
        return labels;
    }

    QStringList strings(const QJsonObject& parent, const QString& key, const QString& path)
    {
        const QJsonValue value = parent.value(key);
        if (value.isUndefined() || value.isNull())
            return {};
        if (!value.isArray())
            fail(path + u'.' + key, value, QStringLiteral("an array"));
        QStringList strings;
        for (const QJsonValue& item : value.toArray()) {
            if (!item.isString())
                fail(path + u'.' + key + u"[]", item, QStringLiteral("a string"));
            strings.append(item.toString());
        }
        return strings;
    }

private:
    QString m_failure;
};

Alert alertFromJson(ShapeReader& read, const QJsonValue& value, const QString& path)
{
    const QJsonObject object = read.object(value, path);
    Alert alert;
    alert.fingerprint = read.string(object, QStringLiteral("fingerprint"), path, false);
    alert.labels = read.labels(object, QStringLiteral("labels"), path);
    alert.annotations = read.labels(object, QStringLiteral("annotations"), path, false);
    const QString statusPath = path + u".status";
    const QJsonObject status = read.object(object.value(u"status"), statusPath);
    alert.state = read.string(status, QStringLiteral("state"), statusPath);
    alert.silencedBy = read.strings(status, QStringLiteral("silencedBy"), statusPath);
    alert.startsAt = read.time(object, QStringLiteral("startsAt"), path);
    alert.endsAt = read.time(object, QStringLiteral("endsAt"), path, false);
    alert.generatorUrl = read.string(object, QStringLiteral("generatorURL"), path, false);
    return alert;
}

Silence silenceFromJson(ShapeReader& read, const QJsonValue& value, const QString& path)
{
    const QJsonObject object = read.object(value, path);
    Silence silence;
    silence.id = read.string(object, QStringLiteral("id"), path);
    const QJsonValue matchers = object.value(u"matchers");
    if (!matchers.isArray())
        read.fail(path + u".matchers", matchers, QStringLiteral("an array"));
    qsizetype index = 0;
    for (const QJsonValue& item : matchers.toArray()) {
        const QString matcherPath = path + u".matchers[" + QString::number(index++) + u']';
        const QJsonObject matcher = read.object(item, matcherPath);
        silence.matchers.append(
            {read.string(matcher, QStringLiteral("name"), matcherPath),
             read.string(matcher, QStringLiteral("value"), matcherPath),
             read.boolean(matcher, QStringLiteral("isRegex"), matcherPath, false),
             read.boolean(matcher, QStringLiteral("isEqual"), matcherPath, true)});
    }
    silence.startsAt = read.time(object, QStringLiteral("startsAt"), path);
    silence.endsAt = read.time(object, QStringLiteral("endsAt"), path);
    silence.createdBy = read.string(object, QStringLiteral("createdBy"), path, false);
    silence.comment = read.string(object, QStringLiteral("comment"), path, false);
    const QString statusPath = path + u".status";
    silence.state = read.string(read.object(object.value(u"status"), statusPath),
                                QStringLiteral("state"), statusPath);
    return silence;
}

// Decodes a JSON array of `itemName`s (alerts, silences) with `decode` for each.
template <typename T, typename Decode>
std::variant<QList<T>, QString> listOf(const QJsonDocument& document, const QString& itemName,
                                       Decode decode)
{
    if (!document.isArray())
        return u"the answer is " +
               (document.isObject() ? QStringLiteral("an object") : describe(QJsonValue())) +
               u", not an array of " + itemName;
    const QJsonArray array = document.array();
    ShapeReader read;
    QList<T> items;
    for (qsizetype i = 0; i < array.size() && !read.failed(); ++i)
        items.append(decode(read, array.at(i), itemName + u'[' + QString::number(i) + u']'));
    if (read.failed())
        return read.failure();
    return items;
}

QJsonObject silenceToJson(const Silence& silence)
{
    QJsonArray matchers;
    for (const SilenceMatcher& matcher : silence.matchers)
        matchers.append(QJsonObject{{QStringLiteral("name"), matcher.name},
                                    {QStringLiteral("value"), matcher.value},
                                    {QStringLiteral("isRegex"), matcher.isRegex},
                                    {QStringLiteral("isEqual"), matcher.isEqual}});
    QJsonObject body{{QStringLiteral("matchers"), matchers},
                     {QStringLiteral("startsAt"), toRfc3339(silence.startsAt)},
                     {QStringLiteral("endsAt"), toRfc3339(silence.endsAt)},
                     {QStringLiteral("createdBy"), silence.createdBy},
                     {QStringLiteral("comment"), silence.comment}};
    if (!silence.id.isEmpty())
        body.insert(QStringLiteral("id"), silence.id); // replaces that silence
    return body;
}

// Alertmanager's error bodies are a JSON string ("silence not found"), an object with "message"
// (the API's validation errors) or plain text from whatever answered.
QString errorMessageOf(const ServerAnswer& answer)
{
    const QByteArray body = answer.body.trimmed();
    QJsonParseError parseError;
    const QJsonDocument document =
        QJsonDocument::fromJson("[" + body + "]", &parseError); // accepts a bare string too
    QString message;
    if (parseError.error == QJsonParseError::NoError && document.array().size() == 1) {
        const QJsonValue value = document.array().first();
        if (value.isString())
            message = value.toString();
        else if (value.isObject() && value.toObject().value(u"message").isString())
            message = value.toObject().value(u"message").toString();
    }
    if (message.isEmpty())
        message = QString::fromUtf8(body);
    message = message.simplified();
    if (message.size() > kQuotedBodyChars)
        message = message.left(kQuotedBodyChars) + u'…';
    const QString status = u"HTTP " + QString::number(answer.status);
    return message.isEmpty() ? status : status + u": " + message;
}

} // namespace

QDateTime parseRfc3339(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral(
        R"(^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|([+-])(\d{2}):(\d{2}))$)"));
    const QRegularExpressionMatch match = pattern.match(text.toString());
    if (!match.hasMatch())
        return {};
    const auto number = [&match](int group) {
        return match.capturedView(group).toInt();
    };
    const QDate date(number(1), number(2), number(3));
    // Alertmanager writes milliseconds, Prometheus nanoseconds: keep what QDateTime holds.
    const QString fraction = QString(match.captured(7) + u"000").left(3);
    const QTime time(number(4), number(5), number(6), fraction.toInt());
    if (!date.isValid() || !time.isValid())
        return {};
    int offsetSeconds = 0;
    if (!match.capturedView(9).isEmpty()) {
        offsetSeconds = (number(10) * 60 + number(11)) * 60;
        if (match.capturedView(9) == u"-")
            offsetSeconds = -offsetSeconds;
    }
    // The time as written is `offsetSeconds` ahead of UTC.
    return QDateTime(date, time, Qt::UTC).addSecs(-offsetSeconds);
}

QString toRfc3339(const QDateTime& time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

AlertmanagerClient::AlertmanagerClient(ServerEndpoint endpoint)
    : m_endpoint(std::move(endpoint))
{}

QString AlertmanagerClient::where(const QString& path) const
{
    // The endpoint's URL as the transport names it: without credentials or query.
    return QUrl(m_endpoint.url)
               .adjusted(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash)
               .toString() +
           path;
}

Result<QJsonDocument> AlertmanagerClient::call(const QByteArray& method, const QString& path,
                                               const QString& query, const QByteArray& body) const
{
    const Result<ServerAnswer> answer =
        requestServer(m_endpoint, method, query.isEmpty() ? path : path + u'?' + query, body,
                      body.isEmpty() ? QByteArray() : QByteArrayLiteral("application/json"));
    if (!answer)
        return answer.error();
    if (answer->status < 200 || answer->status > 299)
        return Error{u"Alertmanager refused the request: " + errorMessageOf(*answer), where(path)};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(answer->body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error{u"not an Alertmanager answer: invalid JSON at byte " +
                         QString::number(parseError.offset) + u" (" + parseError.errorString() +
                         u')',
                     where(path)};
    return document;
}

Result<bool> AlertmanagerClient::ready() const
{
    const QString path = QStringLiteral("/-/ready");
    const Result<ServerAnswer> answer = requestServer(m_endpoint, "GET", path);
    if (!answer)
        return answer.error();
    if (answer->status == 200)
        return true;
    if (answer->status == 503)
        return false; // up, still loading its state
    return Error{u"Alertmanager answered " + errorMessageOf(*answer), where(path)};
}

Result<QList<Alert>> AlertmanagerClient::alerts(bool active, bool silenced, bool inhibited) const
{
    const QString path = QStringLiteral("/api/v2/alerts");
    const auto flag = [](bool on) {
        return on ? QStringLiteral("true") : QStringLiteral("false");
    };
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("active"), flag(active));
    query.addQueryItem(QStringLiteral("silenced"), flag(silenced));
    query.addQueryItem(QStringLiteral("inhibited"), flag(inhibited));
    const Result<QJsonDocument> document =
        call("GET", path, query.toString(QUrl::FullyEncoded), {});
    if (!document)
        return document.error();
    auto decoded = listOf<Alert>(*document, QStringLiteral("alerts"), alertFromJson);
    if (auto* failure = std::get_if<QString>(&decoded))
        return Error{u"not an Alertmanager answer: " + *failure, where(path)};
    return std::get<QList<Alert>>(std::move(decoded));
}

Result<QList<Silence>> AlertmanagerClient::silences() const
{
    const QString path = QStringLiteral("/api/v2/silences");
    const Result<QJsonDocument> document = call("GET", path, {}, {});
    if (!document)
        return document.error();
    auto decoded = listOf<Silence>(*document, QStringLiteral("silences"), silenceFromJson);
    if (auto* failure = std::get_if<QString>(&decoded))
        return Error{u"not an Alertmanager answer: " + *failure, where(path)};
    return std::get<QList<Silence>>(std::move(decoded));
}

Result<QString> AlertmanagerClient::createSilence(const Silence& silence) const
{
    const QString path = QStringLiteral("/api/v2/silences");
    // Alertmanager refuses these too, but in its own words and only after the round trip.
    if (silence.matchers.isEmpty())
        return Error{QStringLiteral("a silence needs at least one matcher"), where(path)};
    for (const SilenceMatcher& matcher : silence.matchers) {
        if (matcher.name.isEmpty())
            return Error{QStringLiteral("a silence matcher has no label name"), where(path)};
    }
    Silence posted = silence;
    if (!posted.startsAt.isValid())
        posted.startsAt = QDateTime::currentDateTimeUtc();
    if (!posted.endsAt.isValid() || posted.endsAt <= posted.startsAt)
        return Error{
            u"a silence must end after it starts (starts " + toRfc3339(posted.startsAt) +
                u", ends " +
                (posted.endsAt.isValid() ? toRfc3339(posted.endsAt) : QStringLiteral("never")) +
                u')',
            where(path)};
    const Result<QJsonDocument> document =
        call("POST", path, {}, QJsonDocument(silenceToJson(posted)).toJson(QJsonDocument::Compact));
    if (!document)
        return document.error();
    const QJsonValue id = document->object().value(u"silenceID");
    if (!document->isObject() || !id.isString() || id.toString().isEmpty())
        return Error{u"not an Alertmanager answer: silenceID is " + describe(id) +
                         u", not a string",
                     where(path)};
    return id.toString();
}

Result<bool> AlertmanagerClient::expireSilence(const QString& id) const
{
    const QString path = u"/api/v2/silence/" + QString::fromLatin1(QUrl::toPercentEncoding(id));
    if (id.isEmpty())
        return Error{QStringLiteral("no silence id given"), where(path)};
    const Result<ServerAnswer> answer = requestServer(m_endpoint, "DELETE", path);
    if (!answer)
        return answer.error();
    if (answer->status < 200 || answer->status > 299)
        return Error{u"Alertmanager did not expire silence " + id + u": " + errorMessageOf(*answer),
                     where(path)};
    return true;
}

} // namespace launchdeck::alerts
