// The ledger's rows as column lists, and the audit log replayed into them.
#include "deploy/ledgerrows.h"

#include "deploy/deploymentrecord.h"
#include "deploy/ledgeraudit.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace launchdeck::ledger_audit::detail {

namespace {

QString compact(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QVariant cellValue(const Row& row, QStringView column)
{
    for (const Cell& cell : row) {
        if (cell.column == column)
            return cell.value;
    }
    return {};
}

void set(Row& row, QStringView column, const QVariant& value)
{
    for (Cell& cell : row) {
        if (cell.column == column)
            cell.value = value;
    }
}

QVariant revisionNumber(const QJsonValue& revision)
{
    return revision.isObject()
               ? QVariant(revision.toObject().value(QStringLiteral("revision")).toInteger())
               : QVariant();
}

QString revisionImage(const QJsonValue& revision)
{
    return revision.isObject() ? revision.toObject().value(QStringLiteral("image")).toString()
                               : QStringLiteral("");
}

} // namespace

QString configKey(const QString& application, const QString& environment, qint64 number)
{
    return application + QChar(0x1f) + environment + QChar(0x1f) + QString::number(number);
}

QString sha256(const QByteArray& bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QString canonicalMetrics(const QString& stored)
{
    const QJsonDocument document = QJsonDocument::fromJson(stored.toUtf8());
    return document.isObject() ? compact(document.object()) : stored;
}

bool same(const QVariant& a, const QVariant& b)
{
    if (a.isNull() || b.isNull())
        return a.isNull() == b.isNull();
    return a.toString() == b.toString();
}

bool same(const Row& a, const Row& b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const Cell& x, const Cell& y) { return same(x.value, y.value); });
}

QString shown(const Cell& cell)
{
    if (cell.value.isNull())
        return QStringLiteral("NULL");
    if (cell.kind == Kind::Time) {
        bool number = false;
        const qint64 msecs = cell.value.toLongLong(&number);
        if (number)
            return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC).toString(Qt::ISODateWithMs);
    }
    QString text = cell.value.toString();
    if (cell.kind == Kind::Digest)
        return QStringLiteral("sha256:") + text.left(12);
    constexpr int kLongest = 80;
    if (text.size() > kLongest)
        text = text.left(kLongest) + QStringLiteral("…");
    if (text.isEmpty() || text.contains(u' '))
        return u'"' + text + u'"';
    return text;
}

Row deploymentRow(const QList<QVariant>& values)
{
    static const QList<std::pair<QString, Kind>> columns{
        {QStringLiteral("application"), Kind::Text},
        {QStringLiteral("environment"), Kind::Text},
        {QStringLiteral("kind"), Kind::Text},
        {QStringLiteral("from_revision"), Kind::Integer},
        {QStringLiteral("from_image"), Kind::Text},
        {QStringLiteral("to_revision"), Kind::Integer},
        {QStringLiteral("to_image"), Kind::Text},
        {QStringLiteral("strategy"), Kind::Text},
        {QStringLiteral("reason"), Kind::Text},
        {QStringLiteral("actor"), Kind::Text},
        {QStringLiteral("stage"), Kind::Text},
        {QStringLiteral("status"), Kind::Text},
        {QStringLiteral("started_at"), Kind::Time},
        {QStringLiteral("finished_at"), Kind::Time},
        {QStringLiteral("duration_ms"), Kind::Integer},
        {QStringLiteral("message"), Kind::Text}};
    Row row;
    for (qsizetype i = 0; i < columns.size(); ++i)
        row.append({columns[i].first, values.value(i), columns[i].second});
    return row;
}

Row transitionRow(const QVariant& stage, const QVariant& at, const QVariant& detail)
{
    return {{QStringLiteral("status"), stage, Kind::Text},
            {QStringLiteral("detail"), detail, Kind::Text},
            {QStringLiteral("at"), at, Kind::Time}};
}

Row validationRow(const QVariant& severity, const QVariant& rule, const QVariant& message,
                  const QVariant& at)
{
    return {{QStringLiteral("rule"), rule, Kind::Text},
            {QStringLiteral("severity"), severity, Kind::Text},
            {QStringLiteral("message"), message, Kind::Text},
            {QStringLiteral("at"), at, Kind::Time}};
}

Row testRow(const QVariant& name, const QVariant& passed, const QVariant& metrics,
            const QVariant& at)
{
    return {{QStringLiteral("name"), name, Kind::Text},
            {QStringLiteral("passed"), passed, Kind::Integer},
            {QStringLiteral("metrics"), metrics, Kind::Text},
            {QStringLiteral("at"), at, Kind::Time}};
}

Row configRow(const QVariant& image, const QVariant& digest, const QVariant& recordedAt)
{
    return {{QStringLiteral("image"), image, Kind::Text},
            {QStringLiteral("config"), digest, Kind::Digest},
            {QStringLiteral("recorded_at"), recordedAt, Kind::Time}};
}

Recorded replayAuditLog(QSqlDatabase& db, QString* error)
{
    Recorded recorded;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT sequence, at, actor, action, subject, details"
                                   " FROM audit_log ORDER BY sequence"))) {
        *error = query.lastError().text();
        return recorded;
    }
    while (query.next()) {
        const qint64 sequence = query.value(0).toLongLong();
        const QVariant at = query.value(1).toLongLong();
        const QString action = query.value(3).toString();
        const QString subject = query.value(4).toString();
        const QJsonObject d = QJsonDocument::fromJson(query.value(5).toString().toUtf8()).object();
        const auto text = [&d](const QString& key) {
            return QVariant(d.value(key).toString());
        };
        if (action == revisionConfigAction()) {
            ConfigRow config{d.value(QStringLiteral("application")).toString(),
                             d.value(QStringLiteral("environment")).toString(),
                             d.value(QStringLiteral("revision")).toInteger(),
                             configRow(text(QStringLiteral("image")),
                                       text(QStringLiteral("config_sha256")), at)};
            recorded.configs.insert(
                configKey(config.application, config.environment, config.number), config);
            continue;
        }
        const QString prefix = deploymentSubject({});
        if (!subject.startsWith(prefix))
            continue;
        const QString id = subject.mid(prefix.size());
        if (action == startedAction()) {
            const QJsonValue from = d.value(QStringLiteral("from"));
            const QJsonValue to = d.value(QStringLiteral("to"));
            DeploymentRows& rows = recorded.deployments.at(id);
            rows.row = deploymentRow(
                {text(QStringLiteral("application")), text(QStringLiteral("environment")),
                 text(QStringLiteral("kind")), revisionNumber(from), revisionImage(from),
                 revisionNumber(to), revisionImage(to), text(QStringLiteral("strategy")),
                 text(QStringLiteral("reason")), query.value(2).toString(),
                 deploymentStageName(DeploymentStage::Initialized), QVariant(), at, QVariant(),
                 QVariant(), QStringLiteral("")});
            rows.transitions.append(transitionRow(deploymentStageName(DeploymentStage::Initialized),
                                                  at, QStringLiteral("")));
            continue;
        }
        DeploymentRows* rows =
            recorded.deployments.byId.contains(id) ? &recorded.deployments.byId[id] : nullptr;
        if (!rows || !rows->row) {
            recorded.strays.append({id, sequence, action});
            continue;
        }
        if (action == stageAction()) {
            set(*rows->row, u"stage", text(QStringLiteral("stage")));
            rows->transitions.append(
                transitionRow(text(QStringLiteral("stage")), at, text(QStringLiteral("detail"))));
        } else if (action == validationAction()) {
            rows->validations.append(validationRow(text(QStringLiteral("severity")),
                                                   text(QStringLiteral("rule")),
                                                   text(QStringLiteral("message")), at));
        } else if (action == testAction()) {
            rows->tests.append(testRow(text(QStringLiteral("name")),
                                       QVariant(d.value(QStringLiteral("passed")).toBool() ? 1 : 0),
                                       compact(d.value(QStringLiteral("metrics")).toObject()), at));
        } else if (action == finishedAction()) {
            const qint64 startedAt = cellValue(*rows->row, u"started_at").toLongLong();
            set(*rows->row, u"status", text(QStringLiteral("status")));
            set(*rows->row, u"finished_at", at);
            set(*rows->row, u"duration_ms", std::max<qint64>(0, at.toLongLong() - startedAt));
            set(*rows->row, u"message", text(QStringLiteral("message")));
        }
    }
    return recorded;
}

} // namespace launchdeck::ledger_audit::detail
