// Tests of decodeQueryAnswer and parseQueryError on answers written as Prometheus writes them,
// and on every way an answer can be wrong: truncated at each byte, random bytes, wrong types,
// absurd nesting. Refused answers say why and where; none crashes or hangs.
#include "prometheus/prometheusclient.h"

#include <QRandomGenerator>
#include <QTest>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

using namespace launchdeck;
using namespace launchdeck::prometheus;

namespace {

const QByteArray kMatrix =
    R"({"status":"success","data":{"resultType":"matrix","result":[)"
    R"({"metric":{"__name__":"up","instance":"127.0.0.1:9090","job":"prometheus"},)"
    R"("values":[[1435781430.781,"1"],[1435781445.781,"0.016666666666666666"],)"
    R"([1435781460,"NaN"],[1435781475.5,"+Inf"],[1435781490,"-Inf"],[1435781505,"1e+06"]]},)"
    // Not a raw string: moc misreads backslashes inside one.
    "{\"metric\":{\"job\":\"node\",\"path\":\"C:\\\\dir \\\"q\\\" \\u00e9\\ud83d\\ude00\"},"
    "\"values\":[]}"
    R"(]},"warnings":["partial answer"]})";

// What a correct parser reads from `text`, to compare with bit for bit.
double reference(const QByteArray& text)
{
    double value = 0;
    const auto parsed = std::from_chars(text.constData(), text.constData() + text.size(), value);
    return parsed.ec == std::errc() ? value : std::nan("");
}

bool sameBits(double a, double b)
{
    return std::bit_cast<quint64>(a) == std::bit_cast<quint64>(b);
}

// A range answer of several megabytes, large enough to be decoded on two threads, with the
// numbers in every form Prometheus writes: times with and without milliseconds, integers,
// short decimals, 17-digit fractions, NaN and ±Inf. `spaced` series are written with spaces
// and line breaks as a proxy might reformat them. With `trap`, the series across the middle ends
// with an unknown member holding what looks like the start of a series.
struct LargeAnswer
{
    QByteArray body;
    std::vector<std::vector<QByteArray>> times;
    std::vector<std::vector<QByteArray>> values;
};

LargeAnswer largeAnswer(int seriesCount, int points, bool trap)
{
    LargeAnswer answer;
    QRandomGenerator random(21);
    QByteArray& body = answer.body;
    body = R"({"status":"success","data":{"resultType":"matrix","result":[)";
    for (int s = 0; s < seriesCount; ++s) {
        const bool spaced = s % 7 == 3;
        body += (s ? "," : "") + QByteArray(R"({"metric":{"__name__":"m","series":")") +
                QByteArray::number(s) + "\"}";
        body += R"(,"values":[)";
        answer.times.emplace_back();
        answer.values.emplace_back();
        for (int i = 0; i < points; ++i) {
            const qint64 ms = 1'700'000'000'000 + qint64(i) * 15'000 + (s % 3) * 120 +
                              (s % 4 == 1 ? random.bounded(1000) : 0);
            QByteArray time = QByteArray::number(ms / 1000);
            if (ms % 1000)
                time += '.' + QByteArray::number(ms % 1000).rightJustified(3, '0');
            QByteArray value;
            char digits[32];
            switch ((s + i) % 6) {
            case 0:
                value = QByteArray::number(random.bounded(1 << 30) * qint64(s + 1));
                break;
            case 1:
                value = QByteArray::number(double(random.bounded(1000)) / 1000);
                break;
            case 2:
            case 3: {
                const double v = random.generateDouble() * std::pow(10.0, random.bounded(-3, 6));
                value = QByteArray(
                    digits,
                    std::to_chars(digits, digits + sizeof digits, v, std::chars_format::fixed).ptr -
                        digits);
                break;
            }
            case 4:
                value = i % 60 == 4 ? QByteArray("NaN") : QByteArray("-0.25");
                break;
            default:
                value = i % 90 == 5 ? QByteArray("+Inf") : QByteArray("1e+06");
                break;
            }
            answer.times.back().push_back(time);
            answer.values.back().push_back(value);
            body += (i ? "," : "") + QByteArray(spaced && i % 3 == 0 ? "\n  [ " : "[") + time +
                    (spaced && i % 3 != 2 ? " , \"" : ",\"") + value +
                    (spaced && i % 3 == 2 ? "\" ]" : "\"]");
        }
        body += ']';
        if (trap && s == seriesCount / 2) // with an odd count, the series across the middle
            body += R"(,"exemplars":[1,{"metric":{"trap":"x"},"values":[[1,"1"]]}])";
        body += '}';
    }
    body += "]}}";
    return answer;
}

} // namespace

class TestPromAnswer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodesAMatrix();
    void decodesAVectorScalarAndString();
    void keepsResultTypeAfterResult();
    void turnsTheErrorEnvelopeIntoTheError();
    void refusesWrongShapes_data();
    void refusesWrongShapes();
    void refusesEveryTruncation();
    void refusesRandomBytes();
    void refusesAbsurdNesting();
    void agreesWithFromCharsOnValues();
    void agreesWithFromCharsOnLongMantissas();
    void decodesALargeAnswerAsASmallOne_data();
    void decodesALargeAnswerAsASmallOne();
    void refusesAFaultInTheSecondHalf();
    void readsParseErrorPositions();
};

void TestPromAnswer::decodesAMatrix()
{
    const Result<QueryResult> result = decodeQueryAnswer(kMatrix);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(result->type, ResultType::Matrix);
    QCOMPARE(result->series.size(), 2);
    const Series& up = result->series.at(0);
    QCOMPARE(up.labels.value(QStringLiteral("__name__")), QStringLiteral("up"));
    QCOMPARE(up.labels.value(QStringLiteral("instance")), QStringLiteral("127.0.0.1:9090"));
    QCOMPARE(up.samples.size(), size_t(6));
    QCOMPARE(up.samples[0].time, 1435781430.781);
    QCOMPARE(up.samples[0].value, 1.0);
    QCOMPARE(up.samples[1].value, 0.016666666666666666);
    QVERIFY(std::isnan(up.samples[2].value));
    QVERIFY(std::isinf(up.samples[3].value) && up.samples[3].value > 0);
    QVERIFY(std::isinf(up.samples[4].value) && up.samples[4].value < 0);
    QCOMPARE(up.samples[5].value, 1e6);
    QCOMPARE(up.samples[3].time, 1435781475.5);
    const Series& escaped = result->series.at(1);
    QCOMPARE(escaped.labels.value(QStringLiteral("path")),
             QString(u"C:\\dir \"q\" \u00e9" + QString::fromUcs4(U"\U0001F600", 1)));
    QVERIFY(escaped.samples.empty());
    QCOMPARE(result->warnings, QStringList{QStringLiteral("partial answer")});
}

void TestPromAnswer::decodesAVectorScalarAndString()
{
    const Result<QueryResult> vector = decodeQueryAnswer(
        R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"-0.5"]}]}})");
    QVERIFY(vector);
    QCOMPARE(vector->type, ResultType::Vector);
    QCOMPARE(vector->series.size(), 1);
    QCOMPARE(vector->series[0].samples.size(), size_t(1));
    QCOMPARE(vector->series[0].samples[0].value, -0.5);

    const Result<QueryResult> scalar = decodeQueryAnswer(
        " {\n \"status\" : \"success\" , \"data\" : { \"resultType\" : \"scalar\" , "
        "\"result\" : [ 1700000000.5 , \"NaN\" ] } } \n");
    QVERIFY2(scalar, qPrintable(scalar ? QString() : scalar.error().message));
    QCOMPARE(scalar->type, ResultType::Scalar);
    QVERIFY(scalar->scalar);
    QCOMPARE(scalar->scalar->time, 1700000000.5);
    QVERIFY(std::isnan(scalar->scalar->value));

    const Result<QueryResult> text = decodeQueryAnswer(
        R"({"status":"success","data":{"resultType":"string","result":[1700000000,"hello \"you\""]}})");
    QVERIFY(text);
    QCOMPARE(text->type, ResultType::String);
    QCOMPARE(text->string, QStringLiteral("hello \"you\""));
}

void TestPromAnswer::keepsResultTypeAfterResult()
{
    // Member order is the server's choice; unknown members (native histograms) are skipped.
    const Result<QueryResult> result = decodeQueryAnswer(
        R"({"data":{"result":[{"values":[[1,"2"]],"histograms":[[1,{"count":"3","buckets":[[0,"1","2","3"]]}]],"metric":{"a":"b"}}],"resultType":"matrix","extra":{"x":[true,false,null,-1.5e3]}},"status":"success","infos":[]})");
    QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
    QCOMPARE(result->type, ResultType::Matrix);
    QCOMPARE(result->series[0].samples[0].value, 2.0);
    QCOMPARE(result->series[0].labels.value(QStringLiteral("a")), QStringLiteral("b"));
}

void TestPromAnswer::turnsTheErrorEnvelopeIntoTheError()
{
    QueryError error;
    const Result<QueryResult> result = decodeQueryAnswer(
        R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unexpected end of input"})",
        &error);
    QVERIFY(!result);
    QCOMPARE(result.error().message,
             QStringLiteral("bad_data: invalid parameter \"query\": 1:5: parse error: unexpected "
                            "end of input"));
    QCOMPARE(error.errorType, QStringLiteral("bad_data"));
    QCOMPARE(error.line, 1);
    QCOMPARE(error.column, 5);

    // A decoder failure is no Prometheus error: the position stays empty.
    QueryError none;
    QVERIFY(!decodeQueryAnswer("{", &none));
    QVERIFY(none.errorType.isEmpty());
}

void TestPromAnswer::refusesWrongShapes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("the answer is empty");
    QTest::newRow("html") << QByteArray("<html>502 Bad Gateway</html>")
                          << QStringLiteral("expected a JSON object at byte 0");
    QTest::newRow("array") << QByteArray("[1,2]") << QStringLiteral("expected a JSON object");
    QTest::newRow("no status") << QByteArray(R"({"data":{}})") << QStringLiteral("no \"status\"");
    QTest::newRow("status number")
        << QByteArray(R"({"status":1})") << QStringLiteral("\"status\" that is not a string");
    QTest::newRow("no data") << QByteArray(R"({"status":"success"})")
                             << QStringLiteral("no \"data\"");
    QTest::newRow("data array") << QByteArray(R"({"status":"success","data":[]})")
                                << QStringLiteral("\"data\" that is not an object");
    QTest::newRow("result object")
        << QByteArray(R"({"status":"success","data":{"resultType":"matrix","result":{}}})")
        << QStringLiteral("\"result\" that is not an array");
    QTest::newRow("unknown type")
        << QByteArray(R"({"status":"success","data":{"resultType":"cube","result":[]}})")
        << QStringLiteral("unknown resultType");
    QTest::newRow("matrix with value")
        << QByteArray(
               R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"value":[1,"1"]}]}})")
        << QStringLiteral("a matrix result with a series carrying \"value\" (series 1)");
    QTest::newRow("vector with values")
        << QByteArray(
               R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"values":[[1,"1"]]}]}})")
        << QStringLiteral("a vector result with a series carrying \"values\"");
    QTest::newRow("scalar as series")
        << QByteArray(R"({"status":"success","data":{"resultType":"scalar","result":[]}})")
        << QStringLiteral("a scalar result that is not a [time, value] pair");
    QTest::newRow("value not a string")
        << QByteArray(
               R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,1]}]}})")
        << QStringLiteral("a sample value that is not a string");
    QTest::newRow("value not a number")
        << QByteArray(
               R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}})")
        << QStringLiteral("a sample value that is not a number (\"abc\")");
    QTest::newRow("range value not a number")
        << QByteArray(
               R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"abc"]]}]}})")
        << QStringLiteral("a sample value that is not a number (\"abc\")");
    QTest::newRow("time a string")
        << QByteArray(
               R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":["1","1"]}]}})")
        << QStringLiteral("expected a number");
    QTest::newRow("label a number")
        << QByteArray(
               R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"1"]}]}})")
        << QStringLiteral("a label value that is not a string");
    QTest::newRow("trailing bytes")
        << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[]}} x)")
        << QStringLiteral("bytes after the answer");
    QTest::newRow("missing comma")
        << QByteArray(
               R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"1"] [2,"2"]]}]}})")
        << QStringLiteral("expected ',' or ']'");
    QTest::newRow("control character") << QByteArray("{\"status\":\"succ\x01"
                                                     "ess\"}")
                                       << QStringLiteral("a control character inside a string");
    QTest::newRow("bad escape") << QByteArray(R"({"status":"\q"})")
                                << QStringLiteral("a bad escape in a string");
}

void TestPromAnswer::refusesWrongShapes()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    const Result<QueryResult> result = decodeQueryAnswer(body);
    QVERIFY(!result);
    QVERIFY2(result.error().message.contains(expected), qPrintable(result.error().message));
}

void TestPromAnswer::refusesEveryTruncation()
{
    for (qsizetype length = 0; length < kMatrix.size(); ++length) {
        const Result<QueryResult> result = decodeQueryAnswer(kMatrix.left(length));
        QVERIFY2(!result, qPrintable(u"accepted the first " + QString::number(length) +
                                     u" bytes of the answer"));
        QVERIFY2(!result.error().message.isEmpty(), qPrintable(QString::number(length)));
    }
}

void TestPromAnswer::refusesRandomBytes()
{
    // Random bytes, and the answer with random bytes overwritten: refused or decoded, never a
    // crash (the sanitizer builds make an out-of-bounds read fail here).
    QRandomGenerator random(14);
    int refused = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray body = kMatrix;
        if (round % 3 == 0) {
            body.resize(random.bounded(1, 200));
            for (char& c : body)
                c = char(random.bounded(256));
        } else {
            for (int i = random.bounded(1, 4); i > 0; --i)
                body[random.bounded(body.size())] = char(random.bounded(256));
        }
        const Result<QueryResult> result = decodeQueryAnswer(body);
        if (!result) {
            ++refused;
            QVERIFY(!result.error().message.isEmpty());
        }
    }
    QVERIFY2(refused > 1000, qPrintable(QString::number(refused)));
}

void TestPromAnswer::refusesAbsurdNesting()
{
    const QByteArray deep =
        R"({"status":"success","x":)" + QByteArray(100'000, '[') + QByteArray(100'000, ']') + "}";
    const Result<QueryResult> result = decodeQueryAnswer(deep);
    QVERIFY(!result);
    QVERIFY2(result.error().message.contains(QStringLiteral("nested too deeply")),
             qPrintable(result.error().message));
}

void TestPromAnswer::agreesWithFromCharsOnValues()
{
    // The fast path for plain decimals must give the very double a correct parser gives.
    QRandomGenerator random(7);
    QByteArray body = R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[)";
    QList<QByteArray> texts;
    for (int i = 0; i < 20000; ++i) {
        const double value = random.generateDouble() * std::pow(10.0, random.bounded(-8, 16));
        const QByteArray text =
            QByteArray::number(i % 2 ? -value : value, i % 3 ? 'f' : 'g', random.bounded(0, 18));
        texts.append(text);
        body += (i ? "," : "") + QByteArray("[") + QByteArray::number(1700000000 + i) + ".5,\"" +
                text + "\"]";
    }
    body += "]}]}}";
    const Result<QueryResult> result = decodeQueryAnswer(body);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
    const std::vector<Sample>& samples = result->series.at(0).samples;
    QCOMPARE(samples.size(), size_t(texts.size()));
    for (size_t i = 0; i < samples.size(); ++i) {
        bool ok = false;
        const double expected = texts[qsizetype(i)].toDouble(&ok);
        QVERIFY(ok);
        QVERIFY2(samples[i].value == expected,
                 qPrintable(QString::fromLatin1(texts[qsizetype(i)])));
        QCOMPARE(samples[i].time, 1700000000.5 + double(i));
    }
}

void TestPromAnswer::agreesWithFromCharsOnLongMantissas()
{
    // Past 2^53 the mantissa no longer converts exactly: 16 to 19 digits with the point
    // anywhere, ties to even just past 2^53, and times as Prometheus writes them.
    QRandomGenerator random(53);
    QByteArray body = R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[)";
    QList<QByteArray> times;
    QList<QByteArray> texts;
    for (int i = 0; i < 40000; ++i) {
        const int digits = 16 + i % 4;
        QByteArray mantissa = QByteArray::number(random.bounded(1, 10));
        while (mantissa.size() < digits)
            mantissa += char('0' + random.bounded(10));
        if (i % 5 == 0) // 2^53 + an odd number: halfway between two doubles when the point is last
            mantissa = QByteArray::number(quint64(1) << 53 | quint64(random.bounded(1, 999) | 1));
        const int point = random.bounded(int(mantissa.size()) + 1);
        QByteArray text = point == 0 ? "0." + mantissa
                          : point == mantissa.size()
                              ? mantissa
                              : mantissa.left(point) + '.' + mantissa.mid(point);
        if (i % 2)
            text.prepend('-');
        const qint64 ms = 1'700'000'000'000 + qint64(random.bounded(1'000'000'000));
        QByteArray time = QByteArray::number(ms / 1000);
        if (i % 3)
            time += '.' + QByteArray::number(ms % 1000).rightJustified(3, '0');
        texts.append(text);
        times.append(time);
        body += (i ? "," : "") + QByteArray("[") + time + ",\"" + text + "\"]";
    }
    body += "]}]}}";
    const Result<QueryResult> result = decodeQueryAnswer(body);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
    const std::vector<Sample>& samples = result->series.at(0).samples;
    QCOMPARE(samples.size(), size_t(texts.size()));
    for (size_t i = 0; i < samples.size(); ++i) {
        const qsizetype at = qsizetype(i);
        QVERIFY2(sameBits(samples[i].value, reference(texts[at])),
                 qPrintable(QString::fromLatin1(texts[at])));
        QVERIFY2(sameBits(samples[i].time, reference(times[at])),
                 qPrintable(QString::fromLatin1(times[at])));
    }
}

void TestPromAnswer::decodesALargeAnswerAsASmallOne_data()
{
    QTest::addColumn<bool>("trap");
    QTest::newRow("plain") << false;
    QTest::newRow("a series' start inside a series") << true;
}

void TestPromAnswer::decodesALargeAnswerAsASmallOne()
{
    QFETCH(bool, trap);
    const LargeAnswer answer = largeAnswer(25, 4000, trap);
    QVERIFY2(answer.body.size() > 2'000'000, qPrintable(QString::number(answer.body.size())));
    const Result<QueryResult> result = decodeQueryAnswer(answer.body);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
    QCOMPARE(result->type, ResultType::Matrix);
    QCOMPARE(size_t(result->series.size()), answer.values.size());
    for (size_t s = 0; s < answer.values.size(); ++s) {
        const Series& series = result->series.at(qsizetype(s));
        QCOMPARE(series.labels.value(QStringLiteral("series")), QString::number(s));
        QCOMPARE(series.labels.size(), 2);
        QCOMPARE(series.samples.size(), answer.values[s].size());
        for (size_t i = 0; i < series.samples.size(); ++i) {
            const QByteArray& text = answer.values[s][i];
            const double expected = text == "NaN"    ? std::nan("")
                                    : text == "+Inf" ? HUGE_VAL
                                                     : reference(text);
            const QString where = u"series " + QString::number(s) + u", sample " +
                                  QString::number(i) + u": " + QString::fromLatin1(text);
            QVERIFY2(std::isnan(expected) ? std::isnan(series.samples[i].value)
                                          : sameBits(series.samples[i].value, expected),
                     qPrintable(where));
            QVERIFY2(sameBits(series.samples[i].time, reference(answer.times[s][i])),
                     qPrintable(where));
        }
    }
}

void TestPromAnswer::refusesAFaultInTheSecondHalf()
{
    // Every fault is found and named at its byte, whichever thread met it first.
    const LargeAnswer answer = largeAnswer(25, 4000, false);
    const qsizetype late = answer.body.lastIndexOf(R"(,"-0.25"])");
    QVERIFY(late > answer.body.size() * 3 / 4);
    QByteArray wrongValue = answer.body;
    wrongValue.replace(late + 2, 5, "-0.2x");
    const Result<QueryResult> notANumber = decodeQueryAnswer(wrongValue);
    QVERIFY(!notANumber);
    QCOMPARE(notANumber.error().message,
             u"a sample value that is not a number (\"-0.2x\") before at byte " +
                 QString::number(late + 9));

    QByteArray missingComma = answer.body;
    const qsizetype pair = missingComma.indexOf("],[", answer.body.size() * 4 / 5);
    missingComma.remove(pair + 1, 1);
    const Result<QueryResult> broken = decodeQueryAnswer(missingComma);
    QVERIFY(!broken);
    QCOMPARE(broken.error().message, u"expected ',' or ']' at byte " + QString::number(pair + 1));

    for (const qsizetype cut :
         {answer.body.size() * 2 / 3, answer.body.size() - 100, answer.body.size() - 1}) {
        const Result<QueryResult> truncated = decodeQueryAnswer(answer.body.left(cut));
        QVERIFY2(!truncated, qPrintable(QString::number(cut)));
        QCOMPARE(truncated.error().message,
                 u"the answer ends early, at byte " + QString::number(cut));
    }
}

void TestPromAnswer::readsParseErrorPositions()
{
    const QueryError current = parseQueryError(
        QStringLiteral("bad_data"),
        QStringLiteral("invalid parameter \"query\": 1:14: parse error: unexpected <op:/>"));
    QCOMPARE(current.line, 1);
    QCOMPARE(current.column, 14);
    const QueryError multiLine = parseQueryError(
        QStringLiteral("bad_data"), QStringLiteral("3:7: parse error: unexpected identifier"));
    QCOMPARE(multiLine.line, 3);
    QCOMPARE(multiLine.column, 7);
    const QueryError older = parseQueryError(
        QStringLiteral("bad_data"), QStringLiteral("parse error at char 9: unexpected \"}\""));
    QCOMPARE(older.line, 1);
    QCOMPARE(older.column, 9);
    const QueryError none = parseQueryError(QStringLiteral("execution"),
                                            QStringLiteral("query timed out in expression"));
    QCOMPARE(none.line, 0);
    QCOMPARE(none.column, 0);
    QCOMPARE(none.errorType, QStringLiteral("execution"));
}

QTEST_GUILESS_MAIN(TestPromAnswer)
#include "tst_promanswer.moc"
