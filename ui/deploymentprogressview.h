// One deployment in detail, live or from the history: its stages with state and time, the
// progress with the remaining estimate, the validation and test results, the log of its
// events, and Cancel and Promote while it runs.
#pragma once

#include "deploy/deploymentengine.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace launchdeck {

class DeploymentProgressView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentProgressView)

public:
    // How the stage list shows a stage (its icon).
    enum class StageState { Pending, Running, Done, Failed, Warning };

    explicit DeploymentProgressView(QWidget* parent = nullptr);

    // Empties the view for a new deployment; `live` enables Cancel until it finishes. The
    // stages ahead are those a deployment of `kind` passes when all goes well.
    void begin(const QString& title, bool live, DeploymentKind kind = DeploymentKind::Deploy);
    void applyEvent(const deploy::DeploymentEvent& event);
    // A deployment from the ledger (DeploymentLedger::get): shown as it was recorded.
    void showRecord(const DeploymentRecord& record);
    void clear(const QString& message = {});

    bool isLive() const { return m_live; }
    QString title() const;
    QTreeWidget* stagesView() const { return m_stages; }
    // The state `stage` is shown in, or -1 when the list does not show it; a StageState value.
    int stageState(DeploymentStage stage) const;
    QTreeWidget* validationView() const { return m_validations; }
    QTreeWidget* testView() const { return m_tests; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* remainingLabel() const { return m_remaining; }
    QPlainTextEdit* logView() const { return m_log; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* promoteButton() const { return m_promote; }

    static constexpr int kLogCapacity = 5'000;

Q_SIGNALS:
    void cancelRequested();
    void promoteRequested();

private:
    void resetStages();
    void enterStage(DeploymentStage stage, const QDateTime& at, const QString& detail);
    void finishStages(DeploymentStatus status);
    void dropStagesAhead();
    void addValidation(const ValidationResult& result);
    // `summary`: the check's own words, shown on hover.
    void addTest(const TestResult& result, const QString& summary = {});
    void useLogFont();
    void appendLog(const QDateTime& at, const QString& text);
    void setRemaining(qint64 remainingMs);

    QLabel* m_title;
    QProgressBar* m_progress;
    QLabel* m_remaining;
    QPushButton* m_cancel;
    QPushButton* m_promote;
    QTreeWidget* m_stages;
    QTreeWidget* m_validations;
    QTreeWidget* m_tests;
    QPlainTextEdit* m_log;
    bool m_logFontSet = false;
    bool m_live = false;
    DeploymentKind m_kind = DeploymentKind::Deploy;
    // Rows up to this one are stages entered, in the order entered; the rows after it are the
    // stages still expected, all pending.
    int m_currentStage = -1;
    bool m_failed = false; // a FAILED stage was entered: the estimate no longer applies
    // The log line of the latest stage while nothing was logged after it, and that stage's
    // label: the finish that says the same is not logged again.
    QString m_lastStageLine;
    QString m_lastStageLabel;
};

} // namespace launchdeck
