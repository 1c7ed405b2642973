// Appending to and verifying the hash-chained audit log.
#include "deploy/auditchain.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace launchdeck::audit {

namespace {

struct StoredRow
{
    qint64 sequence = 0;
    qint64 at = 0;
    QString actor;
    QString action;
    QString subject;
    QString details;
    QString prevHash;
    QString hash;

    QString recomputed() const
    {
        return chainHash(prevHash, canonicalContent(sequence, at, actor, action, subject, details));
    }
};

StoredRow readRow(const QSqlQuery& query)
{
    return {query.value(0).toLongLong(), query.value(1).toLongLong(), query.value(2).toString(),
            query.value(3).toString(),   query.value(4).toString(),   query.value(5).toString(),
            query.value(6).toString(),   query.value(7).toString()};
}

const QString kRowColumns = QStringLiteral(
    "SELECT sequence, at, actor, action, subject, details, prev_hash, hash FROM audit_log");

AuditVerification broken(qint64 rows, AuditProblem problem, qint64 sequence,
                         const QString& description)
{
    return {rows, problem, sequence, description};
}

} // namespace

QString genesisHash()
{
    return QString(64, u'0');
}

QByteArray canonicalContent(qint64 sequence, qint64 atMsecs, const QString& actor,
                            const QString& action, const QString& subject, const QString& details)
{
    const QJsonArray texts{actor, action, subject, details};
    return QByteArray::number(sequence) + '|' + QByteArray::number(atMsecs) + '|' +
           QJsonDocument(texts).toJson(QJsonDocument::Compact);
}

QString chainHash(const QString& prevHash, const QByteArray& canonical)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(prevHash.toLatin1());
    hash.addData(canonical);
    return QString::fromLatin1(hash.result().toHex());
}

bool append(QSqlDatabase& db, const QDateTime& at, const QString& actor, const QString& action,
            const QString& subject, const QJsonObject& details, QString* error)
{
    qint64 sequence = 1;
    QString prevHash = genesisHash();
    {
        QSqlQuery last(db);
        if (!last.exec(QStringLiteral(
                "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1"))) {
            *error = last.lastError().text();
            return false;
        }
        if (last.next()) {
            sequence = last.value(0).toLongLong() + 1;
            prevHash = last.value(1).toString();
        }
    }
    const qint64 atMsecs =
        (at.isValid() ? at : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch();
    // QJsonObject keeps its keys sorted, so the compact text is canonical.
    const QString detailText =
        QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact));
    const QString hash = chainHash(
        prevHash, canonicalContent(sequence, atMsecs, actor, action, subject, detailText));

    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO audit_log(sequence, at, actor, action, subject, "
                                  "details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant& value :
         {QVariant(sequence), QVariant(atMsecs),
          QVariant(actor.isNull() ? QStringLiteral("") : actor), QVariant(action),
          QVariant(subject), QVariant(detailText), QVariant(prevHash), QVariant(hash)})
        insert.addBindValue(value);
    QSqlQuery head(db);
    head.prepare(
        QStringLiteral("INSERT OR REPLACE INTO audit_head(id, sequence, hash) VALUES (1, ?, ?)"));
    head.addBindValue(sequence);
    head.addBindValue(hash);
    if (!insert.exec()) {
        *error = insert.lastError().text();
        return false;
    }
    if (!head.exec()) {
        *error = head.lastError().text();
        return false;
    }
    return true;
}

AuditVerification verify(QSqlDatabase& db)
{
    QList<StoredRow> rows;
    {
        QSqlQuery query(db);
        if (!query.exec(kRowColumns + QStringLiteral(" ORDER BY sequence")))
            return broken(
                0, AuditProblem::ChainBroken, 0,
                QStringLiteral("the audit log cannot be read: %1").arg(query.lastError().text()));
        while (query.next())
            rows.append(readRow(query));
    }
    const qint64 count = rows.size();
    QString previousHash = genesisHash();
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const StoredRow& row = rows[i];
        const qint64 expected = i == 0 ? 1 : rows[i - 1].sequence + 1;
        if (row.sequence != expected) {
            return broken(count, AuditProblem::RowMissing, expected,
                          row.sequence == expected + 1
                              ? QStringLiteral("row %1 is missing: it was deleted").arg(expected)
                              : QStringLiteral("rows %1 to %2 are missing: they were deleted")
                                    .arg(expected)
                                    .arg(row.sequence - 1));
        }
        if (row.prevHash != previousHash) {
            return broken(
                count, AuditProblem::ChainBroken, row.sequence,
                i == 0 ? QStringLiteral("its prev_hash is not the start of the chain")
                       : QStringLiteral("its prev_hash does not match the hash of row %1: rows "
                                        "were reordered, inserted or rewritten")
                             .arg(rows[i - 1].sequence));
        }
        const QString recomputed = row.recomputed();
        if (recomputed != row.hash) {
            // The next link (or the head) still holds the hash as written: which one of the
            // two columns moved tells a changed content from a changed hash.
            QString witness;
            if (i + 1 < rows.size()) {
                witness = rows[i + 1].prevHash;
            } else {
                QSqlQuery head(db);
                if (head.exec(QStringLiteral("SELECT hash FROM audit_head WHERE id = 1")) &&
                    head.next())
                    witness = head.value(0).toString();
            }
            if (witness == recomputed)
                return broken(count, AuditProblem::HashChanged, row.sequence,
                              QStringLiteral("its hash was changed (its content is as written)"));
            return broken(count, AuditProblem::ContentChanged, row.sequence,
                          witness == row.hash
                              ? QStringLiteral("its content was changed after it was written")
                              : QStringLiteral("its content does not match its hash"));
        }
        previousHash = row.hash;
    }

    QSqlQuery head(db);
    const bool hasHead =
        head.exec(QStringLiteral("SELECT sequence, hash FROM audit_head WHERE id = 1")) &&
        head.next();
    const qint64 lastSequence = rows.isEmpty() ? 0 : rows.last().sequence;
    if (!hasHead) {
        if (rows.isEmpty())
            return {0, AuditProblem::None, 0, {}};
        return broken(count, AuditProblem::RowMissing, lastSequence,
                      QStringLiteral("the chain head is missing: it was deleted"));
    }
    const qint64 headSequence = head.value(0).toLongLong();
    const QString headHash = head.value(1).toString();
    if (headSequence > lastSequence) {
        return broken(
            count, AuditProblem::RowMissing, lastSequence + 1,
            headSequence == lastSequence + 1
                ? QStringLiteral("row %1 is missing: the newest row was deleted")
                      .arg(lastSequence + 1)
                : QStringLiteral("rows %1 to %2 are missing: the newest rows were deleted")
                      .arg(lastSequence + 1)
                      .arg(headSequence));
    }
    if (headSequence < lastSequence) {
        return broken(count, AuditProblem::ChainBroken, headSequence + 1,
                      QStringLiteral("it was added behind the log's back (the head is row %1)")
                          .arg(headSequence));
    }
    if (headHash != previousHash) {
        return broken(count, AuditProblem::ContentChanged, lastSequence,
                      QStringLiteral("it was rewritten: its hash differs from the chain head's"));
    }
    return {count, AuditProblem::None, 0, {}};
}

QList<AuditEntry> entries(QSqlDatabase& db, qint64 fromSequence, int limit)
{
    QSqlQuery query(db);
    query.prepare(kRowColumns +
                  QStringLiteral(" WHERE sequence >= ? ORDER BY sequence LIMIT %1").arg(limit));
    query.addBindValue(fromSequence);
    QList<AuditEntry> list;
    if (!query.exec())
        return list;
    while (query.next()) {
        const StoredRow row = readRow(query);
        list.append({row.sequence, QDateTime::fromMSecsSinceEpoch(row.at, Qt::UTC), row.actor,
                     row.action, row.subject,
                     QJsonDocument::fromJson(row.details.toUtf8()).object(), row.prevHash,
                     row.hash});
    }
    return list;
}

} // namespace launchdeck::audit
