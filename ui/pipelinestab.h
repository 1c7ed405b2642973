// The Pipelines tab: the workspace's pipelines with Run (and environment overrides), the runs
// table over the history and live runs, and the run view with steps, artifacts and the log.
#pragma once

#include "pipeline/logbacklog.h"
#include "pipeline/pipelinerunner.h"
#include "pipelineloading.h"
#include "session/workspacesession.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QWidget>

#include <map>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSystemTrayIcon;
class QTableView;
class QTimer;

namespace launchdeck {

class BannerWidget;
class EnvOverridesEditor;
class LogModel;
class RunView;
class RunsFilterModel;
class RunsModel;
class StepsModel;

class PipelinesTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PipelinesTab)

public:
    explicit PipelinesTab(QWidget* parent = nullptr);
    ~PipelinesTab() override;

    // The open workspace (not owned): its pipelines, parsed in the background, its runner, and
    // the runs of its history once the session has opened it.
    void setSession(WorkspaceSession* session);
    QString workspaceRoot() const { return m_root; }

    // Starts the pipeline selected in the list with the overrides in the editor.
    void runSelected();
    void cancelCurrent();
    void rerunCurrent(bool onlyFailed);
    void selectRun(const QString& runId);
    QString currentRunId() const { return m_currentRunId; }
    bool isHistoryReady() const { return m_historyReady; }
    bool isLive(const QString& runId) const { return m_live.contains(runId); }

    QListWidget* pipelineList() const { return m_pipelines; }
    EnvOverridesEditor* envEditor() const { return m_env; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* rerunButton() const { return m_rerun; }
    QPushButton* rerunFailedButton() const { return m_rerunFailed; }
    QTableView* runsView() const { return m_runsView; }
    QLineEdit* runsFilterField() const { return m_filterText; }
    QComboBox* statusFilter() const { return m_filterStatus; }
    RunsModel* runs() const { return m_runs; }
    RunsFilterModel* runsFilter() const { return m_runsFilter; }
    StepsModel* steps() const { return m_steps; }
    LogModel* log() const { return m_log; }
    RunView* runView() const { return m_runView; }
    BannerWidget* banner() const { return m_banner; }

    static constexpr qsizetype kLogCapacity = 1'000'000;
    // Live runs whose recent output is kept for switching back to them.
    static constexpr int kKeptBacklogs = 6;

Q_SIGNALS:
    void pipelinesLoaded();
    void historyLoaded();
    void runEnded(const QString& runId, launchdeck::RunStatus status);

protected:
    // Hides the notification icon once the user is back at the window.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildLayout();
    void loadPipelines();
    void loadRuns();
    void applyPipelines(const QList<PipelineEntry>& entries);
    void start(const Pipeline& pipeline, const EnvList& overrides, const QStringList& onlySteps);
    void onRunStarted(const RunInfo& run);
    void onStepStarted(const StepEvent& step);
    void onStepFinished(const StepEvent& step);
    void onLines(const LogBatch& batch);
    void onRunFinished(const RunResult& result);
    void showRunDetails(const RunDetails& details);
    void showArtifacts();
    void notifyRunEnded(const QString& runId, RunStatus status);
    void updateActions();
    std::optional<Pipeline> pipelineOfRun(const QString& runId) const;

    QPointer<WorkspaceSession> m_session;
    RunsModel* m_runs;
    RunsFilterModel* m_runsFilter;
    StepsModel* m_steps;
    LogModel* m_log;

    BannerWidget* m_banner;
    QListWidget* m_pipelines;
    EnvOverridesEditor* m_env;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_rerun;
    QPushButton* m_rerunFailed;
    QLineEdit* m_filterText;
    QComboBox* m_filterStatus;
    QTableView* m_runsView;
    RunView* m_runView;
    QLabel* m_historyHint;
    QTimer* m_tick;
    QSystemTrayIcon* m_tray = nullptr; // shown while a notification waits for the user
    QString m_notifiedRunId;           // the run the last notification spoke of

    QString m_root;
    QList<PipelineEntry> m_entries;
    quint64 m_pipelineGeneration = 0;
    quint64 m_detailsGeneration = 0;
    bool m_historyReady = false;
    QString m_currentRunId;
    QString m_selectOnStart; // the run this tab just asked for: shown as soon as it starts
    QHash<QString, RunRequest> m_requests; // runs started here, for Re-run with the same values
    QHash<QString, RunInfo> m_infos;
    // The step events of runs seen live here, replayed when the user comes back to one.
    QHash<QString, QList<std::pair<StepEvent, bool>>> m_stepEvents;
    QHash<QString, QStringList> m_artifacts; // of runs started here, relative to the run folder
    QSet<QString> m_live;
    std::map<QString, LogBacklog> m_backlogs;
    QStringList m_backlogOrder; // oldest first
};

} // namespace launchdeck
