// Output handling below the runner: line splitting, masking, the step log file, batches of
// offsets into shared blocks, and the bounded backlog.
#include "pipeline/linesplitter.h"
#include "pipeline/logbacklog.h"
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
    qint64 number;
};

// The lines a step log indexes for `chunks` fed in that order (no file).
QList<Piece> split(const QList<QByteArray>& chunks, qsizetype maxLine = 64,
                   SecretMasker* masker = nullptr)
{
    StepLog log(QStringLiteral("r"), QStringLiteral("s"), QString(), masker, maxLine);
    for (const QByteArray& chunk : chunks)
        log.feed(chunk);
    log.endStream();
    LogBatch batch;
    for (LogChunk& chunk : log.takePending())
        batch.append(std::move(chunk));
    QList<Piece> pieces;
    for (qsizetype i = 0; i < batch.lineCount(); ++i)
        pieces.append({batch.bytes(i).toByteArray(), batch.isContinuation(i), batch.number(i)});
    return pieces;
}

LogChunk chunkOf(const QString& step, qint64 firstNumber, int lines, int bytesPerLine = 4)
{
    LogChunk chunk;
    chunk.runId = QStringLiteral("r");
    chunk.step = step;
    chunk.baseNumber = firstNumber;
    for (int i = 0; i < lines; ++i) {
        LogEntry entry;
        entry.offset = static_cast<quint32>(chunk.bytes.size());
        entry.lengthAndFlag = static_cast<quint32>(bytesPerLine - 1);
        entry.numberDelta = static_cast<quint32>(i);
        chunk.bytes += QByteArray::number(firstNumber + i).rightJustified(bytesPerLine - 1, '0');
        chunk.bytes += '\n';
        chunk.entries.append(entry);
    }
    return chunk;
}

} // namespace

class TestPipelineOutput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void batchAccessors()
    {
        LogBatch batch;
        QVERIFY(batch.isEmpty());
        batch.append(chunkOf(QStringLiteral("a"), 1, 3));
        batch.append(LogChunk{}); // empty chunks are not kept
        batch.append(chunkOf(QStringLiteral("b"), 7, 2));
        QCOMPARE(batch.lineCount(), 5);
        QCOMPARE(batch.chunks().size(), 2);
        QCOMPARE(batch.step(2), QStringLiteral("a"));
        QCOMPARE(batch.step(3), QStringLiteral("b"));
        QCOMPARE(batch.text(0), QStringLiteral("001"));
        QCOMPARE(batch.text(4), QStringLiteral("008"));
        QCOMPARE(batch.number(3), 7);
        const LogLine line = batch.line(4);
        QCOMPARE(line.step, QStringLiteral("b"));
        QCOMPARE(line.text, QStringLiteral("008"));
        QCOMPARE(line.number, 8);
        QStringList iterated;
        for (const LogLine& l : batch)
            iterated << l.step + l.text;
        QCOMPARE(iterated, (QStringList{QStringLiteral("a001"), QStringLiteral("a002"),
                                        QStringLiteral("a003"), QStringLiteral("b007"),
                                        QStringLiteral("b008")}));
        LogBatch joined;
        joined.append(batch);
        joined.append(batch);
        QCOMPARE(joined.lineCount(), 10);
        QCOMPARE(joined.text(9), QStringLiteral("008"));
    }

    void backlogBoundedByLines()
    {
        LogBacklog backlog(5, 1 << 20);
        backlog.push(chunkOf(QStringLiteral("s"), 1, 3));
        QCOMPARE(backlog.lineCount(), 3);
        backlog.push(chunkOf(QStringLiteral("s"), 4, 3));
        // Six held in whole chunks, the newest five shown.
        QCOMPARE(backlog.lineCount(), 5);
        QCOMPARE(backlog.dropped(), 1);
        LogBatch newest = backlog.newest();
        QCOMPARE(newest.lineCount(), 5);
        QCOMPARE(newest.number(0), 2);
        QCOMPARE(newest.number(4), 6);
        backlog.push(chunkOf(QStringLiteral("s"), 7, 3));
        newest = backlog.newest();
        QCOMPARE(newest.lineCount(), 5);
        QCOMPARE(newest.number(0), 5);
        QCOMPARE(newest.number(4), 9);
        QCOMPARE(backlog.dropped(), 4);
        backlog.clear();
        QVERIFY(backlog.newest().isEmpty());
    }

    void backlogBoundedByBytes()
    {
        LogBacklog backlog(1'000'000, 64 * 1024);
        for (int i = 0; i < 100; ++i)
            backlog.push(chunkOf(QStringLiteral("s"), i * 100 + 1, 100, 100));
        QVERIFY(backlog.byteCount() <= 64 * 1024);
        QVERIFY(backlog.byteCount() > 0);
        const LogBatch newest = backlog.newest();
        QCOMPARE(newest.number(newest.lineCount() - 1), 10'000);
        // One chunk larger than the bound is still kept: the newest output is never lost.
        backlog.push(chunkOf(QStringLiteral("s"), 10'001, 2000, 100));
        QCOMPARE(backlog.lineCount(), 2000);
    }

    void blocksEndAtLineEnds()
    {
        QList<QPair<QByteArray, bool>> blocks;
        LineSplitter splitter(
            [&](QByteArrayView bytes, bool endsLine) {
                blocks.append({bytes.toByteArray(), endsLine});
            },
            64);
        splitter.feed("one\r\ntw");
        splitter.feed("o\nthree\nfo");
        splitter.feed("ur");
        QCOMPARE(splitter.buffered(), 4);
        splitter.finish();
        QCOMPARE(blocks.size(), 4);
        QCOMPARE(blocks[0].first, QByteArray("one\r\n"));
        QCOMPARE(blocks[1].first, QByteArray("two\n"));
        QCOMPARE(blocks[2].first, QByteArray("three\n"));
        QCOMPARE(blocks[3].first, QByteArray("four\n"));
        for (const auto& block : blocks)
            QVERIFY(block.second);
    }

    void linesAcrossChunks()
    {
        const auto pieces = split({"one\r\ntw", "o\nthr", "ee"});
        QCOMPARE(pieces.size(), 3);
        QCOMPARE(pieces[0].bytes, QByteArray("one"));
        QCOMPARE(pieces[1].bytes, QByteArray("two"));
        QCOMPARE(pieces[2].bytes, QByteArray("three"));
        QCOMPARE(pieces[2].number, 3);
        QVERIFY(!pieces[2].continuation);
    }

    void crlfSplitBetweenChunks()
    {
        const auto pieces = split({"a\r", "\nb\n"});
        QCOMPARE(pieces.size(), 2);
        QCOMPARE(pieces[0].bytes, QByteArray("a"));
        QCOMPARE(pieces[1].bytes, QByteArray("b"));
    }

    void emptyLinesKept()
    {
        const auto pieces = split({"\n\nx\n\r\n"});
        QCOMPARE(pieces.size(), 4);
        QCOMPARE(pieces[2].bytes, QByteArray("x"));
        QVERIFY(pieces[3].bytes.isEmpty());
        QCOMPARE(pieces[3].number, 4);
    }

    void ansiKept()
    {
        const auto pieces = split({"\x1b[31mred\x1b[0m\n"});
        QCOMPARE(pieces[0].bytes, QByteArray("\x1b[31mred\x1b[0m"));
    }

    void overlongLineIsCut_data()
    {
        QTest::addColumn<QList<QByteArray>>("chunks");
        const QByteArray line(200, 'x');
        // Held across reads (cut by the splitter) and whole in one read (cut in the index).
        QTest::newRow("across reads") << QList<QByteArray>{line.left(70), line.mid(70), "\nnext\n"};
        QTest::newRow("in one read") << QList<QByteArray>{line + "\nnext\n"};
    }

    void overlongLineIsCut()
    {
        QFETCH(QList<QByteArray>, chunks);
        const auto pieces = split(chunks);
        QVERIFY(pieces.size() >= 4);
        QByteArray joined;
        for (int i = 0; i < pieces.size() - 1; ++i) {
            QVERIFY(pieces[i].bytes.size() <= 64 + 1);
            QCOMPARE(pieces[i].continuation, i > 0);
            QCOMPARE(pieces[i].number, 1);
            joined += pieces[i].bytes;
        }
        QCOMPARE(joined, QByteArray(200, 'x'));
        QCOMPARE(pieces.last().bytes, QByteArray("next"));
        QCOMPARE(pieces.last().number, 2);
        QVERIFY(!pieces.last().continuation);
    }

    void cutNeverRevealsASecret()
    {
        SecretMasker masker;
        masker.add(QStringLiteral("hunter2-secret"));
        // Place the secret across every possible cut position, in one read and byte by byte.
        for (int offset = 40; offset < 70; ++offset) {
            const QByteArray line =
                QByteArray(offset, 'a') + "hunter2-secret" + QByteArray(100, 'b') + '\n';
            QList<QByteArray> bytewise;
            for (const char c : line)
                bytewise.append(QByteArray(1, c));
            for (const auto& chunks : {QList<QByteArray>{line}, bytewise}) {
                QByteArray joined;
                for (const Piece& p : split(chunks, 64, &masker)) {
                    QVERIFY2(!p.bytes.contains("hunter"), p.bytes.constData());
                    joined += p.bytes;
                }
                QCOMPARE(joined, QByteArray(offset, 'a') + "***" + QByteArray(100, 'b'));
            }
        }
    }

    void cutNeverRevealsASecretBeforeStrayBytes()
    {
        // Bytes that only continue a UTF-8 sequence (binary output) right after a secret: backing
        // up over them must not land inside the secret.
        SecretMasker masker;
        masker.add(QStringLiteral("hunter2"));
        for (int offset = 2; offset < 14; ++offset) {
            const QByteArray body =
                QByteArray(offset, 'a') + "hunter2" + "\x80\x80" + QByteArray(40, 'b');
            QByteArray joined;
            for (const Piece& p : split({body, "\n"}, 16, &masker)) {
                QVERIFY2(!p.bytes.contains("hunter") && !p.bytes.contains("ter2"),
                         qPrintable(QStringLiteral("offset %1: %2")
                                        .arg(offset)
                                        .arg(QString::fromLatin1(p.bytes.toPercentEncoding()))));
                joined += p.bytes;
            }
            QCOMPARE(joined, QByteArray(offset, 'a') + "***" + "\x80\x80" + QByteArray(40, 'b'));
        }
    }

    void utf8NotCut()
    {
        QByteArray line;
        for (int i = 0; i < 50; ++i)
            line += "\xc3\xa9"; // é
        SecretMasker masker;
        for (const auto& chunks : {QList<QByteArray>{line + '\n'}, QList<QByteArray>{line, "\n"}}) {
            const auto pieces = split(chunks, 33, &masker);
            QVERIFY(pieces.size() > 2);
            for (const Piece& p : pieces)
                QVERIFY(QString::fromUtf8(p.bytes).toUtf8() == p.bytes);
        }
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
        QVERIFY(masker.occursIn("a\nsecond line\n"));
        QVERIFY(!masker.occursIn("ab cde second-line"));
    }

    void stepLogMasksAndWritesFile()
    {
        QTemporaryDir dir;
        SecretMasker masker;
        masker.add(QStringLiteral("s3cr3t"));
        StepLog log(QStringLiteral("r1"), QStringLiteral("step"),
                    dir.filePath(QStringLiteral("step.log")), &masker);
        QVERIFY(log.open(nullptr));
        log.feed("token is s3cr3t\n::add-mask::later-value\nnow later-value shows\n"
                 "not ::add-mask::x at the start\n");
        log.feed("::add-mask::split");
        log.feed("-value\r\nsplit-value\npartial");
        log.endStream();
        log.note(QStringLiteral("a note about s3cr3t"));
        QCOMPARE(log.pendingCount(), 8);
        LogBatch lines;
        for (LogChunk& chunk : log.takePending())
            lines.append(std::move(chunk));
        QCOMPARE(log.pendingCount(), 0);
        QCOMPARE(lines.lineCount(), 8);
        QCOMPARE(lines.text(0), QStringLiteral("token is ***"));
        QCOMPARE(lines.text(1), QStringLiteral("::add-mask::***"));
        QCOMPARE(lines.text(2), QStringLiteral("now *** shows"));
        QCOMPARE(lines.text(3), QStringLiteral("not ::add-mask::x at the start"));
        QCOMPARE(lines.text(4), QStringLiteral("::add-mask::***"));
        QCOMPARE(lines.text(5), QStringLiteral("***"));
        QCOMPARE(lines.text(6), QStringLiteral("partial"));
        QCOMPARE(lines.text(7), QStringLiteral("a note about ***"));
        // A note is flagged and numbered after the step's last line: it takes no number of its own.
        QVERIFY(lines.isNote(7));
        QVERIFY(!lines.isNote(6));
        QCOMPARE(lines.number(6), 7);
        QCOMPARE(lines.number(7), 7);
        QCOMPARE(log.lineCount(), 7);
        QCOMPARE(lines.runId(7), QStringLiteral("r1"));
        QCOMPARE(lines.step(7), QStringLiteral("step"));
        QVERIFY(lines.timeMs(0) > 0);
        QFile file(dir.filePath(QStringLiteral("step.log")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(!bytes.contains("s3cr3t"));
        QVERIFY(!bytes.contains("later-value"));
        QVERIFY(!bytes.contains("split-value"));
        // The file holds the masked stream as the step wrote it, a line end added at the end.
        QCOMPARE(bytes, QByteArray("token is ***\n::add-mask::***\nnow *** shows\n"
                                   "not ::add-mask::x at the start\n::add-mask::***\n***\n"
                                   "partial\na note about ***\n"));
    }

    void largeOutputInSealedChunks()
    {
        StepLog log(QStringLiteral("r"), QStringLiteral("s"), QString(), nullptr);
        QByteArray block;
        for (int i = 1; i <= 1000; ++i)
            block += QByteArray::number(i).rightJustified(99, '.') + '\n';
        for (int round = 0; round < 100; ++round)
            log.feed(block); // 10 MB
        log.endStream();
        QCOMPARE(log.pendingCount(), 100'000);
        QCOMPARE(log.pendingBytes(), 10'000'000);
        const QList<LogChunk> chunks = log.takePending();
        QVERIFY(chunks.size() >= 3);
        LogBatch batch;
        for (const LogChunk& chunk : chunks) {
            QVERIFY(chunk.bytes.size() <= StepLog::kChunkBytes);
            batch.append(chunk);
        }
        QCOMPARE(batch.lineCount(), 100'000);
        QCOMPARE(batch.number(99'999), 100'000);
        QCOMPARE(batch.bytes(54'321), QByteArray::number(322).rightJustified(99, '.'));
    }

    // The entries of a chunk being filled are gathered in room the log reuses for the next chunk:
    // chunks taken before must keep their lines, numbers and times whatever comes after, and a
    // note, a cut line or a line after a cut must come out right at any point of a chunk.
    void chunksTakenStayAsTheyWere()
    {
        StepLog log(QStringLiteral("r"), QStringLiteral("s"), QString(), nullptr, 64);
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QByteArray first;
        for (int i = 1; i <= 100'000; ++i)
            first += "a" + QByteArray::number(i) + '\n';
        log.feed(first);
        const QList<LogChunk> taken = log.takePending();
        LogBatch early;
        for (const LogChunk& chunk : taken)
            early.append(chunk);
        QCOMPARE(early.lineCount(), 100'000);

        log.note(QStringLiteral("a note"));
        QByteArray second;
        for (int i = 1; i <= 100'000; ++i) {
            second += "b" + QByteArray::number(i) + '\n';
            if (i % 25'000 == 0)
                second += QByteArray(150, 'x') + '\n'; // cut into three pieces at 64
        }
        log.feed(second);
        log.endStream();
        LogBatch late;
        for (const LogChunk& chunk : log.takePending())
            late.append(chunk);
        const qint64 after = QDateTime::currentMSecsSinceEpoch();

        for (qsizetype i = 0; i < early.lineCount(); ++i) {
            if (early.bytes(i) != QByteArray("a" + QByteArray::number(i + 1)) ||
                early.number(i) != i + 1 || early.isContinuation(i) || early.isNote(i))
                QFAIL(qPrintable(QStringLiteral("early line %1 changed: %2 numbered %3")
                                     .arg(i)
                                     .arg(QString::fromUtf8(early.bytes(i)))
                                     .arg(early.number(i))));
            QVERIFY(early.timeMs(i) >= before && early.timeMs(i) <= after);
        }
        QCOMPARE(late.lineCount(), 1 + 100'000 + 4 * 3);
        QVERIFY(late.isNote(0));
        QCOMPARE(late.number(0), 100'000);
        qsizetype i = 1;
        qint64 number = 100'000;
        for (int value = 1; value <= 100'000; ++value) {
            QCOMPARE(late.bytes(i), QByteArray("b" + QByteArray::number(value)));
            QCOMPARE(late.number(i), ++number);
            QVERIFY(!late.isContinuation(i) && !late.isNote(i));
            QVERIFY(late.timeMs(i) >= before && late.timeMs(i) <= after);
            ++i;
            if (value % 25'000 == 0) {
                // One number for the line, its pieces after the first flagged as going on.
                const qint64 cutNumber = ++number;
                const qsizetype lengths[] = {64, 64, 22};
                for (int piece = 0; piece < 3; ++piece, ++i) {
                    QCOMPARE(late.bytes(i), QByteArray(lengths[piece], 'x'));
                    QCOMPARE(late.number(i), cutNumber);
                    QCOMPARE(late.isContinuation(i), piece > 0);
                }
            }
        }
        QCOMPARE(i, late.lineCount());
        QCOMPARE(log.lineCount(), number);
    }

    // Short lines in odd-sized pieces: every line, its number and a \r before its \n survive
    // the sealing of chunks by line count, wherever a line end falls in the scan.
    void manyShortLinesInPieces()
    {
        StepLog log(QStringLiteral("r"), QStringLiteral("s"), QString(), nullptr);
        QByteArray stream;
        constexpr int kLines = 300'000;
        for (int i = 1; i <= kLines; ++i) {
            stream += QByteArray::number(i);
            stream += i % 7 == 0 ? "\r\n" : (i % 5 == 0 ? "\n\n" : "\n");
        }
        for (qsizetype at = 0, piece = 1; at < stream.size(); at += piece, piece = piece * 3 % 9973)
            log.feed(QByteArrayView(stream).sliced(at, std::min(piece, stream.size() - at)));
        log.endStream();
        LogBatch batch;
        const QList<LogChunk> chunks = log.takePending();
        QVERIFY(chunks.size() >= 4);
        for (const LogChunk& chunk : chunks)
            batch.append(chunk);
        QCOMPARE(batch.lineCount(), kLines + kLines / 5 - kLines / 35);
        qsizetype i = 0;
        for (int value = 1; value <= kLines; ++value, ++i) {
            if (batch.bytes(i) != QByteArray::number(value))
                QFAIL(qPrintable(QStringLiteral("line %1 reads %2, expected %3")
                                     .arg(i)
                                     .arg(QString::fromUtf8(batch.bytes(i)))
                                     .arg(value)));
            QCOMPARE(batch.number(i), i + 1);
            if (value % 5 == 0 && value % 7 != 0)
                QVERIFY(batch.bytes(++i).isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestPipelineOutput)
#include "tst_pipelineoutput.moc"
