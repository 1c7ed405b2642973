// The pipe a step's processes write their output to (standard output and error alike), read by
// the runner in paced rounds: while output flows it is read at most every kPace, so the writer
// finds data still waiting and has no sleeping reader to wake on each write (a wake-up costs a
// writer of short lines more than copying them), and a round reads again only when its read
// filled the buffer, so the reader does not chase the writer page by page; once the pipe runs
// dry the reader waits for it.
#pragma once

#include <QByteArrayView>
#include <QObject>

#include <chrono>
#include <functional>
#include <memory>

class QSocketNotifier;

namespace launchdeck {

class OutputPipe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OutputPipe)

public:
    using Sink = std::function<void(QByteArrayView bytes)>;

    static constexpr std::chrono::microseconds kPace{250};
    // The most one read takes: small enough to stay in the core's cache on its way to the log.
    static constexpr qsizetype kReadBytes = 256 * 1024;

    // `sink` is given everything read, in order, in pieces of any size.
    explicit OutputPipe(Sink sink, QObject* parent = nullptr);
    ~OutputPipe() override;

    // Makes the pipe (1 MiB where the kernel allows); false with the reason when it cannot.
    bool open(QString* error);
    // The end a child makes its standard output and error (in the child, before exec).
    int writeEnd() const { return m_writeFd; }
    // Once the child holds its copy: the runner's own is closed, so the pipe ends with the step.
    void closeWriteEnd();
    // Reads all the pipe holds now, without waiting (the step's main process has ended), and
    // stops reading: what the step's processes write later is not taken.
    void drainAndClose();

Q_SIGNALS:
    // After a round that gave the sink something.
    void outputRead();

private:
    struct Read
    {
        qsizetype bytes = 0;
        bool ended = false; // every writer closed the pipe (or reading it failed)
    };
    enum class Until {
        ShortRead, // a read that leaves the buffer part empty (the pipe held less)
        Dry,       // the pipe holds nothing more
    };
    // Reads until `until`, the pipe has ended or one round's worth is read, feeding the sink.
    Read readAvailable(Until until);
    void readRound();
    void armPace();
    void closeAll();

    Sink m_sink;
    int m_readFd = -1;
    int m_writeFd = -1;
    int m_paceFd = -1;
    QSocketNotifier* m_readable = nullptr;
    QSocketNotifier* m_paced = nullptr;
    std::unique_ptr<char[]> m_buffer;
};

} // namespace launchdeck
