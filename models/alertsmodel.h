// The active alerts of every watched environment for the Alerts view, keyed by environment and
// alert, and the environments' silences: each environment's answer is applied as inserts,
// removals and dataChanged on the cells that changed, never a reset.
#pragma once

#include "alerts/alertswatcher.h"
#include "dockertablemodel.h"

namespace launchdeck {

// Roles both tables answer, for the filter and the view.
enum AlertsRole {
    AlertsEnvironmentRole = Qt::UserRole + 1,
    AlertsApplicationRole, // the `application` (or `app`) label or matcher; empty: none
    AlertsKeyRole,
    AlertsSortRole, // times as numbers, text elsewhere
};

struct AlertRow
{
    alerts::WatchedAlert alert;
    QString silencedBy; // "alice: maintenance (until 14:00)", from the environment's silences
};

class AlertsModel final : public DockerTableModel<AlertRow>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsModel)

public:
    enum Column { Environment, Alert, Labels, State, Since, Summary, Source, ColumnCount };

    explicit AlertsModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const alerts::WatchedAlert& alert(int row) const { return rowAt(row).alert; }
    // Active (not suppressed) rows.
    int firingCount() const;

public Q_SLOTS:
    // Replaces the rows of `alerts.environment` with its answer.
    void applyEnvironment(const launchdeck::alerts::EnvironmentAlerts& alerts);

protected:
    QString keyOf(const AlertRow& row) const override;
    QVariant value(const AlertRow& row, int column, int role) const override;

private:
    QVariant display(const AlertRow& row, int column) const;
};

struct SilenceRow
{
    QString environment;
    alerts::Silence silence;
};

class SilencesModel final : public DockerTableModel<SilenceRow>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SilencesModel)

public:
    enum Column { Environment, Matchers, Comment, CreatedBy, Ends, State, ColumnCount };

    explicit SilencesModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const SilenceRow& silence(int row) const { return rowAt(row); }

public Q_SLOTS:
    void applyEnvironment(const launchdeck::alerts::EnvironmentAlerts& alerts);

protected:
    QString keyOf(const SilenceRow& row) const override;
    QVariant value(const SilenceRow& row, int column, int role) const override;
};

// "alertname=HighErrorRate, application=web", "job=~api.*": matchers as amtool writes them.
QString formatMatchers(const QList<alerts::SilenceMatcher>& matchers);

} // namespace launchdeck
