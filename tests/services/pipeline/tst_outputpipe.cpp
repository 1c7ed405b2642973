// The step output pipe on its own: everything read in order, read in paced rounds while output
// flows and waited for once it is dry, the step's end left blocking, and the end of a step
// (drain) bounded and final whatever still holds the pipe.
#include "pipeline/outputpipe.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

using namespace launchdeck;

namespace {

// Numbered lines, as a chatty step prints them.
QByteArray numberedLines(int count)
{
    QByteArray text;
    for (int i = 1; i <= count; ++i) {
        text += QByteArray::number(i);
        text += '\n';
    }
    return text;
}

// Writes `bytes` to `fd` in writes of `piece` bytes, as a program's buffered output does.
void writeAll(int fd, QByteArrayView bytes, qsizetype piece)
{
    while (!bytes.isEmpty()) {
        const ssize_t wrote =
            ::write(fd, bytes.data(), static_cast<size_t>(std::min(piece, bytes.size())));
        if (wrote <= 0)
            return;
        bytes = bytes.sliced(wrote);
    }
}

} // namespace

class TestOutputPipe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // A write to a pipe nobody reads must fail with EPIPE here, not end the test.
        std::signal(SIGPIPE, SIG_IGN);
    }

    void readsEverythingInOrderInPacedRounds()
    {
        const QByteArray text = numberedLines(300'000); // about 2 MB
        // Compared as it comes (a copy of it all would make the reader the slow side).
        qsizetype received = 0;
        bool same = true;
        // When each round first and last gave the sink bytes: times taken as the pipe is read, so
        // a reader delayed after a round can only widen the gap before the next.
        using Clock = std::chrono::steady_clock;
        struct Round
        {
            Clock::time_point first;
            Clock::time_point last;
            std::vector<qsizetype> pieces; // the sizes the sink was given
        };
        std::vector<Round> rounds;
        Round current;
        OutputPipe pipe([&](QByteArrayView bytes) {
            same = same && QByteArrayView(text).sliced(received, bytes.size()) == bytes;
            received += bytes.size();
            current.pieces.push_back(bytes.size());
            current.last = Clock::now();
            if (current.first == Clock::time_point())
                current.first = current.last;
        });
        QString error;
        QVERIFY2(pipe.open(&error), qPrintable(error));
        connect(&pipe, &OutputPipe::outputRead, this, [&] {
            rounds.push_back(current);
            current = Round();
        });

        constexpr qsizetype kPiece = 4096;
        // The writer holds its own copy of the write end, as a step's process does, and works a
        // little between its writes, as a program printing lines does.
        const int writer = ::dup(pipe.writeEnd());
        pipe.closeWriteEnd();
        std::thread thread([&] {
            for (qsizetype at = 0; at < text.size(); at += kPiece) {
                writeAll(writer,
                         QByteArrayView(text).sliced(at, std::min(kPiece, text.size() - at)),
                         kPiece);
                const auto busyUntil =
                    std::chrono::steady_clock::now() + std::chrono::microseconds(20);
                while (std::chrono::steady_clock::now() < busyUntil) {
                }
            }
            ::close(writer);
        });
        // A running event loop, as the runner's thread has (QTRY_ waits sleep between looks).
        QEventLoop loop;
        connect(&pipe, &OutputPipe::outputRead, &loop, [&] {
            if (received == text.size())
                loop.quit();
        });
        QTimer::singleShot(30'000, &loop, &QEventLoop::quit);
        loop.exec();
        thread.join();
        QCOMPARE(received, text.size());
        QVERIFY(same);
        // A reader taking each write as it landed would read again within microseconds; this
        // one looks again only kPace after a round that found output, and within a round reads
        // again only after a read that filled its buffer (the pipe may hold more).
        for (size_t i = 0; i < rounds.size(); ++i) {
            const std::vector<qsizetype>& pieces = rounds[i].pieces;
            for (size_t p = 0; p + 1 < pieces.size(); ++p) {
                QVERIFY2(pieces[p] == OutputPipe::kReadBytes,
                         qPrintable(QStringLiteral("round %1 read again after a read of %2 bytes, "
                                                   "which had taken all the pipe held")
                                        .arg(i)
                                        .arg(pieces[p])));
            }
            if (i == 0)
                continue;
            const auto gap = rounds[i].first - rounds[i - 1].last;
            QVERIFY2(
                gap >= OutputPipe::kPace,
                qPrintable(
                    QStringLiteral("round %1 began %2 us after the one before ended")
                        .arg(i)
                        .arg(std::chrono::duration_cast<std::chrono::microseconds>(gap).count())));
        }
    }

    void waitsWhenDryAndWakesOnOutput()
    {
        QByteArray received;
        OutputPipe pipe([&](QByteArrayView bytes) { received += bytes; });
        QString error;
        QVERIFY2(pipe.open(&error), qPrintable(error));
        int rounds = 0;
        connect(&pipe, &OutputPipe::outputRead, this, [&] { ++rounds; });
        writeAll(pipe.writeEnd(), "first\n", 64);
        QTRY_COMPARE(received, QByteArray("first\n"));
        QTest::qWait(100);
        QCOMPARE(rounds, 1);
        writeAll(pipe.writeEnd(), "second\n", 64);
        QTRY_COMPARE(received, QByteArray("first\nsecond\n"));
        QCOMPARE(rounds, 2);
    }

    void stepEndStaysBlocking()
    {
        OutputPipe pipe([](QByteArrayView) {});
        QString error;
        QVERIFY2(pipe.open(&error), qPrintable(error));
        // Programs expect a blocking standard output; only the runner's end must not wait.
        QCOMPARE(::fcntl(pipe.writeEnd(), F_GETFL) & O_NONBLOCK, 0);
        QCOMPARE(::fcntl(pipe.writeEnd(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    }

    void drainTakesWhatIsLeftAndCloses()
    {
        QByteArray received;
        OutputPipe pipe([&](QByteArrayView bytes) { received += bytes; });
        QString error;
        QVERIFY2(pipe.open(&error), qPrintable(error));
        // A process the step left behind still holds the pipe.
        const int leftBehind = ::dup(pipe.writeEnd());
        pipe.closeWriteEnd();
        const QByteArray text = numberedLines(50'000);
        writeAll(leftBehind, text, 4096);
        pipe.drainAndClose();
        QCOMPARE(received, text);
        // Nothing reads the pipe any more: what it writes now fails instead of piling up.
        errno = 0;
        QCOMPARE(::write(leftBehind, "late\n", 5), ssize_t(-1));
        QCOMPARE(errno, EPIPE);
        ::close(leftBehind);
        QTest::qWait(20);
        QCOMPARE(received, text);
    }

    void drainIsBoundedWhileSomethingKeepsWriting()
    {
        qsizetype received = 0;
        OutputPipe pipe([&](QByteArrayView bytes) { received += bytes.size(); });
        QString error;
        QVERIFY2(pipe.open(&error), qPrintable(error));
        const int writer = ::dup(pipe.writeEnd());
        pipe.closeWriteEnd();
        std::atomic<bool> stop = false;
        std::thread thread([&] {
            const QByteArray block(64 * 1024, 'x');
            while (!stop && ::write(writer, block.constData(), size_t(block.size())) > 0) {
            }
            ::close(writer);
        });
        QTRY_VERIFY(received > 0);
        // Returns although the writer never stops: one round's worth at most.
        pipe.drainAndClose();
        stop = true;
        thread.join();
        QVERIFY(received > 0);
    }

    void saysWhyItCannotOpen()
    {
        // No descriptor left: every one below the limit is taken (dup gives the lowest free).
        rlimit saved{};
        QCOMPARE(::getrlimit(RLIMIT_NOFILE, &saved), 0);
        const int lowestFree = ::dup(STDIN_FILENO);
        QVERIFY(lowestFree > 0);
        ::close(lowestFree);
        rlimit tight = saved;
        tight.rlim_cur = static_cast<rlim_t>(lowestFree);
        QCOMPARE(::setrlimit(RLIMIT_NOFILE, &tight), 0);
        OutputPipe pipe([](QByteArrayView) {});
        QString error;
        const bool opened = pipe.open(&error);
        ::setrlimit(RLIMIT_NOFILE, &saved);
        QVERIFY(!opened);
        QVERIFY2(error.startsWith(QStringLiteral("cannot make the output pipe: ")),
                 qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("open files")), qPrintable(error));
        pipe.drainAndClose(); // nothing to read or close: no effect
    }

    void endsWhenEveryWriterHasClosed()
    {
        QByteArray received;
        OutputPipe pipe([&](QByteArrayView bytes) { received += bytes; });
        QString error;
        QVERIFY2(pipe.open(&error), qPrintable(error));
        writeAll(pipe.writeEnd(), "only line\n", 64);
        pipe.closeWriteEnd();
        QTRY_COMPARE(received, QByteArray("only line\n"));
        // At its end the pipe reads as empty for ever; the reader must stop looking rather than
        // take it as output arriving: the event loop stays idle.
        QElapsedTimer clock;
        clock.start();
        timespec before{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &before);
        QTest::qWait(200);
        timespec after{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &after);
        const double busyMs =
            (after.tv_sec - before.tv_sec) * 1e3 + (after.tv_nsec - before.tv_nsec) / 1e6;
        QVERIFY2(busyMs < 50, qPrintable(QStringLiteral("%1 ms of CPU while idle").arg(busyMs)));
        pipe.drainAndClose();
        QCOMPARE(received, QByteArray("only line\n"));
    }
};

QTEST_GUILESS_MAIN(TestOutputPipe)
#include "tst_outputpipe.moc"
