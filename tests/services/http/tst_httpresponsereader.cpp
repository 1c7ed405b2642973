// The built-in load-test engine's answer reader, fed whole answers and the same answers a byte at
// a time, as a slow network hands them over: status, counted body, keep-alive and failures.
#include "http/httpresponsereader.h"

#include <QTest>

using launchdeck::http::detail::HttpResponseReader;
using State = HttpResponseReader::State;

Q_DECLARE_METATYPE(HttpResponseReader::State)

namespace {

struct Fed
{
    State state = State::Incomplete;
    std::size_t consumed = 0; // of the bytes, when the answer completed
};

// Feeds `bytes` in pieces of `piece` bytes (all at once for 0), then the close when `close`.
Fed feedAll(HttpResponseReader& reader, const QByteArray& bytes, qsizetype piece, bool close)
{
    Fed fed;
    const qsizetype step = piece > 0 ? piece : std::max<qsizetype>(1, bytes.size());
    for (qsizetype at = 0; at < bytes.size(); at += step) {
        const qsizetype length = std::min(step, bytes.size() - at);
        std::size_t consumed = 0;
        fed.state = reader.feed(bytes.constData() + at, std::size_t(length), &consumed);
        if (fed.state != State::Incomplete) {
            fed.consumed = std::size_t(at) + consumed;
            return fed;
        }
    }
    if (close)
        fed.state = reader.finishAtClose();
    return fed;
}

} // namespace

class TestHttpResponseReader final : public QObject
{
    Q_OBJECT

private slots:
    void readsAnswers_data();
    void readsAnswers();
    void stopsAtTheAnswersEnd();
    void resetServesTheNextAnswer();
};

void TestHttpResponseReader::readsAnswers_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("head");
    QTest::addColumn<bool>("close"); // the server closes after the bytes
    QTest::addColumn<State>("state");
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("bodyBytes");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<bool>("sawStatusLine");

    QTest::newRow("content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << false << false
        << State::Complete << 200 << qint64(5) << true << true;
    QTest::newRow("chunked, extension, trailer")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
                      "4;x=y\r\ndefg\r\n0\r\nTrailer: 1\r\n\r\n")
        << false << false << State::Complete << 200 << qint64(7) << true << true;
    QTest::newRow("Connection: close")
        << QByteArray("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno")
        << false << false << State::Complete << 404 << qint64(2) << false << true;
    QTest::newRow("HTTP/1.0") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
                              << false << false << State::Complete << 200 << qint64(2) << false
                              << true;
    QTest::newRow("HEAD with a length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n") << true << false
        << State::Complete << 200 << qint64(0) << true << true;
    QTest::newRow("204 without a length")
        << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << false << false << State::Complete << 204
        << qint64(0) << true << true;
    QTest::newRow("interim 100") << QByteArray(
                                        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                                        "Content-Length: 2\r\n\r\nok")
                                 << false << false << State::Complete << 201 << qint64(2) << true
                                 << true;
    QTest::newRow("body until close")
        << QByteArray("HTTP/1.1 200 OK\r\n\r\nuntil close") << false << true << State::Complete
        << 200 << qint64(11) << false << true;
    QTest::newRow("cut short") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart")
                               << false << true << State::Failed << 0 << qint64(4) << false << true;
    QTest::newRow("invalid length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n") << false << false
        << State::Failed << 0 << qint64(0) << false << true;
    QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2p1\r\n") << false << false
                              << State::Failed << 0 << qint64(0) << false << false;
}

void TestHttpResponseReader::readsAnswers()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, head);
    QFETCH(bool, close);
    QFETCH(State, state);
    QFETCH(int, status);
    QFETCH(qint64, bodyBytes);
    QFETCH(bool, keepAlive);
    QFETCH(bool, sawStatusLine);
    for (const qsizetype piece : {qsizetype(0), qsizetype(1), qsizetype(7)}) {
        HttpResponseReader reader;
        reader.reset(head);
        const Fed fed = feedAll(reader, bytes, piece, close);
        QCOMPARE(fed.state, state);
        QCOMPARE(reader.sawStatusLine(), sawStatusLine);
        if (state == State::Complete) {
            QCOMPARE(reader.status(), status);
            QCOMPARE(reader.bodyBytes(), bodyBytes);
            QCOMPARE(reader.keepAlive(), keepAlive);
            if (!close)
                QCOMPARE(fed.consumed, std::size_t(bytes.size()));
        } else {
            QVERIFY(reader.errorDescription()[0] != '\0');
        }
    }
}

void TestHttpResponseReader::stopsAtTheAnswersEnd()
{
    // What follows an answer is left to the caller, which then knows the connection is out of
    // step.
    const QByteArray answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    HttpResponseReader reader;
    std::size_t consumed = 0;
    const QByteArray bytes = answer + "HTTP/1.1 500 Extra\r\n\r\n";
    QCOMPARE(reader.feed(bytes.constData(), std::size_t(bytes.size()), &consumed), State::Complete);
    QCOMPARE(consumed, std::size_t(answer.size()));
    QCOMPARE(reader.status(), 200);
}

void TestHttpResponseReader::resetServesTheNextAnswer()
{
    HttpResponseReader reader;
    for (int round = 0; round < 3; ++round) {
        reader.reset(false);
        const QByteArray answer =
            "HTTP/1.1 20" + QByteArray::number(round) + " OK\r\nContent-Length: 3\r\n\r\nabc";
        QCOMPARE(feedAll(reader, answer, 1, false).state, State::Complete);
        QCOMPARE(reader.status(), 200 + round);
        QCOMPARE(reader.bodyBytes(), qint64(3));
    }
}

QTEST_GUILESS_MAIN(TestHttpResponseReader)
#include "tst_httpresponsereader.moc"
