// Output handling below the runner: ring buffer, line splitting, masking and the step log file.
#include "pipeline/linesplitter.h"
#include "pipeline/ringbuffer.h"
#include "pipeline/secretmasker.h"
#include "pipeline/steplog.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace launchdeck;

namespace {

struct Piece
{
    QByteArray bytes;
    bool continuation;
    bool endsLine;
};

QList<Piece> split(const QList<QByteArray>& chunks, qsizetype maxLine = 64,
                   const SecretMasker* masker = nullptr)
{
    QList<Piece> pieces;
    LineSplitter splitter(
        [&](QByteArrayView piece, bool c, bool e) {
            pieces.append({piece.toByteArray(), c, e});
        },
        maxLine, masker);
    for (const QByteArray& chunk : chunks)
        splitter.feed(chunk);
    splitter.finish();
    return pieces;
}

} // namespace

class TestPipelineOutput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ringBufferKeepsNewest()
    {
        RingBuffer<int> ring(3);
        QCOMPARE(ring.capacity(), 3u);
        QVERIFY(ring.isEmpty());
        for (int i = 1; i <= 2; ++i)
            ring.push(i);
        QCOMPARE(ring.toList(), (QList<int>{1, 2}));
        for (int i = 3; i <= 7; ++i)
            ring.push(i);
        QCOMPARE(ring.size(), 3u);
        QVERIFY(ring.isFull());
        QCOMPARE(ring.toList(), (QList<int>{5, 6, 7}));
        QCOMPARE(ring.at(0), 5);
        QCOMPARE(ring.newest(), 7);
        QCOMPARE(ring.dropped(), 4u);
        QCOMPARE(ring.pushed(), 7u);
        ring.clear();
        QVERIFY(ring.isEmpty());
        ring.push(9);
        QCOMPARE(ring.toList(), QList<int>{9});
    }

    void linesAcrossChunks()
    {
        const auto pieces = split({"one\r\ntw", "o\nthr", "ee"});
        QCOMPARE(pieces.size(), 3);
        QCOMPARE(pieces[0].bytes, QByteArray("one"));
        QCOMPARE(pieces[1].bytes, QByteArray("two"));
        QCOMPARE(pieces[2].bytes, QByteArray("three"));
        QVERIFY(pieces[2].endsLine);
        QVERIFY(!pieces[2].continuation);
    }

    void crlfSplitBetweenChunks()
    {
        const auto pieces = split({"a\r", "\nb\n"});
        QCOMPARE(pieces.size(), 2);
        QCOMPARE(pieces[0].bytes, QByteArray("a"));
        QCOMPARE(pieces[1].bytes, QByteArray("b"));
    }

    void ansiKept()
    {
        const auto pieces = split({"\x1b[31mred\x1b[0m\n"});
        QCOMPARE(pieces[0].bytes, QByteArray("\x1b[31mred\x1b[0m"));
    }

    void overlongLineIsCut()
    {
        const QByteArray line(200, 'x');
        const auto pieces = split({line.left(70), line.mid(70), "\nnext\n"});
        QByteArray joined;
        for (int i = 0; i < pieces.size() - 1; ++i) {
            QVERIFY(pieces[i].bytes.size() <= 64 + 1);
            QCOMPARE(pieces[i].continuation, i > 0);
            QCOMPARE(pieces[i].endsLine, i == pieces.size() - 2);
            joined += pieces[i].bytes;
        }
        QCOMPARE(joined, line);
        QCOMPARE(pieces.last().bytes, QByteArray("next"));
        QVERIFY(!pieces.last().continuation);
    }

    void cutNeverSplitsASecret()
    {
        SecretMasker masker;
        masker.add(QStringLiteral("hunter2-secret"));
        // Place the secret across every possible cut position.
        for (int offset = 40; offset < 70; ++offset) {
            const QByteArray line =
                QByteArray(offset, 'a') + "hunter2-secret" + QByteArray(100, 'b') + '\n';
            const auto pieces = split({line}, 64, &masker);
            bool whole = false;
            for (const Piece& p : pieces) {
                QByteArray masked = p.bytes;
                masker.mask(masked);
                QVERIFY2(!masked.contains("hunter"), masked.constData());
                whole = whole || p.bytes.contains("hunter2-secret");
            }
            QVERIFY(whole);
        }
    }

    void utf8NotCut()
    {
        QByteArray line;
        for (int i = 0; i < 50; ++i)
            line += "\xc3\xa9"; // é
        SecretMasker masker;
        const auto pieces = split({line + '\n'}, 33, &masker);
        for (const Piece& p : pieces)
            QVERIFY(QString::fromUtf8(p.bytes).toUtf8() == p.bytes);
    }

    void maskerReplacesValues()
    {
        SecretMasker masker;
        masker.add(QStringLiteral("abc"));
        masker.add(QStringLiteral("abcdef\nsecond line\r\n"));
        QByteArray text("x abcdef y abc z second line");
        QVERIFY(masker.mask(text));
        QCOMPARE(text, QByteArray("x *** y *** z ***"));
        QCOMPARE(masker.mask(QStringLiteral("nothing")), QStringLiteral("nothing"));
    }

    void stepLogMasksAndWritesFile()
    {
        QTemporaryDir dir;
        SecretMasker masker;
        masker.add(QStringLiteral("s3cr3t"));
        StepLog log(QStringLiteral("r1"), QStringLiteral("step"),
                    dir.filePath(QStringLiteral("step.log")), &masker);
        QVERIFY(log.open(nullptr));
        log.feed("token is s3cr3t\n::add-mask::later-value\nnow later-value shows\npartial");
        log.endStream();
        const LogBatch lines = log.takePending();
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0].text, QStringLiteral("token is ***"));
        QCOMPARE(lines[1].text, QStringLiteral("::add-mask::***"));
        QCOMPARE(lines[2].text, QStringLiteral("now *** shows"));
        QCOMPARE(lines[3].text, QStringLiteral("partial"));
        QCOMPARE(lines[3].number, 4);
        QFile file(dir.filePath(QStringLiteral("step.log")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(!bytes.contains("s3cr3t"));
        QVERIFY(!bytes.contains("later-value"));
        QCOMPARE(bytes, QByteArray("token is ***\n::add-mask::***\nnow *** shows\npartial\n"));
    }
};

QTEST_GUILESS_MAIN(TestPipelineOutput)
#include "tst_pipelineoutput.moc"
