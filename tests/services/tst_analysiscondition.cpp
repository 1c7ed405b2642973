// The analysis condition: parsing, its errors with their column, and evaluation.
#include "core/analysiscondition.h"

#include <QtTest>

using namespace launchdeck;

class TestAnalysisCondition final : public QObject
{
    Q_OBJECT

private slots:
    void parseValid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("expected");

        QTest::newRow("less, true") << QStringLiteral("result < 0.01") << 0.005 << true;
        QTest::newRow("less, false") << QStringLiteral("result < 0.01") << 0.01 << false;
        QTest::newRow("no spaces") << QStringLiteral("result<=5") << 5.0 << true;
        QTest::newRow("lots of spaces") << QStringLiteral("  result   >=   5  ") << 4.0 << false;
        QTest::newRow("greater") << QStringLiteral("result > 5") << 6.0 << true;
        QTest::newRow("equal") << QStringLiteral("result == 3") << 3.0 << true;
        QTest::newRow("not equal") << QStringLiteral("result != 3") << 3.0 << false;
        QTest::newRow("exponent") << QStringLiteral("result < 1e-3") << 0.0009 << true;
        QTest::newRow("exponent, false") << QStringLiteral("result < 1e-3") << 0.001 << false;
        QTest::newRow("percent") << QStringLiteral("result < 5%") << 0.049 << true;
        QTest::newRow("percent, false") << QStringLiteral("result < 5%") << 0.05 << false;
        QTest::newRow("fractional percent") << QStringLiteral("result <= 0.5%") << 0.004 << true;
        QTest::newRow("negative") << QStringLiteral("result > -2") << -1.0 << true;
        QTest::newRow("and, inside") << QStringLiteral("result > 1 && result < 3") << 2.0 << true;
        QTest::newRow("and, outside") << QStringLiteral("result > 1 && result < 3") << 3.0 << false;
        QTest::newRow("or, low") << QStringLiteral("result < 1 || result > 3") << 0.0 << true;
        QTest::newRow("or, between") << QStringLiteral("result < 1 || result > 3") << 2.0 << false;
        // && binds tighter: (result < 1) || (result > 3 && result < 5)
        QTest::newRow("precedence, first alternative")
            << QStringLiteral("result < 1 || result > 3 && result < 5") << 0.5 << true;
        QTest::newRow("precedence, second alternative")
            << QStringLiteral("result < 1 || result > 3 && result < 5") << 4.0 << true;
        QTest::newRow("precedence, neither")
            << QStringLiteral("result < 1 || result > 3 && result < 5") << 6.0 << false;
        QTest::newRow("precedence, and first")
            << QStringLiteral("result > 3 && result < 5 || result == 10") << 10.0 << true;
        QTest::newRow("empty") << QString() << 0.0 << false;
        QTest::newRow("blank") << QStringLiteral("   ") << 1.0 << false;
    }
    void parseValid()
    {
        QFETCH(QString, text);
        QFETCH(double, value);
        QFETCH(bool, expected);
        const auto condition = AnalysisCondition::parse(text);
        QVERIFY2(condition.ok(), qPrintable(condition ? QString() : condition.error().toString()));
        QCOMPARE(condition->text(), text);
        QCOMPARE(condition->isEmpty(), text.trimmed().isEmpty());
        QCOMPARE(condition->evaluate(value), expected);
    }

    void parseInvalid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");

        QTest::newRow("unknown operator")
            << QStringLiteral("result <> 3")
            << QStringLiteral("condition 'result <> 3': unknown operator at column 8");
        QTest::newRow("single equals")
            << QStringLiteral("result = 3")
            << QStringLiteral("condition 'result = 3': unknown operator at column 8");
        QTest::newRow("other name")
            << QStringLiteral("rate < 1")
            << QStringLiteral("condition 'rate < 1': expected 'result' at column 1");
        QTest::newRow("number on the left")
            << QStringLiteral("0.01 > result")
            << QStringLiteral("condition '0.01 > result': expected 'result' at column 1");
        QTest::newRow("no operator")
            << QStringLiteral("result 3")
            << QStringLiteral("condition 'result 3': expected a comparison operator at column 8");
        QTest::newRow("no number")
            << QStringLiteral("result <")
            << QStringLiteral("condition 'result <': expected a number at column 9");
        QTest::newRow("word for a number")
            << QStringLiteral("result < low")
            << QStringLiteral("condition 'result < low': expected a number at column 10");
        QTest::newRow("two points")
            << QStringLiteral("result < 1.2.3")
            << QStringLiteral("condition 'result < 1.2.3': expected a number at column 10");
        QTest::newRow("dangling and")
            << QStringLiteral("result < 1 &&")
            << QStringLiteral("condition 'result < 1 &&': expected 'result' at column 14");
        QTest::newRow("single ampersand")
            << QStringLiteral("result < 1 & result > 0")
            << QStringLiteral(
                   "condition 'result < 1 & result > 0': expected && or || at column 12");
        QTest::newRow("unit after the number")
            << QStringLiteral("result < 5ms")
            << QStringLiteral("condition 'result < 5ms': expected && or || at column 11");
        QTest::newRow("parentheses")
            << QStringLiteral("(result < 1)")
            << QStringLiteral("condition '(result < 1)': parentheses are not supported at "
                              "column 1");
    }
    void parseInvalid()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const auto condition = AnalysisCondition::parse(text);
        QVERIFY(!condition.ok());
        QCOMPARE(condition.error().message, message);
    }

    // The column lets the workspace reader point into its own line; the reason carries no text.
    void readReportsReasonAndColumn()
    {
        const auto read = AnalysisCondition::read(QStringLiteral("result > 1 & result < 3"));
        const auto* error = std::get_if<AnalysisCondition::SyntaxError>(&read);
        QVERIFY(error);
        QCOMPARE(error->reason, u"expected && or ||");
        QCOMPARE(error->column, 12);

        const auto good = AnalysisCondition::read(QStringLiteral("result > 1"));
        QVERIFY(std::holds_alternative<AnalysisCondition>(good));
        QVERIFY(std::get<AnalysisCondition>(good).evaluate(2));
    }
};

QTEST_GUILESS_MAIN(TestAnalysisCondition)
#include "tst_analysiscondition.moc"
