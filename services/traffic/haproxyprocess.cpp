// Starting, finding, reloading and stopping a daemonised HAProxy by its pidfile and stats socket.
#include "traffic/haproxyprocess.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QSaveFile>
#include <QStandardPaths>
#include <QThread>

#include <cerrno>
#include <csignal>

Q_LOGGING_CATEGORY(lcHaproxyProcess, "launchdeck.traffic.process")

namespace launchdeck::traffic {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

QString executableOf(const HaproxyProcessOptions& options)
{
    if (!options.executable.isEmpty())
        return options.executable;
    const QString found = QStandardPaths::findExecutable(QStringLiteral("haproxy"));
    if (!found.isEmpty())
        return found;
    // Debian installs it in /usr/sbin, which is not on every user's PATH.
    return QStandardPaths::findExecutable(QStringLiteral("haproxy"),
                                          {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
}

QString startLogPath(const HaproxyFolder& folder)
{
    return folder.path + u"/haproxy-start.log";
}

qint64 readPidFile(const HaproxyFolder& folder)
{
    QFile file(folder.pidPath());
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    bool ok = false;
    const qint64 pid = file.readAll().trimmed().toLongLong(&ok);
    return ok && pid > 0 ? pid : 0;
}

// HAProxy's diagnostics without the version banner it prints before them.
QString diagnostics(const QByteArray& output)
{
    QStringList lines;
    for (const QByteArray& line : output.split('\n')) {
        if (line.trimmed().isEmpty() || line.contains("haproxy version is") ||
            line.contains("path to executable is"))
            continue;
        lines.append(QString::fromUtf8(line).trimmed());
    }
    return lines.join(u"; ");
}

bool signalProcess(qint64 pid, int signal)
{
    return ::kill(static_cast<pid_t>(pid), signal) == 0 || errno != ESRCH;
}

bool waitUntilGone(const QList<qint64>& pids, Clock::time_point deadline)
{
    for (;;) {
        bool anyAlive = false;
        for (qint64 pid : pids)
            anyAlive = anyAlive || HaproxyProcess::isHaproxyRunning(pid);
        if (!anyAlive)
            return true;
        if (Clock::now() >= deadline)
            return false;
        QThread::msleep(20);
    }
}

} // namespace

HaproxyProcess::HaproxyProcess(HaproxyFolder folder, HaproxyProcessOptions options, qint64 pid)
    : m_folder(std::move(folder))
    , m_options(std::move(options))
    , m_pid(pid)
{}

bool HaproxyProcess::isHaproxyRunning(qint64 pid)
{
    if (pid <= 0)
        return false;
    // /proc/PID/stat is "pid (comm) state …"; a process nobody reaped yet reads Z (or X).
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype open = text.indexOf('(');
    const qsizetype close = text.lastIndexOf(')');
    if (open < 0 || close < open || close + 2 >= text.size())
        return false;
    const QByteArray comm = text.mid(open + 1, close - open - 1);
    const char state = text.at(close + 2);
    return comm.startsWith("haproxy") && state != 'Z' && state != 'X';
}

Result<bool> HaproxyProcess::checkConfig(const QString& configPath,
                                         const HaproxyProcessOptions& options)
{
    const QString executable = executableOf(options);
    const QString where = u"haproxy -c -f " + configPath;
    if (executable.isEmpty())
        return Error{QStringLiteral("haproxy is not installed (not on PATH, not in /usr/sbin)"),
                     where};
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(executable, {QStringLiteral("-c"), QStringLiteral("-f"), configPath});
    if (!process.waitForStarted(int(options.startTimeout.count())))
        return Error{u"cannot run " + executable + u": " + process.errorString(), where};
    if (!process.waitForFinished(int(options.startTimeout.count()))) {
        process.kill();
        process.waitForFinished(1000);
        return Error{QStringLiteral("the check did not finish within %1 ms")
                         .arg(options.startTimeout.count()),
                     where};
    }
    const QByteArray output = process.readAll();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return Error{QStringLiteral("invalid configuration (exit code %1): %2")
                         .arg(process.exitCode())
                         .arg(diagnostics(output)),
                     where};
    return true;
}

Result<bool> HaproxyProcess::installConfig(const HaproxyFolder& folder,
                                           const HaproxyProcessOptions& options,
                                           const QByteArray& config)
{
    // Checked under a side name first, so a bad configuration never replaces a good one.
    const QString candidate = folder.path + u"/haproxy.cfg.new";
    {
        QFile file(candidate);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(config) != config.size())
            return Error{u"cannot write the configuration: " + file.errorString(), candidate};
    }
    Result<bool> checked = checkConfig(candidate, options);
    if (!checked) {
        QFile::remove(candidate);
        return checked.error();
    }
    QFile::remove(folder.configPath());
    if (!QFile::rename(candidate, folder.configPath()))
        return Error{QStringLiteral("cannot move the checked configuration into place"),
                     folder.configPath()};
    return true;
}

Result<qint64> HaproxyProcess::launch(const HaproxyFolder& folder,
                                      const HaproxyProcessOptions& options,
                                      const QStringList& arguments, qint64 previousPid)
{
    const QString executable = executableOf(options);
    const QString where = u"haproxy in " + folder.path;
    if (executable.isEmpty())
        return Error{QStringLiteral("haproxy is not installed (not on PATH, not in /usr/sbin)"),
                     where};

    // The daemon inherits these descriptors: a file in the folder, never a pipe to the console
    // that would break when the console exits.
    QProcess process;
    process.setWorkingDirectory(folder.path);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(startLogPath(folder));
    process.setStandardErrorFile(startLogPath(folder), QIODevice::Append);
    process.start(executable, arguments);
    const auto deadline = Clock::now() + options.startTimeout;
    if (!process.waitForStarted(int(options.startTimeout.count())))
        return Error{u"cannot run " + executable + u": " + process.errorString(), where};
    // With -D the foreground process exits once the daemon is set up, or with an error.
    if (!process.waitForFinished(int(options.startTimeout.count()))) {
        process.kill();
        process.waitForFinished(1000);
        return Error{
            QStringLiteral("haproxy did not detach within %1 ms").arg(options.startTimeout.count()),
            where};
    }
    auto startOutput = [&folder] {
        QFile log(startLogPath(folder));
        return log.open(QIODevice::ReadOnly) ? diagnostics(log.readAll()) : QString();
    };
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return Error{QStringLiteral("haproxy failed to start (exit code %1): %2")
                         .arg(process.exitCode())
                         .arg(startOutput()),
                     where};

    const HaproxyRuntime runtime(folder.socketPath(), 1s);
    QString lastProblem;
    while (Clock::now() < deadline) {
        const qint64 pid = readPidFile(folder);
        if (pid > 0 && pid != previousPid && isHaproxyRunning(pid)) {
            Result<qint64> answering = runtime.processId();
            if (answering && *answering == pid)
                return pid;
            lastProblem = answering ? QStringLiteral("the stats socket answers for pid %1, the "
                                                     "pidfile names %2")
                                          .arg(*answering)
                                          .arg(pid)
                                    : answering.error().message;
        } else {
            lastProblem = QStringLiteral("no new live process in the pidfile");
        }
        QThread::msleep(20);
    }
    return Error{QStringLiteral("haproxy detached but did not come up within %1 ms (%2) %3")
                     .arg(options.startTimeout.count())
                     .arg(lastProblem, startOutput()),
                 where};
}

Result<HaproxyProcess> HaproxyProcess::start(const HaproxyFolder& folder, const QByteArray& config,
                                             const HaproxyProcessOptions& options)
{
    if (!QDir().mkpath(folder.path))
        return Error{QStringLiteral("cannot create the folder"), folder.path};
    if (Result<HaproxyProcess> running = attach(folder, options))
        return Error{QStringLiteral("HAProxy already runs here with pid %1").arg(running->pid()),
                     folder.path};
    if (Result<bool> installed = installConfig(folder, options, config); !installed)
        return installed.error();
    // Left over from an instance that died without cleaning up; the new one rewrites both.
    QFile::remove(folder.pidPath());
    QFile::remove(folder.socketPath());

    Result<qint64> pid = launch(
        folder, options, {QStringLiteral("-D"), QStringLiteral("-f"), folder.configPath()}, 0);
    if (!pid)
        return pid.error();
    qCInfo(lcHaproxyProcess) << "started haproxy" << *pid << "in" << folder.path;
    return HaproxyProcess(folder, options, *pid);
}

Result<HaproxyProcess> HaproxyProcess::attach(const HaproxyFolder& folder,
                                              const HaproxyProcessOptions& options)
{
    const qint64 pid = readPidFile(folder);
    if (pid == 0)
        return Error{QStringLiteral("no pidfile names a process"), folder.pidPath()};
    if (!isHaproxyRunning(pid))
        return Error{
            QStringLiteral("the pidfile names pid %1, which is not a running haproxy").arg(pid),
            folder.pidPath()};
    Result<qint64> answering = HaproxyRuntime(folder.socketPath()).processId();
    if (!answering)
        return answering.error();
    if (*answering != pid)
        return Error{QStringLiteral("the stats socket answers for pid %1, the pidfile names %2")
                         .arg(*answering)
                         .arg(pid),
                     folder.socketPath()};
    return HaproxyProcess(folder, options, pid);
}

Result<bool> HaproxyProcess::reload(const QByteArray& config)
{
    QFile current(m_folder.configPath());
    const QByteArray previous =
        current.open(QIODevice::ReadOnly) ? current.readAll() : QByteArray();
    current.close();
    if (Result<bool> installed = installConfig(m_folder, m_options, config); !installed)
        return installed.error();

    Result<qint64> pid = launch(m_folder, m_options,
                                {QStringLiteral("-D"), QStringLiteral("-f"), m_folder.configPath(),
                                 QStringLiteral("-x"), m_folder.socketPath(), QStringLiteral("-sf"),
                                 QString::number(m_pid)},
                                m_pid);
    if (!pid) {
        // The old process never got -sf's signal and still serves; keep its configuration on
        // disk so the next start or reload does not pick up the rejected one.
        QSaveFile restore(m_folder.configPath());
        if (restore.open(QIODevice::WriteOnly)) {
            restore.write(previous);
            restore.commit();
        }
        return pid.error();
    }
    qCInfo(lcHaproxyProcess) << "reloaded haproxy" << m_pid << "->" << *pid;
    m_retiring.append(m_pid);
    m_pid = *pid;
    return true;
}

Result<bool> HaproxyProcess::stop(std::chrono::milliseconds grace)
{
    QList<qint64> pids;
    for (qint64 pid : std::as_const(m_retiring)) {
        if (isHaproxyRunning(pid))
            pids.append(pid);
    }
    if (isHaproxyRunning(m_pid))
        pids.append(m_pid);

    for (qint64 pid : std::as_const(pids))
        signalProcess(pid, SIGUSR1);
    if (!waitUntilGone(pids, Clock::now() + grace)) {
        for (qint64 pid : std::as_const(pids)) {
            if (isHaproxyRunning(pid))
                signalProcess(pid, SIGTERM);
        }
        if (!waitUntilGone(pids, Clock::now() + 2s)) {
            for (qint64 pid : std::as_const(pids)) {
                if (isHaproxyRunning(pid))
                    signalProcess(pid, SIGKILL);
            }
            if (!waitUntilGone(pids, Clock::now() + 2s))
                return Error{QStringLiteral("haproxy %1 survived SIGKILL").arg(m_pid),
                             m_folder.path};
        }
    }
    QFile::remove(m_folder.pidPath());
    QFile::remove(m_folder.socketPath());
    m_retiring.clear();
    qCInfo(lcHaproxyProcess) << "stopped haproxy" << m_pid << "in" << m_folder.path;
    return true;
}

} // namespace launchdeck::traffic
