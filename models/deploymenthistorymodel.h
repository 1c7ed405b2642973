// The deployments of one application × environment, newest first, as the ledger lists them:
// kind, revisions, outcome, when, how long, who and why. Refreshes of the same pair are applied
// by deployment id; choosing another pair resets the model.
#pragma once

#include "deploy/deploymentrecord.h"

#include <QAbstractTableModel>
#include <QHash>

namespace launchdeck {

class DeploymentHistoryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentHistoryModel)

public:
    enum Column { Started, Kind, Revision, Status, Duration, Who, Reason, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1 };

    explicit DeploymentHistoryModel(QObject* parent = nullptr);

    // `records` newest first, as DeploymentLedger::list() returns them.
    void setRecords(const QString& application, const QString& environment,
                    const QList<DeploymentRecord>& records);
    void clear();

    QString application() const { return m_application; }
    QString environment() const { return m_environment; }
    int rowOf(const QString& id) const { return m_rowOf.value(id, -1); }
    const DeploymentRecord& record(int row) const { return m_records.at(row); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void reindex();

    QString m_application;
    QString m_environment;
    QList<DeploymentRecord> m_records;
    QHash<QString, int> m_rowOf;
};

} // namespace launchdeck
