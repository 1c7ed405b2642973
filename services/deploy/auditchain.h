// The hash-chained audit log: each row carries the SHA-256 of the previous row's hash and its own
// canonical content, so a changed, deleted, inserted or reordered row breaks the chain.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace launchdeck {

struct AuditEntry
{
    qint64 sequence = 0;
    QDateTime at;
    QString actor;
    QString action;  // e.g. "deployment.started"
    QString subject; // e.g. "deployment/<id>"
    QJsonObject details;
    QString prevHash;
    QString hash;
};

enum class AuditProblem {
    None,
    ContentChanged, // the row's columns differ from what was hashed
    HashChanged,    // the row's hash column was rewritten, its content is as written
    RowMissing,     // a sequence number is absent: the row was deleted
    ChainBroken,    // prev_hash names another row: rows were reordered, inserted or rewritten
};

struct AuditVerification
{
    qint64 rows = 0;
    AuditProblem problem = AuditProblem::None;
    qint64 brokenSequence = 0; // the first broken row, when problem is not None
    QString description;       // what is wrong with it, for people

    bool intact() const { return problem == AuditProblem::None; }
};

namespace audit {

// The hash of the row before the first.
QString genesisHash();

// What the hash covers, in a form that cannot be ambiguous: numbers, then the text columns as
// a JSON array of strings. `details` is the stored JSON text as is.
QByteArray canonicalContent(qint64 sequence, qint64 atMsecs, const QString& actor,
                            const QString& action, const QString& subject, const QString& details);
QString chainHash(const QString& prevHash, const QByteArray& canonical);

// Appends a row in the caller's transaction (which must hold the write lock, so two writers
// cannot take the same sequence). False with `error` set when the database refused.
bool append(QSqlDatabase& db, const QDateTime& at, const QString& actor, const QString& action,
            const QString& subject, const QJsonObject& details, QString* error);

// Walks the whole chain and names the first broken row.
AuditVerification verify(QSqlDatabase& db);

// Rows from `fromSequence` on, oldest first.
QList<AuditEntry> entries(QSqlDatabase& db, qint64 fromSequence = 1, int limit = 1000);

} // namespace audit

} // namespace launchdeck
