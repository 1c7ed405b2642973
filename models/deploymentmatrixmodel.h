// The deployment matrix: one row per application, one column per environment, each cell the
// pair's live revision, the revision a running deployment rolls out, health, replicas, last
// change and the progress of a running deployment.
// Status answers are applied by key as dataChanged on the cells that changed.
#pragma once

#include "deploy/pairstatus.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QHash>
#include <QStringList>

namespace launchdeck {

// How stages and outcomes are worded everywhere the Deployments tab shows them.
QString deploymentStageLabel(DeploymentStage stage);
QString deploymentStatusLabel(DeploymentStatus status);
QColor deploymentStatusColour(DeploymentStatus status);
// Healthy green, unhealthy red, starting amber, the rest grey.
QColor healthColour(deploy::PairStatus::Health health);
QString healthLabel(deploy::PairStatus::Health health);

class DeploymentMatrixModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentMatrixModel)

public:
    enum Role {
        ApplicationRole = Qt::UserRole + 1,
        EnvironmentRole,
        RevisionRole, // int, 0 when nothing is live
        ImageRole,    // "shop/web:2.4.1", empty when nothing is live
        TagRole,      // "2.4.1"
        HealthRole,   // deploy::PairStatus::Health, as deploymentStatus() says it
        RunningReplicasRole,
        DesiredReplicasRole,
        LastChangeRole, // QDateTime of the newest deployment's end (or start while it runs)
        LastWhoRole,
        LastSummaryRole, // "deploy r7 completed", empty before the first deployment
        ProgressRole,    // 0..100 while a deployment runs, -1 otherwise
        StageRole,       // the running deployment's stage label, empty otherwise
        HostErrorRole,
        KnownRole,           // false until a status answer covered the cell
        RolloutRevisionRole, // int: the revision a running deployment rolls out, 0 otherwise
        RolloutTagRole,      // its tag
    };

    explicit DeploymentMatrixModel(QObject* parent = nullptr);

    // The workspace's names: a reset when they differ from the current ones (another
    // workspace), nothing otherwise.
    void setNames(const QStringList& applications, const QStringList& environments);
    // Applies a deploymentStatus() answer by key; names not shown yet are appended.
    void applyStatus(const QList<deploy::PairStatus>& pairs);
    // The running deployment of a pair as its events report it.
    void setProgress(const QString& application, const QString& environment, DeploymentStage stage,
                     int percent);
    void clearProgress(const QString& application, const QString& environment);

    int rowOf(const QString& application) const { return m_rowOf.value(application, -1); }
    int columnOf(const QString& environment) const { return m_columnOf.value(environment, -1); }
    QString application(int row) const { return m_applications.value(row); }
    QString environment(int column) const { return m_environments.value(column); }
    // The last status of a cell; empty fields until one arrived.
    const deploy::PairStatus& pair(int row, int column) const;
    bool isRunning(int row, int column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Cell
    {
        deploy::PairStatus status;
        bool known = false;
        int percent = -1; // from the events of a job run here
        DeploymentStage stage = DeploymentStage::Initialized;
    };

    Cell* cell(const QString& application, const QString& environment, QModelIndex* where);
    void ensureNames(const QList<deploy::PairStatus>& pairs);
    QString stageText(const Cell& cell) const;
    QString displayText(const Cell& cell) const;
    QString toolTip(const Cell& cell) const;

    QStringList m_applications;
    QStringList m_environments;
    QHash<QString, int> m_rowOf;
    QHash<QString, int> m_columnOf;
    QList<QList<Cell>> m_cells; // [row][column]
};

} // namespace launchdeck
