// dockerd under QProcess with everything of its own under one temporary folder, so that its
// processes are found by that folder in their command lines and its mounts by their paths.
#include "fakes/dockerdaemon.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QThread>

#include <curl/curl.h>

#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>

namespace launchdeck::test {

namespace {

constexpr int kPingTimeoutMs = 60000;
constexpr int kTermTimeoutMs = 20000;

const char* const kBusyboxApplets[] = {"sh", "sleep", "yes", "echo", "httpd", "cat",
                                       "ls", "wget",  "env", "true", "false", "kill",
                                       "ps", "top",   "dd",  "head", "seq",   "printf"};

size_t appendTo(char* data, size_t size, size_t count, void* target)
{
    static_cast<QByteArray*>(target)->append(data, qsizetype(size * count));
    return size * count;
}

// A request to the daemon's socket; returns the HTTP status, 0 when there was no answer.
long request(const QString& socketPath, const char* method, const QByteArray& path,
             const QByteArray& body, QByteArray* answer, long timeoutMs)
{
    CURL* curl = curl_easy_init();
    if (!curl)
        return 0;
    const QByteArray url = QByteArrayLiteral("http://localhost") + path;
    const QByteArray socket = QFile::encodeName(socketPath);
    curl_easy_setopt(curl, CURLOPT_URL, url.constData());
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket.constData());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeoutMs);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &appendTo);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, answer);
    curl_slist* headers = nullptr;
    if (!body.isEmpty()) {
        headers = curl_slist_append(headers, "Content-Type: application/x-tar");
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.constData());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
    }
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

bool processAlive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    // A zombie has ended; only its parent's wait is missing.
    return close < 0 || line.mid(close + 2, 1) != "Z";
}

// Processes whose command line mentions `marker`, and all their descendants.
QSet<qint64> processesOf(const QString& marker, qint64 extraRoot)
{
    QHash<qint64, QList<qint64>> children;
    QSet<qint64> roots;
    if (extraRoot > 0)
        roots.insert(extraRoot);
    const QByteArray needle = QFile::encodeName(marker);
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString& entry : entries) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid || pid == getpid())
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(needle))
            roots.insert(pid);
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (stat.open(QIODevice::ReadOnly)) {
            const QByteArray line = stat.readAll();
            const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
            if (fields.size() > 1)
                children[fields.at(1).toLongLong()].append(pid);
        }
    }
    QSet<qint64> all;
    QList<qint64> pending(roots.begin(), roots.end());
    while (!pending.isEmpty()) {
        const qint64 pid = pending.takeLast();
        if (all.contains(pid))
            continue;
        all.insert(pid);
        pending.append(children.value(pid));
    }
    return all;
}

QString tailOf(const QString& path, int lineCount)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no log)");
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QStringList tail;
    for (qsizetype i = std::max<qsizetype>(0, lines.size() - lineCount); i < lines.size(); ++i)
        tail.append(QString::fromUtf8(lines.at(i)));
    return tail.join(u'\n');
}

// Kills every process that belongs to the daemon under `root` and unmounts what it left.
void releaseFolder(const QString& root)
{
    // containerd, the shims and the containers' processes outlive dockerd when it was killed
    // or gave up waiting; they all carry the folder in their command line or descend from one
    // that does.
    const QDeadlineTimer deadline(10000);
    QSet<qint64> left = processesOf(root, 0);
    for (qint64 pid : left)
        ::kill(pid_t(pid), SIGKILL);
    while (!deadline.hasExpired() &&
           std::any_of(left.begin(), left.end(), [](qint64 pid) { return processAlive(pid); }))
        QThread::msleep(50);

    // Overlay and namespace mounts would keep the folder from being removed; deepest first.
    QFile mounts(QStringLiteral("/proc/mounts"));
    QStringList targets;
    if (mounts.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : mounts.readAll().split('\n')) {
            const QList<QByteArray> fields = line.split(' ');
            if (fields.size() > 1) {
                const QString target = QFile::decodeName(fields.at(1));
                if (target.startsWith(root + u'/'))
                    targets.append(target);
            }
        }
    }
    std::sort(targets.begin(), targets.end(),
              [](const QString& a, const QString& b) { return a.size() > b.size(); });
    for (const QString& target : targets)
        umount2(QFile::encodeName(target).constData(), MNT_DETACH);
}

// The test process that owns a folder: a daemon it killed on purpose (to restart it) leaves a
// dead pidfile behind for a moment, and its folder is not abandoned while the test lives.
const QString kOwnerFile = QStringLiteral("/owner.pid");

// A test killed by its timeout cannot clean up: its shims and containers live on with the
// folder. A folder whose owner and dockerd are both gone is such a leftover (a live one keeps
// its pidfile's process running; a starting one has no pidfile yet).
void releaseAbandonedFolders()
{
    const QDir temp(QDir::tempPath());
    for (const QString& name : temp.entryList({QStringLiteral("ld-*")}, QDir::Dirs)) {
        const QString root = temp.filePath(name);
        QFile ownerFile(root + kOwnerFile);
        if (ownerFile.open(QIODevice::ReadOnly)) {
            bool isOwner = false;
            const qint64 owner = ownerFile.readAll().trimmed().toLongLong(&isOwner);
            if (isOwner && processAlive(owner))
                continue;
        }
        QFile pidFile(root + QStringLiteral("/docker.pid"));
        if (!pidFile.open(QIODevice::ReadOnly))
            continue;
        bool isPid = false;
        const qint64 pid = pidFile.readAll().trimmed().toLongLong(&isPid);
        if (isPid && processAlive(pid))
            continue;
        releaseFolder(root);
        QDir(root).removeRecursively();
    }
}

} // namespace

DockerDaemon::DockerDaemon() = default;

DockerDaemon::~DockerDaemon()
{
    stop();
    if (!m_rootPath.isEmpty())
        QDir(m_rootPath).removeRecursively();
}

QString DockerDaemon::socketPath() const
{
    return m_rootPath + QStringLiteral("/docker.sock");
}

QString DockerDaemon::logPath() const
{
    return m_rootPath + QStringLiteral("/dockerd.log");
}

qint64 DockerDaemon::processId() const
{
    return m_process ? m_process->processId() : 0;
}

bool DockerDaemon::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

QString DockerDaemon::failure(const QString& what) const
{
    return what + QStringLiteral("; dockerd's log %1 ends with:\n").arg(logPath()) +
           tailOf(logPath(), 15);
}

bool DockerDaemon::start(QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (geteuid() != 0)
        return fail(QStringLiteral("dockerd needs root; the tests run as uid %1").arg(geteuid()));
    const QString dockerd = QStandardPaths::findExecutable(QStringLiteral("dockerd"));
    if (dockerd.isEmpty())
        return fail(QStringLiteral("dockerd is not installed (Debian package docker.io)"));

    releaseAbandonedFolders();
    // The socket path must fit sockaddr_un, so the folder stays short.
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/ld-XXXXXX"));
    m_dir->setAutoRemove(false);
    if (!m_dir->isValid())
        return fail(QStringLiteral("cannot create a temporary folder: ") + m_dir->errorString());
    m_rootPath = m_dir->path();
    QFile ownerFile(m_rootPath + kOwnerFile);
    if (!ownerFile.open(QIODevice::WriteOnly) ||
        ownerFile.write(QByteArray::number(QCoreApplication::applicationPid())) < 0)
        return fail(QStringLiteral("cannot write %1").arg(ownerFile.fileName()));
    ownerFile.close();
    if (socketPath().size() > 100)
        return fail(QStringLiteral("the socket path %1 is too long").arg(socketPath()));

    if (!launch(error))
        return false;
    return importBusybox(error);
}

bool DockerDaemon::restart(QString* error)
{
    if (m_rootPath.isEmpty()) {
        if (error)
            *error = QStringLiteral("restart() needs a daemon that was started before");
        return false;
    }
    if (isRunning())
        kill();
    // dockerd reuses the containerd its pidfile names while that process exists, and a
    // zombie (containerd died with the killed dockerd, its reaper has not come by yet) exists
    // to it: it would wait a minute for a socket nobody serves.
    QFile containerdPid(m_rootPath + QStringLiteral("/exec/containerd/containerd.pid"));
    if (containerdPid.open(QIODevice::ReadOnly)) {
        bool isPid = false;
        const qint64 pid = containerdPid.readAll().trimmed().toLongLong(&isPid);
        containerdPid.close();
        if (isPid && !processAlive(pid))
            containerdPid.remove();
    }
    return launch(error);
}

bool DockerDaemon::launch(QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    const QString dockerd = QStandardPaths::findExecutable(QStringLiteral("dockerd"));
    m_process = std::make_unique<QProcess>();
    m_process->setProgram(dockerd);
    m_process->setArguments({
        QStringLiteral("--host"),
        host(),
        QStringLiteral("--data-root"),
        m_rootPath + QStringLiteral("/data"),
        QStringLiteral("--exec-root"),
        m_rootPath + QStringLiteral("/exec"),
        QStringLiteral("--pidfile"),
        m_rootPath + QStringLiteral("/docker.pid"),
        QStringLiteral("--iptables=false"),
        QStringLiteral("--bridge=none"),
        // Networks the tests create take subnets from a pool of this daemon's own, so daemons
        // of suites running side by side never route the same addresses.
        QStringLiteral("--default-address-pool"),
        QStringLiteral("base=10.%1.0.0/16,size=24").arg(100 + int(getpid() % 150)),
        QStringLiteral("--shutdown-timeout=2"),
    });
    m_process->setArguments(m_process->arguments() + m_extraArguments);
    // A test that crashes or is killed by its timeout must not leave a daemon behind; dockerd
    // passes the same on to its containerd.
    m_process->setChildProcessModifier([] { prctl(PR_SET_PDEATHSIG, SIGKILL); });
    // Appended, so that a restart keeps what the daemon said before it died.
    m_process->setStandardOutputFile(logPath(), QIODevice::Append);
    m_process->setStandardErrorFile(logPath(), QIODevice::Append);
    m_process->start();
    if (!m_process->waitForStarted(10000))
        return fail(failure(QStringLiteral("dockerd did not start: ") + m_process->errorString()));
    return waitForPing(error);
}

bool DockerDaemon::waitForPing(QString* error)
{
    const QDeadlineTimer deadline(kPingTimeoutMs);
    while (!deadline.hasExpired()) {
        QByteArray answer;
        if (request(socketPath(), "GET", "/_ping", {}, &answer, 1000) == 200 && answer == "OK")
            return true;
        // Waiting on the process, not sleeping, is what notices that it exited.
        if (m_process->state() == QProcess::NotRunning || m_process->waitForFinished(100)) {
            if (error)
                *error = failure(QStringLiteral("dockerd exited with code %1 before answering")
                                     .arg(m_process->exitCode()));
            return false;
        }
    }
    if (error)
        *error = failure(
            QStringLiteral("dockerd did not answer /_ping within %1 s").arg(kPingTimeoutMs / 1000));
    return false;
}

bool DockerDaemon::importBusybox(QString* error)
{
    const QString busybox = QStandardPaths::findExecutable(
        QStringLiteral("busybox"), {QStringLiteral("/bin"), QStringLiteral("/usr/bin")});
    const QString bin = m_rootPath + QStringLiteral("/rootfs/bin");
    if (busybox.isEmpty() || !QDir().mkpath(bin) ||
        !QFile::copy(busybox, bin + QStringLiteral("/busybox"))) {
        if (error)
            *error = QStringLiteral("cannot copy busybox (Debian package busybox-static)");
        return false;
    }
    for (const char* applet : kBusyboxApplets)
        QFile::link(QStringLiteral("busybox"), bin + u'/' + QLatin1String(applet));
    QDir(m_rootPath + QStringLiteral("/rootfs")).mkpath(QStringLiteral("tmp"));

    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-C"), m_rootPath + QStringLiteral("/rootfs"),
                                      QStringLiteral("-c"), QStringLiteral(".")});
    if (!tar.waitForFinished(30000) || tar.exitCode() != 0) {
        if (error)
            *error = QStringLiteral("tar of the busybox rootfs failed: ") +
                     QString::fromUtf8(tar.readAllStandardError());
        return false;
    }
    const QByteArray archive = tar.readAllStandardOutput();
    QByteArray answer;
    const long status =
        request(socketPath(), "POST", "/v1.41/images/create?fromSrc=-&repo=busybox&tag=local",
                archive, &answer, 60000);
    if (status != 200 || answer.contains("\"error\"")) {
        if (error)
            *error = failure(QStringLiteral("importing busybox:local failed (HTTP %1): %2")
                                 .arg(status)
                                 .arg(QString::fromUtf8(answer)));
        return false;
    }
    return true;
}

void DockerDaemon::kill()
{
    if (isRunning()) {
        ::kill(pid_t(m_process->processId()), SIGKILL);
        m_process->waitForFinished(10000);
    }
}

void DockerDaemon::freeze()
{
    if (isRunning())
        ::kill(pid_t(m_process->processId()), SIGSTOP);
}

void DockerDaemon::thaw()
{
    if (isRunning())
        ::kill(pid_t(m_process->processId()), SIGCONT);
}

void DockerDaemon::stop()
{
    if (m_rootPath.isEmpty())
        return;
    if (isRunning()) {
        ::kill(pid_t(m_process->processId()), SIGTERM);
        if (!m_process->waitForFinished(kTermTimeoutMs)) {
            ::kill(pid_t(m_process->processId()), SIGKILL);
            m_process->waitForFinished(5000);
        }
    }
    releaseFolder(m_rootPath);
    m_process.reset();
}

} // namespace launchdeck::test
