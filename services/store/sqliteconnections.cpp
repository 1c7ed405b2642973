// One SQLite connection per thread to one database file.
#include "store/sqliteconnections.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <atomic>

namespace launchdeck {

SqliteConnections::SqliteConnections(QString path, const QString& prefix)
    : m_path(std::move(path))
    , m_prefix(prefix + u'-' + QUuid::createUuid().toString(QUuid::Id128))
{}

SqliteConnections::~SqliteConnections()
{
    const QMutexLocker lock(&m_mutex);
    for (const QString& name : std::as_const(m_names))
        QSqlDatabase::removeDatabase(name);
}

QSqlDatabase SqliteConnections::connection(QString* error)
{
    // A serial per thread, not the QThread's address: a new thread may reuse a dead one's.
    static std::atomic<quint64> serials{0};
    thread_local const quint64 serial = ++serials;
    const QString name = m_prefix + u'-' + QString::number(serial);
    if (QSqlDatabase::contains(name))
        return QSqlDatabase::database(name);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (db.open()) {
        QSqlQuery query(db);
        query.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        query.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
        query.exec(QStringLiteral("PRAGMA foreign_keys=ON"));
    } else if (error) {
        *error = db.lastError().text();
    }
    const QMutexLocker lock(&m_mutex);
    m_names.append(name);
    return db;
}

} // namespace launchdeck
