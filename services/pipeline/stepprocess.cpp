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
constexpr qsizetype kReadChunk = 4 * 1024 * 1024;
constexpr int kPipeBytes = 1024 * 1024;
constexpr std::chrono::milliseconds kReapPoll{25};
} // namespace

StepProcess::StepProcess(StepLaunch launch, StepLog* log, QObject* parent)
    : QObject(parent)
    , m_launch(std::move(launch))
    , m_log(log)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setInputChannelMode(QProcess::ManagedInputChannel);
    m_process.setProgram(m_launch.program);
    m_process.setArguments(m_launch.arguments);
    m_process.setProcessEnvironment(m_launch.environment);
    m_process.setWorkingDirectory(m_launch.workingDirectory);
    // A group of its own: one signal to -pgid reaches every process the step starts. A larger
    // pipe lets a chatty step write on while the runner is busy, and lets the runner take its
    // output in few large reads (the kernel caps the size; failure leaves the default).
    m_process.setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::fcntl(STDOUT_FILENO, F_SETPIPE_SZ, kPipeBytes);
    });

    m_timeoutTimer.setSingleShot(true);
    m_reapTimer.setInterval(kReapPoll);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &StepProcess::readOutput);
    connect(&m_process, &QProcess::finished, this, &StepProcess::onProcessFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &StepProcess::onErrorOccurred);
    connect(&m_timeoutTimer, &QTimer::timeout, this, [this] {
        terminate(RunStatus::TimedOut,
                  QStringLiteral("timed out after %1").arg(formatDuration(*m_launch.timeout)));
    });
    connect(&m_reapTimer, &QTimer::timeout, this, &StepProcess::reapGroup);
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
    m_process.start();
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
    if (m_pgid == 0 && m_process.processId() > 0)
        m_pgid = m_process.processId();
    processtree::signalGroup(m_pgid, SIGTERM);
    processtree::signalMarked(m_launch.marker, SIGTERM);
    m_reapTimer.start();
}

void StepProcess::killNow()
{
    if (m_pgid == 0 && m_process.processId() > 0)
        m_pgid = m_process.processId();
    processtree::signalGroup(m_pgid, SIGKILL);
    processtree::signalMarked(m_launch.marker, SIGKILL);
}

void StepProcess::readOutput()
{
    if (m_pgid == 0)
        m_pgid = m_process.processId();
    // Whole blocks of QProcess's buffer (readAll hands one over without a copy); bounded so other
    // steps get their turn.
    qsizetype total = 0;
    while (total < kReadChunk && m_process.bytesAvailable() > 0) {
        const QByteArray block = m_process.bytesAvailable() <= kReadChunk
                                     ? m_process.readAll()
                                     : m_process.read(kReadChunk);
        if (block.isEmpty())
            break;
        m_log->feed(block);
        total += block.size();
    }
    if (m_process.bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &StepProcess::readOutput, Qt::QueuedConnection);
    Q_EMIT outputRead();
}

void StepProcess::onProcessFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    if (m_pgid == 0)
        m_pgid = m_process.processId();
    while (m_process.bytesAvailable() > 0)
        readOutput();
    m_log->endStream();
    m_timeoutTimer.stop();
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
        processtree::signalMarked(m_launch.marker, SIGTERM);
    } else if (exitStatus == QProcess::NormalExit) {
        m_exitCode = exitCode;
    }
    reapGroup();
    if (!m_done)
        m_reapTimer.start();
}

void StepProcess::onErrorOccurred(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || m_done)
        return;
    m_status = m_terminating ? m_status : RunStatus::Failed;
    m_message =
        QStringLiteral("could not start %1: %2").arg(m_launch.program, m_process.errorString());
    m_log->endStream();
    complete();
}

void StepProcess::reapGroup()
{
    if (m_done)
        return;
    const bool mainRunning = m_process.state() != QProcess::NotRunning;
    const bool groupLeft = processtree::groupAlive(m_pgid) ||
                           !processtree::processesWithEnvironment(m_launch.marker).isEmpty();
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
