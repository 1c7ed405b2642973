// LogModel: appends as row insertions, the ring's capacity as removals from the top, the run and
// step filters, search; and the ANSI parsing the log view draws with.
#include "ansitext.h"
#include "logmodel.h"
#include "pipeline/logfilereader.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;

class TestLogModel final : public QObject
{
    Q_OBJECT

private:
    // Lines as the runner would batch them: one chunk of `step` in run `runId`.
    LogBatch lines(const QString& runId, const QString& step, const QStringList& texts)
    {
        const QString path = m_dir.filePath(QStringLiteral("log-%1.log").arg(++m_files));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write the test log");
        for (const QString& text : texts)
            file.write(text.toUtf8() + '\n');
        file.close();
        return readLogTail(runId, step, path, texts.size() + 1, 1 << 20, 1'700'000'000'000);
    }
    QStringList numbered(const QString& prefix, int from, int count)
    {
        QStringList texts;
        for (int i = from; i < from + count; ++i)
            texts.append(prefix + QString::number(i));
        return texts;
    }
    QStringList rows(const LogModel& model)
    {
        QStringList texts;
        for (int row = 0; row < model.rowCount(); ++row)
            texts.append(model.index(row).data().toString());
        return texts;
    }

    QTemporaryDir m_dir;
    int m_files = 0;

private Q_SLOTS:
    void enqueuedLinesArriveTogether()
    {
        LogModel model(10);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRunId(QStringLiteral("r1"));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.enqueue(lines(QStringLiteral("r1"), QStringLiteral("a"), numbered(u"a"_qs, 1, 4)));
        model.enqueue(lines(QStringLiteral("r1"), QStringLiteral("a"), numbered(u"a"_qs, 5, 4)));
        model.enqueue(lines(QStringLiteral("other"), QStringLiteral("a"), numbered(u"x"_qs, 1, 4)));
        QCOMPARE(model.rowCount(), 0); // nothing before the interval ends
        QCOMPARE(model.pendingLineCount(), 8);
        QTRY_COMPARE(inserted.size(), 1);
        QCOMPARE(model.rowCount(), 8);
        QCOMPARE(model.pendingLineCount(), 0);
        QCOMPARE(removed.size(), 0);

        // More than the ring holds: whole chunks that would be evicted at once never arrive.
        for (int i = 0; i < 5; ++i)
            model.enqueue(
                lines(QStringLiteral("r1"), QStringLiteral("b"), numbered(u"b"_qs, i * 4, 4)));
        QCOMPARE(model.pendingLineCount(), 12); // the oldest two chunks are gone already
        QTRY_COMPARE(inserted.size(), 2);
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("b10"));
        QCOMPARE(model.index(9).data().toString(), QStringLiteral("b19"));
        QCOMPARE(model.evictedCount(), 18);
    }

    void appendsAreInsertedAtTheEnd()
    {
        LogModel model(100);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRunId(QStringLiteral("r1"));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        model.append(lines(
            QStringLiteral("r1"), QStringLiteral("build"),
            {QStringLiteral("\x1b[32mok\x1b[0m"), QStringLiteral("two"), QStringLiteral("three")}));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted[0][1].toInt(), 0);
        QCOMPARE(inserted[0][2].toInt(), 2);
        model.append(lines(QStringLiteral("r1"), QStringLiteral("test"), numbered(u"t"_qs, 1, 2)));
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(inserted[1][1].toInt(), 3);
        QCOMPARE(inserted[1][2].toInt(), 4);
        QCOMPARE(reset.size(), 0);

        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("ok"));
        QCOMPARE(model.index(0).data(LogModel::RawTextRole).toString(),
                 QStringLiteral("\x1b[32mok\x1b[0m"));
        QCOMPARE(model.index(3).data(LogModel::StepRole).toString(), QStringLiteral("test"));
        QCOMPARE(model.index(4).data(LogModel::NumberRole).toLongLong(), 2);
        QCOMPARE(model.index(4).data(LogModel::TimeRole).toLongLong(), 1'700'000'000'000);
        QCOMPARE(model.steps(), (QStringList{QStringLiteral("build"), QStringLiteral("test")}));
    }

    void otherRunsAreIgnored()
    {
        LogModel model(100);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRunId(QStringLiteral("mine"));
        LogBatch batch = lines(QStringLiteral("other"), QStringLiteral("s"), {u"theirs"_qs});
        batch.append(lines(QStringLiteral("mine"), QStringLiteral("s"), {u"ours"_qs}));
        model.append(batch);
        QCOMPARE(rows(model), QStringList{u"ours"_qs});
    }

    void overCapacityTheOldestRowsAreRemoved()
    {
        LogModel model(10);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.append(lines(u"r"_qs, u"s"_qs, numbered(u"a"_qs, 1, 6)));
        QCOMPARE(removed.size(), 0);
        model.append(lines(u"r"_qs, u"s"_qs, numbered(u"a"_qs, 7, 6)));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed[0][1].toInt(), 0);
        QCOMPARE(removed[0][2].toInt(), 1);
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.lineCount(), 10);
        QCOMPARE(model.evictedCount(), 2);
        QCOMPARE(rows(model), numbered(u"a"_qs, 3, 10));

        // A batch larger than the whole ring leaves only its newest lines.
        model.append(lines(u"r"_qs, u"s"_qs, numbered(u"b"_qs, 1, 25)));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(rows(model), numbered(u"b"_qs, 16, 10));
        QCOMPARE(model.evictedCount(), 27);
    }

    void manyBatchesStayWithinCapacity()
    {
        LogModel model(1000);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int i = 0; i < 40; ++i) {
            model.append(lines(u"r"_qs, i % 2 ? u"odd"_qs : u"even"_qs,
                               numbered(QStringLiteral("%1-").arg(i), 0, 97)));
            QVERIFY(model.rowCount() <= 1000);
        }
        QCOMPARE(model.rowCount(), 1000);
        QCOMPARE(model.index(999).data().toString(), QStringLiteral("39-96"));
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("29-67"));
    }

    void stepFilterShowsOneStep()
    {
        LogModel model(8);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(lines(u"r"_qs, u"x"_qs, numbered(u"x"_qs, 1, 3)));
        model.append(lines(u"r"_qs, u"y"_qs, numbered(u"y"_qs, 1, 3)));
        model.setStepFilter(u"y"_qs);
        QCOMPARE(rows(model), numbered(u"y"_qs, 1, 3));

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.append(lines(u"r"_qs, u"x"_qs, numbered(u"x"_qs, 4, 2))); // evicts nothing visible
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(model.rowCount(), 3);
        model.append(lines(u"r"_qs, u"y"_qs, numbered(u"y"_qs, 4, 4))); // evicts x1..x3, y1
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rows(model), numbered(u"y"_qs, 2, 6));

        model.setStepFilter(QString());
        QCOMPARE(model.rowCount(), 8);
        QCOMPARE(model.index(0).data().toString(), u"y2"_qs);
    }

    void setLinesKeepsTheNewest()
    {
        LogModel model(5);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        LogBatch batch = lines(u"r"_qs, u"a"_qs, numbered(u"a"_qs, 1, 4));
        batch.append(lines(u"r"_qs, u"b"_qs, numbered(u"b"_qs, 1, 4)));
        model.setLines(batch);
        QCOMPARE(rows(model), (QStringList{u"a4"_qs, u"b1"_qs, u"b2"_qs, u"b3"_qs, u"b4"_qs}));
        model.append(lines(u"r"_qs, u"a"_qs, {u"a5"_qs}));
        QCOMPARE(model.index(0).data().toString(), u"b1"_qs);
        QCOMPARE(model.index(4).data().toString(), u"a5"_qs);
    }

    void findSearchesBothWays()
    {
        LogModel model(100);
        model.append(
            lines(u"r"_qs, u"s"_qs,
                  {u"alpha"_qs, u"\x1b[31mNeedle\x1b[0m one"_qs, u"beta"_qs, u"needle two"_qs}));
        QCOMPARE(model.find(u"needle"_qs, 0, 100, true), 1);
        QCOMPARE(model.find(u"needle"_qs, 2, 100, true), 3);
        QCOMPARE(model.find(u"needle"_qs, 2, 100, false), 1);
        QCOMPARE(model.find(u"needle"_qs, 0, 1, true), -1); // only one row scanned
        QCOMPARE(model.find(u"31m"_qs, 0, 100, true), -1);  // escapes are not text
        QCOMPARE(model.find(u"missing"_qs, 0, 100, true), -1);
    }

    void ansiColoursBecomeSpans()
    {
        const AnsiText parsed = parseAnsi(
            u"\x1b[31mred\x1b[0m plain \x1b[1;92mbold\x1b[22m\x1b[K\x1b]0;title\x07!\r"_qs);
        QCOMPARE(parsed.text, u"red plain bold!"_qs);
        QCOMPARE(parsed.spans.size(), 4);
        QCOMPARE(parsed.spans[0].length, 3);
        QCOMPARE(parsed.spans[0].colour, ansiColour(1, false));
        QVERIFY(!parsed.spans[1].colour.isValid());
        QCOMPARE(parsed.spans[2].colour, ansiColour(2, true));
        QVERIFY(parsed.spans[2].bold);
        QVERIFY(!parsed.spans[3].bold);
        QCOMPARE(parsed.spans[3].colour, ansiColour(2, true));
        QCOMPARE(stripAnsi(u"\x1b[90mgrey\x1b[0m\x1b[2J"_qs), u"grey"_qs);
    }

    void plainTextIsTheTextDrawn()
    {
        // Control characters go whether or not the line has an escape, so the text shown, copied
        // and searched (stripAnsi) is the text drawn (parseAnsi).
        QCOMPARE(stripAnsi(u"bell\x07 and\bback\x01"_qs), u"bell andback"_qs);
        QCOMPARE(stripAnsi(u"nul\x00 here\x7f"_qs), u"nul here\x7f"_qs);
        QCOMPARE(stripAnsi(u"tab\tkept"_qs), u"tab\tkept"_qs);
        for (const QString& raw : {u"bell\x07 and\bback\x01"_qs, u"bell\x07 \x1b[1mbold\x1b[0m"_qs})
            QCOMPARE(stripAnsi(raw), parseAnsi(raw).text);
    }
};

QTEST_GUILESS_MAIN(TestLogModel)
#include "tst_logmodel.moc"
