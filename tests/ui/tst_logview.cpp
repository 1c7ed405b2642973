// LogView over LogModel: follow keeps the newest line in view while the ring evicts, the lines in
// view stay put while older ones leave, a batch into a full ring touches only the rows in view,
// and search, copy, timestamps, colours, keys and the step filter work on the list.
#include "ansitext.h"
#include "logmodel.h"
#include "loglistview.h"
#include "logview.h"
#include "pipeline/logfilereader.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDateTime>
#include <QIdentityProxyModel>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;

namespace {

constexpr qint64 kTimeMs = 1'700'000'000'000;

// Counts the indexes a view asks its model for: how much of the model it walks.
class CountingProxy final : public QIdentityProxyModel
{
    Q_DISABLE_COPY_MOVE(CountingProxy)

public:
    CountingProxy() = default;
    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override
    {
        ++calls;
        return QIdentityProxyModel::index(row, column, parent);
    }
    mutable int calls = 0;
};

// Whether `row` lies wholly inside the list's viewport.
bool inView(const LogListView& list, int row)
{
    const QRect rect = list.visualRect(list.model()->index(row, 0));
    return rect.isValid() && list.viewport()->rect().contains(rect);
}

QString topLine(const LogListView& list)
{
    return list.indexAt(QPoint(2, 2)).data().toString();
}

// Pixels of the image in `rect` within a small distance of `colour`, and the leftmost one's x.
int colouredPixels(const QImage& image, const QRect& rect, const QColor& colour, int* leftmost)
{
    int count = 0;
    *leftmost = -1;
    for (int y = rect.top(); y <= rect.bottom() && y < image.height(); ++y) {
        for (int x = rect.left(); x <= rect.right() && x < image.width(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            if (std::abs(pixel.red() - colour.red()) + std::abs(pixel.green() - colour.green()) +
                    std::abs(pixel.blue() - colour.blue()) >
                40)
                continue;
            ++count;
            if (*leftmost < 0 || x < *leftmost)
                *leftmost = x;
        }
    }
    return count;
}

} // namespace

class TestLogView final : public QObject
{
    Q_OBJECT

private:
    // Lines as the runner batches them: one chunk of `step`, read at kTimeMs.
    LogBatch lines(const QStringList& texts, const QString& step = QStringLiteral("build"))
    {
        const QString path = m_dir.filePath(QStringLiteral("log-%1.log").arg(++m_files));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write the test log");
        for (const QString& text : texts)
            file.write(text.toUtf8() + '\n');
        file.close();
        return readLogTail(QStringLiteral("run"), step, path, texts.size() + 1, 1 << 26, kTimeMs);
    }
    static QStringList numbered(const QString& prefix, int from, int count)
    {
        QStringList texts;
        texts.reserve(count);
        for (int i = from; i < from + count; ++i)
            texts.append(prefix + QString::number(i));
        return texts;
    }

    QTemporaryDir m_dir;
    int m_files = 0;

private Q_SLOTS:
    void followKeepsTheNewestLineInViewWhileTheRingEvicts()
    {
        LogModel model(500);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        LogView view(&model);
        view.resize(600, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const LogListView& list = *view.listView();

        int next = 1;
        for (int round = 0; round < 12; ++round) {
            model.enqueue(lines(numbered(u"line "_qs, next, 120)));
            next += 120;
            QTRY_COMPARE(model.pendingLineCount(), 0);
            const int last = model.rowCount() - 1;
            QCOMPARE(model.plainText(last), QStringLiteral("line %1").arg(next - 1));
            QVERIFY2(inView(list, last), qPrintable(QString::number(round)));
            QCOMPARE(list.verticalScrollBar()->value(), list.verticalScrollBar()->maximum());
        }
        QCOMPARE(model.rowCount(), 500);
        QCOMPARE(model.plainText(0), u"line 941"_qs);
        QCOMPARE(model.evictedCount(), 940);
        QVERIFY(view.isFollowing());
    }

    void linesInViewStayWhileOlderOnesLeave()
    {
        LogModel model(500);
        LogView view(&model);
        view.resize(600, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        LogListView& list = *view.listView();
        model.append(lines(numbered(u"line "_qs, 1, 500)));
        list.scrollTo(model.index(299), QAbstractItemView::PositionAtTop);
        QCOMPARE(topLine(list), u"line 300"_qs);

        // Scrolled up, the user keeps reading the same lines as the ring evicts above them.
        model.append(lines(numbered(u"line "_qs, 501, 100)));
        QCOMPARE(model.plainText(0), u"line 101"_qs);
        QCOMPARE(topLine(list), u"line 300"_qs);
        QVERIFY(!inView(list, model.rowCount() - 1));
        QVERIFY(view.isFollowing());

        // Once that line itself is evicted, the oldest line is on top.
        model.append(lines(numbered(u"line "_qs, 601, 300)));
        QCOMPARE(topLine(list), u"line 401"_qs);

        // Back at the end, the view follows again.
        list.scrollToBottom();
        model.append(lines(numbered(u"line "_qs, 901, 50)));
        QVERIFY(inView(list, model.rowCount() - 1));
        QCOMPARE(model.plainText(model.rowCount() - 1), u"line 950"_qs);
    }

    void aBatchIntoAFullRingTouchesOnlyTheRowsInView()
    {
        constexpr int kRing = 50'000;
        LogModel model(kRing);
        model.append(lines(numbered(u"line "_qs, 1, kRing)));
        CountingProxy proxy;
        proxy.setSourceModel(&model);
        LogListView list;
        list.setModel(&proxy);
        list.resize(500, 400);
        list.show();
        QVERIFY(QTest::qWaitForWindowExposed(&list));
        list.scrollToBottom();

        int next = kRing + 1;
        for (int round = 0; round < 5; ++round) {
            proxy.calls = 0;
            model.append(lines(numbered(u"line "_qs, next, 1000)));
            next += 1000;
            list.scrollToBottom();
            QCoreApplication::processEvents();
            list.repaint();
            // A list that lays out every row asks for at least kRing indexes per batch.
            QVERIFY2(proxy.calls < 1000, qPrintable(QString::number(proxy.calls)));
            QVERIFY(inView(list, kRing - 1));
            QCOMPARE(list.model()->index(kRing - 1, 0).data().toString(),
                     QStringLiteral("line %1").arg(next - 1));
        }
    }

    void searchFindsAndShowsAMatchInALargeLog()
    {
        constexpr int kLines = 200'000;
        LogModel model(kLines);
        LogView view(&model);
        view.resize(600, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        model.append(lines(numbered(u"entry "_qs, 1, kLines)));
        const LogListView& list = *view.listView();

        view.searchField()->setText(u"entry 123456"_qs);
        view.findNext();
        QVERIFY(view.isSearching()); // in slices, not all at once
        QTRY_VERIFY(!view.isSearching());
        QCOMPARE(list.currentIndex().data().toString(), u"entry 123456"_qs);
        QVERIFY(inView(list, list.currentIndex().row()));
        QVERIFY(!view.isFollowing()); // a match stops the follow
        QCOMPARE(view.searchStatus()->text(), QStringLiteral("Line 123456 of %1").arg(kLines));

        view.searchField()->setText(u"ENTRY 12345"_qs);
        view.findPrevious();
        QTRY_VERIFY(!view.isSearching());
        QCOMPARE(list.currentIndex().data().toString(), u"entry 123455"_qs);
        QVERIFY(inView(list, list.currentIndex().row()));

        view.searchField()->setText(u"missing"_qs);
        view.findNext();
        QTRY_VERIFY(!view.isSearching());
        QCOMPARE(view.searchStatus()->text(), u"No matches"_qs);
    }

    void copyGivesTheSelectedLinesWithTheirTimes()
    {
        LogModel model(100);
        LogView view(&model);
        view.resize(600, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        model.append(lines(numbered(u"line "_qs, 1, 10)));
        LogListView& list = *view.listView();

        QTest::mouseClick(list.viewport(), Qt::LeftButton, {},
                          list.visualRect(model.index(2)).center());
        QTest::mouseClick(list.viewport(), Qt::LeftButton, Qt::ShiftModifier,
                          list.visualRect(model.index(4)).center());
        QCOMPARE(view.selectedText(), u"line 3\nline 4\nline 5\n"_qs);

        view.timestampsToggle()->setChecked(true);
        const QString stamp =
            QDateTime::fromMSecsSinceEpoch(kTimeMs).toString(QStringLiteral("HH:mm:ss.zzz"));
        view.copySelection();
        QCOMPARE(QApplication::clipboard()->text(),
                 stamp + u" line 3\n"_qs + stamp + u" line 4\n"_qs + stamp + u" line 5\n"_qs);

        // A press below the last line clears the selection.
        QTest::mouseClick(list.viewport(), Qt::LeftButton, {},
                          QPoint(10, list.viewport()->height() - 2));
        QCOMPARE(view.selectedText(), QString());
    }

    void coloursAndTimesAreDrawn()
    {
        LogModel model(100);
        LogView view(&model);
        view.resize(900, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        model.append(lines({u"\x1b[31m################\x1b[0m"_qs, u"################"_qs}));
        const LogListView& list = *view.listView();
        const QColor red = ansiColour(1, false);

        int redLeft = -1;
        int plainLeft = -1;
        QImage image = list.viewport()->grab().toImage();
        QVERIFY(colouredPixels(image, list.visualRect(model.index(0)), red, &redLeft) > 20);
        QCOMPARE(colouredPixels(image, list.visualRect(model.index(1)), red, &plainLeft), 0);

        // With times shown, the text moves right by the time column.
        view.timestampsToggle()->setChecked(true);
        image = list.viewport()->grab().toImage();
        int shiftedLeft = -1;
        QVERIFY(colouredPixels(image, list.visualRect(model.index(0)), red, &shiftedLeft) > 20);
        QVERIFY2(shiftedLeft >= redLeft + list.fontMetrics().horizontalAdvance(u"00:00:00.000"_qs),
                 qPrintable(QStringLiteral("%1 -> %2").arg(redLeft).arg(shiftedLeft)));
    }

    void keysMoveTheCurrentLineAndTypingDoesNotScan()
    {
        LogModel model(1000);
        LogView view(&model);
        view.resize(600, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        model.append(lines(numbered(u"line "_qs, 1, 1000)));
        LogListView& list = *view.listView();
        list.setFocus();

        QTest::keyClick(&list, Qt::Key_Home);
        QCOMPARE(list.currentIndex().row(), 0);
        QVERIFY(inView(list, 0));
        QTest::keyClick(&list, Qt::Key_Down);
        QCOMPARE(list.currentIndex().row(), 1);
        QTest::keyClick(&list, Qt::Key_PageDown);
        QCOMPARE(list.currentIndex().row(), 1 + list.pageRows());
        QVERIFY(inView(list, list.currentIndex().row()));
        QTest::keyClick(&list, Qt::Key_End);
        QCOMPARE(list.currentIndex().row(), 999);
        QVERIFY(inView(list, 999));
        QTest::keyClick(&list, Qt::Key_Up, Qt::ShiftModifier);
        QCOMPARE(view.selectedText(), u"line 999\nline 1000\n"_qs);
        QTest::keyClicks(&list, u"line 5"_qs);
        QCOMPARE(list.currentIndex().row(), 998);
    }

    void theStepFilterShowsTheLastLineOfTheStep()
    {
        LogModel model(1000);
        LogView view(&model);
        view.resize(600, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        model.append(lines(numbered(u"a "_qs, 1, 300), u"a"_qs));
        model.append(lines(numbered(u"b "_qs, 1, 20), u"b"_qs));
        model.append(lines(numbered(u"a "_qs, 301, 300), u"a"_qs));
        const LogListView& list = *view.listView();

        view.showStep(u"b"_qs);
        QCOMPARE(model.rowCount(), 20);
        QCOMPARE(list.verticalScrollBar()->maximum(), std::max(0, 20 - list.pageRows()));
        QTRY_VERIFY(inView(list, 19));
        view.showStep(QString());
        QCOMPARE(model.rowCount(), 620);
        QTRY_VERIFY(inView(list, 619));
        QCOMPARE(model.plainText(619), u"a 600"_qs);
    }
};

QTEST_MAIN(TestLogView)
#include "tst_logview.moc"
