// A blocking client of Alertmanager's API v2: the alerts it holds and the silences, created and
// expired. Failures name the server and the endpoint; answers that are not Alertmanager's JSON
// or are over the size limit are refused.
#pragma once

#include "core/result.h"
#include "prometheus/prometheustypes.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QStringView>

class QJsonDocument;

namespace launchdeck::alerts {

using prometheus::Labels;
using prometheus::ServerEndpoint;

struct Alert
{
    QString fingerprint;
    Labels labels; // alertname, and whatever the rule set (application, environment, …)
    Labels annotations;
    QString state; // "active", "suppressed", "unprocessed"
    QStringList silencedBy;
    QDateTime startsAt;
    QDateTime endsAt;
    QString generatorUrl;
    QString name() const { return labels.value(QStringLiteral("alertname")); }
};

struct SilenceMatcher
{
    QString name;
    QString value;
    bool isRegex = false;
    bool isEqual = true;
};

struct Silence
{
    QString id;
    QList<SilenceMatcher> matchers;
    QDateTime startsAt;
    QDateTime endsAt;
    QString createdBy;
    QString comment;
    QString state; // "active", "pending", "expired"
};

// RFC 3339 as Alertmanager and Prometheus write it: any fraction of a second (milliseconds are
// kept), "Z" or an offset. Invalid for anything else; the result is in UTC.
QDateTime parseRfc3339(QStringView text);
QString toRfc3339(const QDateTime& time); // UTC, with milliseconds

// Each call is one blocking request: run it on a worker thread, never on the GUI thread.
class AlertmanagerClient final
{
public:
    explicit AlertmanagerClient(ServerEndpoint endpoint);
    const ServerEndpoint& endpoint() const { return m_endpoint; }

    // GET /-/ready: true when ready, false while it still starts (503).
    Result<bool> ready() const;
    Result<QList<Alert>> alerts(bool active = true, bool silenced = true,
                                bool inhibited = true) const; // GET /api/v2/alerts
    Result<QList<Silence>> silences() const;                  // GET /api/v2/silences
    // POST; returns its id. A silence without startsAt starts now; one with an id replaces that
    // silence. Refused before it is sent without a matcher or when it does not end after it
    // starts.
    Result<QString> createSilence(const Silence& silence) const;
    Result<bool> expireSilence(const QString& id) const; // DELETE /api/v2/silence/{id}

private:
    QString where(const QString& path) const;
    Result<QJsonDocument> call(const QByteArray& method, const QString& path, const QString& query,
                               const QByteArray& body) const;

    ServerEndpoint m_endpoint;
};

} // namespace launchdeck::alerts

Q_DECLARE_METATYPE(launchdeck::alerts::Alert)
Q_DECLARE_METATYPE(launchdeck::alerts::Silence)
