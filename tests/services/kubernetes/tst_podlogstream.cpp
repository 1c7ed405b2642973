// Pod log streams: timestamps parsed as the kubelet writes them, lines cut across the chunks of
// the answer, the request kubectl would make, a stream broken mid-line resumed without a repeat
// or a gap (also inside a burst of lines sharing one timestamp), the server's words for a 400,
// and a followed stream that receives new lines until it is cancelled. A small HTTP server in
// the test's thread serves the log and breaks it where a test says; the fake API server then
// answers the same requests as a cluster would (tail, follow, previous, resume).
#include "fakes/kubeapiserver.h"
#include "kubernetes/kubeconfig.h"
#include "kubernetes/podlogstream.h"
#include "podlogtesting.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

using namespace launchdeck;
using namespace launchdeck::kube;
using namespace launchdeck::test;

namespace {

PodLogRequest requestFor(const QString& pod, bool follow = false)
{
    PodLogRequest request;
    request.nameSpace = QStringLiteral("shop");
    request.pods = {pod};
    request.container = QStringLiteral("app");
    request.follow = follow;
    request.tailLines = -1;
    return request;
}

// The N of "<pod> <container> line <N>" lines, -1 for another line.
QList<int> lineNumbers(const QList<PodLogLine>& lines)
{
    static const QRegularExpression numbered(QStringLiteral(R"(^\S+ \S+ line (\d+)$)"));
    QList<int> numbers;
    for (const PodLogLine& line : lines) {
        const QRegularExpressionMatch match = numbered.match(line.text);
        numbers.append(match.hasMatch() ? match.captured(1).toInt() : -1);
    }
    return numbers;
}

bool consecutive(const QList<int>& numbers)
{
    for (qsizetype i = 1; i < numbers.size(); ++i)
        if (numbers[i] != numbers[i - 1] + 1)
            return false;
    return !numbers.contains(-1);
}

QString show(const QList<PodLogLine>& lines)
{
    return texts(lines).join(u" | ");
}

} // namespace

class TestPodLogStream final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parsesTimestampedLines_data();
    void parsesTimestampedLines();
    void parsesRfc3339Times();
    void buildsTheRequest();
    void cutsLinesAcrossChunks();
    void resumesAfterBrokenConnection_data();
    void resumesAfterBrokenConnection();
    void resumesInsideABurstOfOneTimestamp_data();
    void resumesInsideABurstOfOneTimestamp();
    void passesTheServersWordsForA400();
    void followReceivesNewLinesUntilCancelled();
    void refusedConnectionIsUnreachable();

    // The fake API server.
    void fakeTail();
    void fakeFollowReceivesNewLines();
    void fakePreviousWithoutARestart();
    void fakeContainerMustBeNamed();
    void fakeResumeRepeatsNothingAndMissesNothing();

private:
    ClusterConnection connection() const;
    // Creates a pod in "default" with these containers and waits until it runs.
    void createRunningPod(const QString& name, const QStringList& containers);
    // The whole log of `pod`'s container "app", read to the end.
    QList<PodLogLine> readLog(const QString& pod, PodLogPosition from = {});

    KubeApiServer m_fake;
};

void TestPodLogStream::initTestCase()
{
    QString error;
    QVERIFY2(m_fake.start(&error), qPrintable(error));
}

ClusterConnection TestPodLogStream::connection() const
{
    const Result<Kubeconfig> config = loadKubeconfigFile(m_fake.kubeconfigPath());
    if (!config)
        qFatal("%s", qPrintable(config.error().toString()));
    Result<ClusterConnection> resolved = resolveContext(*config, u"cert"_qs);
    if (!resolved)
        qFatal("%s", qPrintable(resolved.error().toString()));
    return std::move(resolved).value();
}

void TestPodLogStream::createRunningPod(const QString& name, const QStringList& containers)
{
    QJsonArray specs;
    for (const QString& container : containers)
        specs.append(QJsonObject{{u"name"_qs, container}, {u"image"_qs, u"busybox:local"_qs}});
    const QJsonObject pod{
        {u"apiVersion"_qs, u"v1"_qs},
        {u"kind"_qs, u"Pod"_qs},
        {u"metadata"_qs, QJsonObject{{u"name"_qs, name}, {u"namespace"_qs, u"default"_qs}}},
        {u"spec"_qs, QJsonObject{{u"containers"_qs, specs}}},
    };
    const auto created =
        m_fake.request("POST", u"/api/v1/namespaces/default/pods"_qs, QJsonDocument(pod).toJson());
    QVERIFY2(created.status == 201, created.body.constData());
    const auto phase = [&] {
        const auto answer = m_fake.request("GET", u"/api/v1/namespaces/default/pods/"_qs + name);
        return QJsonDocument::fromJson(answer.body)[u"status"][u"phase"].toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(phase(), u"Running"_qs, 30'000);
}

QList<PodLogLine> TestPodLogStream::readLog(const QString& pod, PodLogPosition from)
{
    PodLogRequest request;
    request.nameSpace = QStringLiteral("default");
    request.pods = {pod};
    request.container = QStringLiteral("app");
    request.follow = false;
    request.tailLines = -1;
    Reader reader(connection(), request, Reader::Resume::Position, 1, std::move(from));
    QDeadlineTimer deadline(30'000);
    while (!reader.isDone() && !deadline.hasExpired())
        QTest::qWait(20);
    if (!reader.isDone() || !reader.ends().value(0).error.isEmpty())
        qWarning() << "reading the log of" << pod << "failed:" << reader.ends().value(0).error;
    return reader.lines();
}

void TestPodLogStream::parsesTimestampedLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("parsed");
    QTest::addColumn<QString>("timeText");
    QTest::addColumn<qint64>("msecs");
    QTest::addColumn<QString>("text");

    const qint64 base = kBaseSeconds * 1000;
    QTest::newRow("nanoseconds") << QByteArray("2026-12-06T10:00:00.123456789Z hello world") << true
                                 << "2026-12-06T10:00:00.123456789Z" << base + 123 << "hello world";
    QTest::newRow("no fraction") << QByteArray("2026-12-06T10:00:01Z x") << true
                                 << "2026-12-06T10:00:01Z" << base + 1000 << "x";
    QTest::newRow("offset") << QByteArray("2026-12-06T11:00:00.5+01:00 x") << true
                            << "2026-12-06T11:00:00.5+01:00" << base + 500 << "x";
    QTest::newRow("carriage return") << QByteArray("2026-12-06T10:00:00Z windows\r") << true
                                     << "2026-12-06T10:00:00Z" << base << "windows";
    QTest::newRow("empty text") << QByteArray("2026-12-06T10:00:00Z ") << true
                                << "2026-12-06T10:00:00Z" << base << "";
    QTest::newRow("utf-8") << QByteArray("2026-12-06T10:00:00Z gr\xc3\xbc\xc3\x9f"
                                         "e")
                           << true << "2026-12-06T10:00:00Z" << base << QString::fromUtf8("grüße");
    QTest::newRow("no time") << QByteArray("plain line") << false << "" << qint64(-1)
                             << "plain line";
    QTest::newRow("bad date") << QByteArray("2026-02-30T10:00:00Z x") << false << "" << qint64(-1)
                              << "2026-02-30T10:00:00Z x";
    QTest::newRow("no zone") << QByteArray("2026-12-06T10:00:00 x") << false << "" << qint64(-1)
                             << "2026-12-06T10:00:00 x";
}

void TestPodLogStream::parsesTimestampedLines()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, parsed);
    QFETCH(QString, timeText);
    QFETCH(qint64, msecs);
    QFETCH(QString, text);

    PodLogLine out;
    QCOMPARE(parseTimestampedLine(line, &out), parsed);
    QCOMPARE(out.timeText, timeText);
    QCOMPARE(out.text, text);
    if (msecs < 0) {
        QVERIFY(!out.time.isValid());
    } else {
        QCOMPARE(out.time.toMSecsSinceEpoch(), msecs);
        QCOMPARE(out.time.timeSpec(), Qt::UTC);
    }
}

void TestPodLogStream::parsesRfc3339Times()
{
    qint64 ns = 0;
    QVERIFY(parseRfc3339Nano(u"1970-01-01T00:00:01.5Z", &ns));
    QCOMPARE(ns, 1'500'000'000);
    QVERIFY(parseRfc3339Nano(u"2026-12-06T10:00:00.123456789Z", &ns));
    QCOMPARE(ns, kBaseSeconds * kNanosPerSecond + 123'456'789);
    // Digits past nanoseconds are dropped, as Go does.
    QVERIFY(parseRfc3339Nano(u"2026-12-06T10:00:00.1234567891Z", &ns));
    QCOMPARE(ns, kBaseSeconds * kNanosPerSecond + 123'456'789);
    QVERIFY(parseRfc3339Nano(u"2026-12-06T09:30:00-00:30", &ns));
    QCOMPARE(ns, kBaseSeconds * kNanosPerSecond);
    for (const QString& bad :
         {u"2026-12-06T10:00:00.Z"_qs, u"2026-12-06T24:00:00Z"_qs, u"2026-12-06 10:00:00Z"_qs,
          u"2026-12-06T10:00:00Zjunk"_qs, u"2026-13-06T10:00:00Z"_qs, u""_qs}) {
        QVERIFY2(!parseRfc3339Nano(bad, &ns), qPrintable(bad));
    }
}

void TestPodLogStream::buildsTheRequest()
{
    PodLogRequest request;
    request.nameSpace = QStringLiteral("shop");
    request.pods = {QStringLiteral("web-1")};
    QCOMPARE(
        podLogPath(request, QStringLiteral("web-1")),
        u"/api/v1/namespaces/shop/pods/web-1/log?timestamps=true&follow=true&tailLines=1000"_qs);

    request.follow = false;
    request.previous = true;
    request.container = QStringLiteral("app");
    request.tailLines = -1;
    request.sinceSeconds = 300;
    QCOMPARE(
        podLogPath(request, QStringLiteral("web-1")),
        u"/api/v1/namespaces/shop/pods/web-1/log?timestamps=true&previous=true&container=app&sinceSeconds=300"_qs);

    // A resume asks from the last line's second and nothing else: sinceTime and
    // sinceSeconds together are refused by the API server.
    request.tailLines = 100;
    PodLogPosition position;
    PodLogLine last;
    QVERIFY(parseTimestampedLine("2026-12-06T10:00:07.250Z last", &last));
    position.advance(last);
    QCOMPARE(
        podLogPath(request, QStringLiteral("web-1"), &position),
        u"/api/v1/namespaces/shop/pods/web-1/log?timestamps=true&previous=true&container=app&sinceTime=2026-12-06T10%3A00%3A07Z"_qs);
}

void TestPodLogStream::cutsLinesAcrossChunks()
{
    LogServer server;
    QVERIFY(server.start());
    server.log = numberedLines(1, 40, 10);
    server.log[7].text = "gr\xc3\xbc\xc3\x9f"
                         "e aus K\xc3\xb6ln";
    server.log[9].text = "";
    // Three bytes a chunk: timestamps, line breaks and UTF-8 sequences all fall across chunks.
    server.chunkBytes = 3;
    server.lastLineWithoutBreak = true;

    PodLogRequest request = requestFor(QStringLiteral("web-1"));
    request.tailLines = 30;
    Reader reader(server.url(), request, Reader::Resume::Position);
    QTRY_VERIFY_WITH_TIMEOUT(reader.isDone(), 20'000);

    const QList<PodLogLine> lines = reader.lines();
    QCOMPARE(texts(lines), texts(server.log.mid(10)));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const ServedLine& served = server.log[10 + i];
        QCOMPARE(lines[i].timeText, QString::fromLatin1(rfc3339Nano(served.ns)));
        QCOMPARE(lines[i].time.toMSecsSinceEpoch(), served.ns / 1'000'000);
        QCOMPARE(lines[i].pod, u"web-1"_qs);
        QCOMPARE(lines[i].container, u"app"_qs);
    }
    QCOMPARE(reader.ends().size(), 1);
    QVERIFY2(reader.ends()[0].error.isEmpty(), qPrintable(reader.ends()[0].error));
    QVERIFY(!reader.ends()[0].unreachable);

    QCOMPARE(server.requests.size(), 1);
    const QUrlQuery query(server.requests[0]);
    QCOMPARE(server.requests[0].path(), u"/api/v1/namespaces/shop/pods/web-1/log"_qs);
    QCOMPARE(query.queryItemValue(QStringLiteral("timestamps")), u"true"_qs);
    QCOMPARE(query.queryItemValue(QStringLiteral("container")), u"app"_qs);
    QCOMPARE(query.queryItemValue(QStringLiteral("tailLines")), u"30"_qs);
    QVERIFY(!query.hasQueryItem(QStringLiteral("follow")));
}

void TestPodLogStream::resumesAfterBrokenConnection_data()
{
    QTest::addColumn<QList<int>>("cuts");
    QTest::addColumn<bool>("lastLineOnly");

    // Lines 300 ms apart: a resume from the last line's second gets up to three lines again.
    QTest::newRow("once") << QList<int>{13} << false;
    QTest::newRow("three times") << QList<int>{5, 4, 9} << false;
    QTest::newRow("before the first line") << QList<int>{0, 6} << false;
    QTest::newRow("knowing the last line only") << QList<int>{5, 4, 9} << true;
}

void TestPodLogStream::resumesAfterBrokenConnection()
{
    QFETCH(QList<int>, cuts);
    QFETCH(bool, lastLineOnly);

    LogServer server;
    QVERIFY(server.start());
    server.log = numberedLines(1, 30, 300);
    server.cutAfter = cuts;

    PodLogRequest request = requestFor(QStringLiteral("web-1"));
    request.tailLines = 1000;
    Reader reader(server.url(), request,
                  lastLineOnly ? Reader::Resume::LastLine : Reader::Resume::Position);
    QTRY_VERIFY_WITH_TIMEOUT(reader.isDone(), 20'000);

    // Every line once, in order: no repeat of what came before the break, no gap.
    QCOMPARE(texts(reader.lines()), texts(server.log));
    const QList<PodLogEnd> ends = reader.ends();
    QCOMPARE(ends.size(), cuts.size() + 1);
    for (qsizetype i = 0; i < cuts.size(); ++i) {
        QVERIFY(ends[i].unreachable);
        QVERIFY(!ends[i].error.isEmpty());
    }
    QVERIFY2(ends.constLast().error.isEmpty(), qPrintable(ends.constLast().error));

    // The first request reads the tail; the others from the second of the last line seen, and
    // only that: the API server refuses sinceTime together with sinceSeconds.
    QCOMPARE(server.requests.size(), cuts.size() + 1);
    QCOMPARE(QUrlQuery(server.requests[0]).queryItemValue(QStringLiteral("tailLines")), u"1000"_qs);
    const QUrlQuery second(server.requests[1]);
    if (cuts[0] == 0) {
        QVERIFY(!second.hasQueryItem(QStringLiteral("sinceTime")));
    } else {
        const qint64 lastNs = server.log[cuts[0] - 1].ns;
        QCOMPARE(
            second.queryItemValue(QStringLiteral("sinceTime"), QUrl::FullyDecoded),
            QDateTime::fromSecsSinceEpoch(lastNs / kNanosPerSecond, Qt::UTC).toString(Qt::ISODate));
        QVERIFY(!second.hasQueryItem(QStringLiteral("tailLines")));
    }
}

void TestPodLogStream::resumesInsideABurstOfOneTimestamp_data()
{
    QTest::addColumn<int>("cut");
    for (int cut = 4; cut <= 10; ++cut)
        QTest::addRow("after line %d", cut) << cut;
}

void TestPodLogStream::resumesInsideABurstOfOneTimestamp()
{
    QFETCH(int, cut);

    // Lines written together share a timestamp, and some of them read the same.
    LogServer server;
    QVERIFY(server.start());
    server.log = numberedLines(1, 4, 100);
    const qint64 burst = server.log.constLast().ns + 100'000'000;
    for (const char* text : {"burst a", "burst b", "burst b", "burst c", "burst b"})
        server.log.append({burst, text});
    for (int n = 10; n <= 12; ++n)
        server.log.append(
            {burst + (n - 9) * 100'000'000, "web-1 app line " + QByteArray::number(n)});
    server.cutAfter = {cut};

    Reader reader(server.url(), requestFor(QStringLiteral("web-1")), Reader::Resume::Position);
    QTRY_VERIFY_WITH_TIMEOUT(reader.isDone(), 20'000);
    QCOMPARE(texts(reader.lines()), texts(server.log));
    QCOMPARE(reader.ends().size(), 2);
    QVERIFY(reader.ends()[0].unreachable);
}

void TestPodLogStream::passesTheServersWordsForA400()
{
    LogServer server;
    QVERIFY(server.start());
    const QByteArray message =
        R"(previous terminated container \"app\" in pod \"web-1\" not found)";
    server.error = qMakePair(400, R"({"kind":"Status","apiVersion":"v1","metadata":{},)"
                                  R"("status":"Failure","message":")" +
                                      message + R"(","reason":"BadRequest","code":400})");
    PodLogRequest request = requestFor(QStringLiteral("web-1"));
    request.previous = true;
    Reader reader(server.url(), request, Reader::Resume::Position);
    QTRY_VERIFY_WITH_TIMEOUT(reader.isDone(), 20'000);

    QCOMPARE(reader.ends().size(), 1);
    const PodLogEnd end = reader.ends()[0];
    QCOMPARE(end.error, u"previous terminated container \"app\" in pod \"web-1\" not found"_qs);
    QVERIFY(!end.unreachable);
    QVERIFY(!end.cancelled);
    QVERIFY(reader.lines().isEmpty());
    QCOMPARE(QUrlQuery(server.requests.value(0)).queryItemValue(QStringLiteral("previous")),
             u"true"_qs);
}

void TestPodLogStream::followReceivesNewLinesUntilCancelled()
{
    LogServer server;
    QVERIFY(server.start());
    server.log = numberedLines(1, 5, 100);

    Reader reader(server.url(), requestFor(QStringLiteral("web-1"), true),
                  Reader::Resume::Position);
    QTRY_COMPARE_WITH_TIMEOUT(reader.lineCount(), 5, 20'000);
    QCOMPARE(server.openStreams(), 1);
    QCOMPARE(QUrlQuery(server.requests[0]).queryItemValue(QStringLiteral("follow")), u"true"_qs);

    server.append(numberedLines(6, 8, 100));
    QTRY_COMPARE_WITH_TIMEOUT(reader.lineCount(), 8, 20'000);
    QCOMPARE(texts(reader.lines()), texts(server.log));
    QVERIFY(!reader.isDone());

    reader.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(reader.isDone(), 5000);
    QCOMPARE(reader.ends().size(), 1);
    QVERIFY(reader.ends()[0].cancelled);
}

void TestPodLogStream::refusedConnectionIsUnreachable()
{
    QString url;
    {
        LogServer server;
        QVERIFY(server.start());
        url = server.url();
    }
    Reader reader(url, requestFor(QStringLiteral("web-1")), Reader::Resume::Position, 1);
    QTRY_VERIFY_WITH_TIMEOUT(reader.isDone(), 20'000);
    QCOMPARE(reader.ends().size(), 1);
    QVERIFY(reader.ends()[0].unreachable);
    QVERIFY(!reader.ends()[0].error.isEmpty());
}

void TestPodLogStream::fakeTail()
{
    createRunningPod(u"tail-1"_qs, {u"app"_qs});
    // A line every half second: wait for a few more than the tail.
    QTRY_VERIFY_WITH_TIMEOUT(readLog(u"tail-1"_qs).size() >= 5, 30'000);

    PodLogRequest request;
    request.nameSpace = QStringLiteral("default");
    request.pods = {QStringLiteral("tail-1")};
    request.follow = false;
    request.tailLines = 3;
    Reader reader(connection(), request, Reader::Resume::Position, 1);
    QTRY_VERIFY_WITH_TIMEOUT(reader.isDone(), 30'000);
    const QList<PodLogLine> lines = reader.lines();
    QCOMPARE(lines.size(), 3);
    const QList<int> numbers = lineNumbers(lines);
    QVERIFY2(consecutive(numbers) && numbers.constFirst() >= 3, qPrintable(show(lines)));
    for (const PodLogLine& line : lines) {
        QVERIFY2(line.time.isValid(), qPrintable(line.timeText));
        QVERIFY(line.text.startsWith(u"tail-1 app line "_qs));
        QCOMPARE(line.pod, u"tail-1"_qs);
    }
    QVERIFY(reader.ends().value(0).error.isEmpty());
}

void TestPodLogStream::fakeFollowReceivesNewLines()
{
    createRunningPod(u"follow-1"_qs, {u"app"_qs});
    PodLogRequest request;
    request.nameSpace = QStringLiteral("default");
    request.pods = {QStringLiteral("follow-1")};
    request.follow = true;
    request.tailLines = 1;
    Reader reader(connection(), request, Reader::Resume::Position, 1);
    // The tail's line, then lines the container writes while the stream is open.
    QTRY_VERIFY_WITH_TIMEOUT(reader.lineCount() >= 4, 30'000);
    const auto appended =
        m_fake.request("POST", u"/fake/logs?namespace=default&pod=follow-1&container=app"_qs,
                       "appended one\nappended two\n");
    QCOMPARE(appended.status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(texts(reader.lines()).contains(u"appended two"_qs), 30'000);
    QVERIFY(!reader.isDone());

    reader.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(reader.isDone(), 5000);
    QVERIFY(reader.ends().value(0).cancelled);
    QList<PodLogLine> generated = reader.lines();
    generated.removeIf([](const PodLogLine& line) { return line.text.startsWith(u"appended"); });
    QVERIFY2(consecutive(lineNumbers(generated)), qPrintable(show(reader.lines())));
    const QStringList all = texts(reader.lines());
    QCOMPARE(all.indexOf(u"appended one"_qs) + 1, all.indexOf(u"appended two"_qs));
}

void TestPodLogStream::fakePreviousWithoutARestart()
{
    createRunningPod(u"fresh-1"_qs, {u"app"_qs});
    PodLogRequest request;
    request.nameSpace = QStringLiteral("default");
    request.pods = {QStringLiteral("fresh-1")};
    request.previous = true;
    Reader reader(connection(), request, Reader::Resume::Position, 1);
    QTRY_VERIFY_WITH_TIMEOUT(reader.isDone(), 30'000);
    const PodLogEnd end = reader.ends().value(0);
    QCOMPARE(end.error, u"previous terminated container \"app\" in pod \"fresh-1\" not found"_qs);
    QVERIFY(!end.unreachable);
    QVERIFY(reader.lines().isEmpty());
}

void TestPodLogStream::fakeContainerMustBeNamed()
{
    createRunningPod(u"multi-1"_qs, {u"app"_qs, u"sidecar"_qs});
    PodLogRequest request;
    request.nameSpace = QStringLiteral("default");
    request.pods = {QStringLiteral("multi-1")};
    request.follow = false;
    Reader reader(connection(), request, Reader::Resume::Position, 1);
    QTRY_VERIFY_WITH_TIMEOUT(reader.isDone(), 30'000);
    QCOMPARE(
        reader.ends().value(0).error,
        u"a container name must be specified for pod multi-1, choose one of: [app sidecar]"_qs);

    request.container = QStringLiteral("sidecar");
    Reader sidecar(connection(), request, Reader::Resume::Position, 1);
    QTRY_VERIFY_WITH_TIMEOUT(sidecar.isDone(), 30'000);
    QVERIFY2(sidecar.ends().value(0).error.isEmpty(), qPrintable(sidecar.ends().value(0).error));
    QVERIFY(!sidecar.lines().isEmpty());
    QVERIFY(sidecar.lines().constFirst().text.startsWith(u"multi-1 sidecar line "_qs));
}

void TestPodLogStream::fakeResumeRepeatsNothingAndMissesNothing()
{
    createRunningPod(u"resume-1"_qs, {u"app"_qs});
    const QString appendPath = u"/fake/logs?namespace=default&pod=resume-1&container=app"_qs;
    QTRY_VERIFY_WITH_TIMEOUT(readLog(u"resume-1"_qs).size() >= 3, 30'000);
    // Lines written at once share a timestamp, and some read the same.
    QCOMPARE(m_fake.request("POST", appendPath, "same\nsame\nother\nsame\n").status, 200);

    Reader first(connection(),
                 PodLogRequest{u"default"_qs, {u"resume-1"_qs}, u"app"_qs, false, false, -1, 0},
                 Reader::Resume::Position, 1);
    QTRY_VERIFY_WITH_TIMEOUT(first.isDone(), 30'000);
    const QList<PodLogLine> before = first.lines();
    QVERIFY(first.position().isValid());

    // The log goes on: more generated lines and another burst, in the same second or later.
    QCOMPARE(m_fake.request("POST", appendPath, "same\nsame\n").status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(readLog(u"resume-1"_qs).size() >= before.size() + 4, 30'000);

    // The server resends the whole second of the last line; nothing of it shows twice.
    const QList<PodLogLine> after = readLog(u"resume-1"_qs, first.position());
    const QList<PodLogLine> whole = readLog(u"resume-1"_qs);
    QVERIFY2(whole.size() >= before.size() + after.size(), qPrintable(show(whole)));
    QCOMPARE(texts(before) + texts(after), texts(whole.mid(0, before.size() + after.size())));
    QVERIFY2(after.size() >= 4, qPrintable(show(after)));
}

QTEST_GUILESS_MAIN(TestPodLogStream)
#include "tst_podlogstream.moc"
