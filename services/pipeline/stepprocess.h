// One attempt of a `run` step: a shell in its own process group, its output (standard output and
// error on one pipe) fed to the step's log, ended as a whole tree on timeout or cancel (SIGTERM,
// then SIGKILL after a grace period).
#pragma once

#include "pipeline/outputpipe.h"
#include "pipeline/runtypes.h"

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QTimer>

#include <chrono>
#include <optional>

namespace launchdeck {

class StepLog;

struct StepLaunch
{
    QString program;
    QStringList arguments;
    QProcessEnvironment environment;
    QString workingDirectory;
    std::optional<std::chrono::milliseconds> timeout;
    std::chrono::milliseconds killGrace{5000};
    QByteArray marker; // "NAME=value" in the environment of every process of this attempt
};

class StepProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StepProcess)

public:
    StepProcess(StepLaunch launch, StepLog* log, QObject* parent = nullptr);
    ~StepProcess() override;

    void start();
    // Ends the tree; the attempt then finishes with `reason` (cancelled or timed out).
    void terminate(RunStatus reason, const QString& message);
    // Immediate SIGKILL of the tree, for shutdown.
    void killNow();

Q_SIGNALS:
    void outputRead();
    void finished(launchdeck::RunStatus status, int exitCode, const QString& message);

private:
    void failToStart(const QString& why);
    void onProcessFinished(int exitCode, QProcess::ExitStatus exitStatus);
    void onErrorOccurred(QProcess::ProcessError error);
    // Ends the attempt once its shell and everything it started are gone. `markedGone`: a scan
    // for the marker has just found nothing, so it is not scanned for again.
    void reapGroup(bool markedGone = false);
    void complete();

    StepLaunch m_launch;
    StepLog* m_log;
    OutputPipe m_output;
    QProcess m_process;
    QTimer m_timeoutTimer;
    QTimer m_reapTimer;
    QElapsedTimer m_terminatedClock;
    qint64 m_pgid = 0;
    bool m_terminating = false;
    bool m_killed = false;
    bool m_done = false;
    RunStatus m_status = RunStatus::Running;
    int m_exitCode = -1;
    QString m_message;
};

} // namespace launchdeck
