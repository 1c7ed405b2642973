// One SQLite connection per thread to one database file, as Qt Sql requires, opened in WAL
// mode with a busy timeout; every class that reads or writes the history database shares this.
#pragma once

#include <QMutex>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace launchdeck {

class SqliteConnections final
{
public:
    // `prefix` names the connections in Qt's registry; a unique suffix is added.
    SqliteConnections(QString path, const QString& prefix);
    // Unregisters every connection; those of other threads cannot be closed from here.
    ~SqliteConnections();
    SqliteConnections(const SqliteConnections&) = delete;
    SqliteConnections& operator=(const SqliteConnections&) = delete;

    const QString& path() const { return m_path; }
    // This thread's connection, opened on first use; when it cannot be opened, `error` says why.
    QSqlDatabase connection(QString* error);

private:
    QString m_path;
    QString m_prefix;
    QMutex m_mutex; // guards m_names
    QStringList m_names;
};

} // namespace launchdeck
