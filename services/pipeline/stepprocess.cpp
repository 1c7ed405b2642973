// Running a step's shell as a process group and ending the whole tree reliably.
#include "pipeline/stepprocess.h"

#include "core/units.h"
#include "pipeline/processtree.h"
#include "pipeline/steplog.h"

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace launchdeck {

namespace {
constexpr std::chrono::milliseconds kReapPoll{25};
} // namespace

StepProcess::StepProcess(StepLaunch launch, StepLog* log, QObject* parent)
    : QObject(parent)
    , m_launch(std::move(launch))
    , m_log(log)
    , m_output([log](QByteArrayView bytes) { log->feed(bytes); })
{
    // Output goes to the runner's own pipe (set up in the child), not to the process object's.
    m_process.setProcessChannelMode(QProcess::ForwardedChannels);
    m_process.setInputChannelMode(QProcess::ManagedInputChannel);
    m_process.setProgram(m_launch.program);
    m_process.setArguments(m_launch.arguments);
    m_process.setProcessEnvironment(m_launch.environment);
    m_process.setWorkingDirectory(m_launch.workingDirectory);

    m_timeoutTimer.setSingleShot(true);
    m_reapTimer.setInterval(kReapPoll);
    connect(&m_output, &OutputPipe::outputRead, this, &StepProcess::outputRead);
    connect(&m_process, &QProcess::finished, this, &StepProcess::onProcessFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &StepProcess::onErrorOccurred);
    connect(&m_timeoutTimer, &QTimer::timeout, this, [this] {
        terminate(RunStatus::TimedOut,
                  QStringLiteral("timed out after %1").arg(formatDuration(*m_launch.timeout)));
    });
    connect(&m_reapTimer, &QTimer::timeout, this, [this] { reapGroup(); });
}

StepProcess::~StepProcess()
{
    if (!m_done)
        killNow();
    m_process.disconnect(this);
    if (m_process.state() != QProcess::NotRunning)
        m_process.waitForFinished(1000);
}

void StepProcess::start()
{
    QString error;
    if (!m_output.open(&error)) {
        // Reported once the caller has returned, as a process that cannot start is.
        QMetaObject::invokeMethod(
            this, [this, error] { failToStart(error); }, Qt::QueuedConnection);
        return;
    }
    // A group of its own: one signal to -pgid reaches every process the step starts. Standard
    // output and error both become the pipe's write end, so lines keep the order they had.
    const int output = m_output.writeEnd();
    m_process.setChildProcessModifier([output] {
        ::setpgid(0, 0);
        ::dup2(output, STDOUT_FILENO);
        ::dup2(output, STDERR_FILENO);
        // dup2 onto itself keeps close-on-exec: the pipe may already sit on 1 or 2 when the
        // console was started with those closed.
        ::fcntl(STDOUT_FILENO, F_SETFD, 0);
        ::fcntl(STDERR_FILENO, F_SETFD, 0);
    });
    m_process.start();
    m_output.closeWriteEnd();
    m_pgid = m_process.processId(); // the group's id: the shell leads it
    m_process.closeWriteChannel();
    if (m_launch.timeout)
        m_timeoutTimer.start(*m_launch.timeout);
}

void StepProcess::terminate(RunStatus reason, const QString& message)
{
    if (m_done || m_terminating)
        return;
    m_terminating = true;
    m_status = reason;
    m_message = message;
    m_timeoutTimer.stop();
    m_terminatedClock.start();
    processtree::signalGroup(m_pgid, SIGTERM);
    processtree::signalMarked(m_launch.marker, SIGTERM);
    m_reapTimer.start();
}

void StepProcess::killNow()
{
    processtree::signalGroup(m_pgid, SIGKILL);
    processtree::signalMarked(m_launch.marker, SIGKILL);
}

void StepProcess::onProcessFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    m_output.drainAndClose();
    m_log->endStream();
    m_timeoutTimer.stop();
    bool markedGone = false;
    if (!m_terminating) {
        if (exitStatus == QProcess::NormalExit) {
            m_exitCode = exitCode;
            m_status = exitCode == 0 ? RunStatus::Succeeded : RunStatus::Failed;
            if (exitCode != 0)
                m_message = QStringLiteral("exited with code %1").arg(exitCode);
        } else {
            m_status = RunStatus::Failed;
            m_message = QStringLiteral("ended by a signal");
        }
        // Whatever the step left behind in its group ends with it.
        m_terminating = true;
        m_terminatedClock.start();
        processtree::signalGroup(m_pgid, SIGTERM);
        // The scan that signals also tells whether anything carrying the marker is left.
        markedGone = processtree::signalMarked(m_launch.marker, SIGTERM) == 0;
    } else if (exitStatus == QProcess::NormalExit) {
        m_exitCode = exitCode;
    }
    reapGroup(markedGone);
    if (!m_done)
        m_reapTimer.start();
}

void StepProcess::onErrorOccurred(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || m_done)
        return;
    failToStart(m_process.errorString());
}

void StepProcess::failToStart(const QString& why)
{
    if (m_done)
        return;
    m_status = m_terminating ? m_status : RunStatus::Failed;
    m_message = QStringLiteral("could not start %1: %2").arg(m_launch.program, why);
    m_output.drainAndClose();
    m_log->endStream();
    complete();
}

void StepProcess::reapGroup(bool markedGone)
{
    if (m_done)
        return;
    const bool mainRunning = m_process.state() != QProcess::NotRunning;
    const bool groupLeft =
        processtree::groupAlive(m_pgid) ||
        (!markedGone && !processtree::processesWithEnvironment(m_launch.marker).isEmpty());
    if (!mainRunning && !groupLeft) {
        complete();
        return;
    }
    if (!m_killed && m_terminatedClock.isValid() &&
        m_terminatedClock.elapsed() >= m_launch.killGrace.count()) {
        m_killed = true;
        processtree::signalGroup(m_pgid, SIGKILL);
        processtree::signalMarked(m_launch.marker, SIGKILL);
    }
}

void StepProcess::complete()
{
    m_done = true;
    m_reapTimer.stop();
    m_timeoutTimer.stop();
    Q_EMIT finished(m_status, m_exitCode, m_message);
}

} // namespace launchdeck
