// A step's output pipe, read in paced rounds.
#include "pipeline/outputpipe.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace launchdeck {

namespace {
// A chatty step writes on while the runner is busy elsewhere (the kernel may cap it).
constexpr int kPipeBytes = 1024 * 1024;
// One round takes at most this much, so the other steps of a run get their turn and a process
// left writing after its step ended cannot hold the runner.
constexpr qsizetype kRoundBytes = 4 * 1024 * 1024;

QString systemError(const char* what)
{
    return QStringLiteral("%1: %2").arg(QLatin1String(what),
                                        QString::fromLocal8Bit(std::strerror(errno)));
}
} // namespace

OutputPipe::OutputPipe(Sink sink, QObject* parent)
    : QObject(parent)
    , m_sink(std::move(sink))
{}

OutputPipe::~OutputPipe()
{
    closeWriteEnd();
    closeAll();
}

bool OutputPipe::open(QString* error)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        *error = systemError("cannot make the output pipe");
        return false;
    }
    m_readFd = fds[0];
    m_writeFd = fds[1];
    // Only the runner's end waits for nothing: the step's end stays blocking, as programs expect.
    ::fcntl(m_readFd, F_SETFL, ::fcntl(m_readFd, F_GETFL) | O_NONBLOCK);
    ::fcntl(m_writeFd, F_SETPIPE_SZ, kPipeBytes);
    m_paceFd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_paceFd < 0) {
        *error = systemError("cannot make the output pipe's timer");
        closeWriteEnd();
        closeAll();
        return false;
    }
    m_buffer.reset(new char[kReadBytes]);
    m_readable = new QSocketNotifier(m_readFd, QSocketNotifier::Read, this);
    connect(m_readable, &QSocketNotifier::activated, this, &OutputPipe::readRound);
    m_paced = new QSocketNotifier(m_paceFd, QSocketNotifier::Read, this);
    m_paced->setEnabled(false);
    connect(m_paced, &QSocketNotifier::activated, this, [this] {
        std::uint64_t expirations = 0;
        [[maybe_unused]] const ssize_t cleared = ::read(m_paceFd, &expirations, sizeof expirations);
        readRound();
    });
    return true;
}

void OutputPipe::closeWriteEnd()
{
    if (m_writeFd >= 0)
        ::close(m_writeFd);
    m_writeFd = -1;
}

OutputPipe::Read OutputPipe::readAvailable(Until until)
{
    Read read;
    while (read.bytes < kRoundBytes) {
        const ssize_t got = ::read(m_readFd, m_buffer.get(), kReadBytes);
        if (got > 0) {
            m_sink(QByteArrayView(m_buffer.get(), got));
            read.bytes += got;
            // A read that did not fill the buffer took all the pipe held: reading again at once
            // would chase the writer a few pages at a time, each read contending with its writes
            // for the pipe's lock, where the next round finds a pace's worth waiting.
            if (until == Until::ShortRead && got < kReadBytes)
                break;
        } else if (got < 0 && errno == EINTR) {
            continue;
        } else {
            // 0: every process holding the pipe has closed it. EAGAIN: it is dry for now.
            read.ended = got == 0 || errno != EAGAIN;
            break;
        }
    }
    return read;
}

void OutputPipe::readRound()
{
    if (m_readFd < 0)
        return;
    const Read read = readAvailable(Until::ShortRead);
    if (read.ended) {
        m_readable->setEnabled(false);
        m_paced->setEnabled(false);
    } else if (read.bytes > 0) {
        // Output flows: look again after kPace rather than as soon as the next write lands.
        m_readable->setEnabled(false);
        armPace();
    } else {
        m_paced->setEnabled(false);
        m_readable->setEnabled(true);
    }
    if (read.bytes > 0)
        Q_EMIT outputRead();
}

void OutputPipe::armPace()
{
    itimerspec when{};
    when.it_value.tv_nsec = std::chrono::nanoseconds(kPace).count();
    ::timerfd_settime(m_paceFd, 0, &when, nullptr);
    m_paced->setEnabled(true);
}

void OutputPipe::drainAndClose()
{
    // One round at most: a process the step left behind may go on writing.
    if (m_readFd >= 0)
        readAvailable(Until::Dry);
    closeAll();
}

void OutputPipe::closeAll()
{
    delete m_readable;
    m_readable = nullptr;
    delete m_paced;
    m_paced = nullptr;
    for (int* fd : {&m_readFd, &m_paceFd}) {
        if (*fd >= 0)
            ::close(*fd);
        *fd = -1;
    }
    m_buffer.reset();
}

} // namespace launchdeck
