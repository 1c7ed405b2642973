// The ledger's rows as lists of columns, and the rows the audit log says the tables hold: each
// ledger write's audit row replayed in order. Used by the ledger's verification only.
#pragma once

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace launchdeck::ledger_audit::detail {

enum class Kind { Text, Integer, Time, Digest };

struct Cell
{
    QString column;
    QVariant value; // null for SQL NULL
    Kind kind = Kind::Text;
};
using Row = QList<Cell>;

// One deployment's rows, as the audit log describes them or as the tables hold them.
struct DeploymentRows
{
    std::optional<Row> row;
    QList<Row> transitions;
    QList<Row> validations;
    QList<Row> tests;
};

// The deployments in the order they were first met, by id.
struct Deployments
{
    QHash<QString, DeploymentRows> byId;
    QStringList order;

    DeploymentRows& at(const QString& id)
    {
        if (!byId.contains(id))
            order.append(id);
        return byId[id];
    }
};

struct ConfigRow
{
    QString application;
    QString environment;
    qint64 number = 0;
    Row cells; // image, config (its SHA-256), recorded_at
};

QString configKey(const QString& application, const QString& environment, qint64 number);
QString sha256(const QByteArray& bytes);
// A test's metrics as stored text, in the form the audit log's object serialises to.
QString canonicalMetrics(const QString& stored);

bool same(const QVariant& a, const QVariant& b);
bool same(const Row& a, const Row& b);
// A cell's value for people: times in ISO 8601, digests shortened, long text cut.
QString shown(const Cell& cell);

// The columns of each table, in the order they are compared. A row of a list (transitions,
// validation and test results) names itself by its first column and ends with its time.
Row deploymentRow(const QList<QVariant>& values);
Row transitionRow(const QVariant& stage, const QVariant& at, const QVariant& detail);
Row validationRow(const QVariant& severity, const QVariant& rule, const QVariant& message,
                  const QVariant& at);
Row testRow(const QVariant& name, const QVariant& passed, const QVariant& metrics,
            const QVariant& at);
Row configRow(const QVariant& image, const QVariant& digest, const QVariant& recordedAt);

// Where the audit log names a deployment it never started.
struct Stray
{
    QString deploymentId;
    qint64 sequence = 0;
    QString action;
};

struct Recorded
{
    Deployments deployments;
    QHash<QString, ConfigRow> configs;
    QList<Stray> strays;
};

Recorded replayAuditLog(QSqlDatabase& db, QString* error);

} // namespace launchdeck::ledger_audit::detail
