// The Alerts view of Live Metrics: the active alerts of every watched environment (its
// Alertmanager's and Launchdeck's own threshold rules), filtered by environment and
// application; silences created from an alert and expired; each environment's connection
// state with the retry count when its Alertmanager cannot be reached.
#pragma once

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace launchdeck {

namespace alerts {
class AlertsWatcher;
struct EnvironmentAlerts;
} // namespace alerts

class AlertsFilterModel;
class AlertsModel;
class SilenceDialog;
class SilencesModel;
class WorkspaceSession;

class AlertsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsView)

public:
    explicit AlertsView(QWidget* parent = nullptr);
    ~AlertsView() override;

    // Follows the session's alerts watcher (not owned) as it is made and replaced.
    void setSession(WorkspaceSession* session);
    void setWatcher(alerts::AlertsWatcher* watcher);

    // Opens the Silence dialog for the selected alert (null when none is selected); the silence
    // is created when it is accepted.
    SilenceDialog* openSilenceDialog();
    // Expires the selected silence, or the first silencing the selected alert.
    void expireSelectedSilence();

    AlertsModel* alertsModel() const { return m_alerts; }
    SilencesModel* silencesModel() const { return m_silences; }
    QTableView* alertsTable() const { return m_alertsTable; }
    QTableView* silencesTable() const { return m_silencesTable; }
    QComboBox* environmentFilter() const { return m_environmentFilter; }
    QComboBox* applicationFilter() const { return m_applicationFilter; }
    QPushButton* silenceButton() const { return m_silenceButton; }
    QPushButton* expireButton() const { return m_expireButton; }
    // The environments' connection problems and rule errors; empty while all is well.
    QString problemsText() const;
    // The outcome of the last silence created or expired.
    QString lastActionText() const;

    // Makes `label` the status bar's "2 alerts firing" link, following this view: hidden while
    // none fires; its link is activated by a click.
    void followWithStatusLabel(QLabel* label);

Q_SIGNALS:
    void firingCountChanged(int firing);

private:
    void applyEnvironment(const alerts::EnvironmentAlerts& alerts);
    void updateFilters();
    void updateActions();
    void updateProblems();
    void actionAnswered(quint64 request, const QString& what, const QString& error);

    QPointer<alerts::AlertsWatcher> m_watcher;
    QMetaObject::Connection m_sessionConnection;
    QList<QMetaObject::Connection> m_watcherConnections;
    QList<quint64> m_pending; // silences asked for by this view
    AlertsModel* m_alerts;
    SilencesModel* m_silences;
    AlertsFilterModel* m_alertsFilter;
    AlertsFilterModel* m_silencesFilter;
    QComboBox* m_environmentFilter;
    QComboBox* m_applicationFilter;
    QPushButton* m_silenceButton;
    QPushButton* m_expireButton;
    QTableView* m_alertsTable;
    QTableView* m_silencesTable;
    QLabel* m_summary;
    QLabel* m_problems;
    QLabel* m_lastAction;
};

} // namespace launchdeck
