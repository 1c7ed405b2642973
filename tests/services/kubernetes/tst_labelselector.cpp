// Label selectors as kubectl's -l reads them: what each form matches, and the refusals with the
// column of the offending token, in labels.Parse's words.
#include "kubernetes/labelselector.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <tuple>

using namespace launchdeck;
using namespace launchdeck::kube;

class TestLabelSelector final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void selectorMatches_data();
    void selectorMatches();
    void selectorErrorsSayWhere_data();
    void selectorErrorsSayWhere();
};

void TestLabelSelector::selectorMatches_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("labels");
    QTest::addColumn<bool>("matches");
    const QList<std::tuple<const char*, const char*, bool>> cases{
        {"", "{}", true},
        {"app=web", R"({"app":"web"})", true},
        {"app==web", R"({"app":"db"})", false},
        {" app = web ", R"({"app":"web"})", true},
        {"app=web", "{}", false},
        {"app!=web", "{}", true},
        {"app!=web", R"({"app":"web"})", false},
        {"env in (prod, staging)", R"({"env":"staging"})", true},
        {"env in (prod)", R"({"env":"dev"})", false},
        {"env notin (prod)", "{}", true},
        {"env notin (prod,dev)", R"({"env":"dev"})", false},
        {"app", R"({"app":""})", true},
        {"!app", R"({"app":"x"})", false},
        {"!app", "{}", true},
        {"app=web,tier=front", R"({"app":"web","tier":"front"})", true},
        {"app=web,tier=front", R"({"app":"web","tier":"back"})", false},
        {"app=", R"({"app":""})", true},
        {"app=", R"({"app":"x"})", false},
        {"example.com/team in (a,)", R"({"example.com/team":""})", true},
    };
    for (const auto& [selector, labels, matches] : cases)
        QTest::addRow("%s %s", selector, labels)
            << QString::fromUtf8(selector) << QString::fromUtf8(labels) << matches;
}

void TestLabelSelector::selectorMatches()
{
    QFETCH(QString, selector);
    QFETCH(QString, labels);
    QFETCH(bool, matches);
    const Result<LabelSelector> parsed = LabelSelector::parse(selector);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().toString()));
    QCOMPARE(parsed->isEmpty(), selector.isEmpty());
    QCOMPARE(parsed->matches(QJsonDocument::fromJson(labels.toUtf8()).object()), matches);
}

void TestLabelSelector::selectorErrorsSayWhere_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("error");
    const QList<std::pair<const char*, const char*>> cases{
        {"app=web,", "column 9: unable to parse requirement: found '', expected: identifier "
                     "after ','"},
        {",app", "column 1: unable to parse requirement: found ',', expected: !, identifier, or "
                 "'end of string'"},
        {"env in prod", "column 8: unable to parse requirement: found 'prod', expected: '('"},
        {"env in (a", "column 10: unable to parse requirement: found '', expected: ',' or ')'"},
        {"app=web=x", "column 8: unable to parse requirement: found '=', expected: ',' or 'end "
                      "of string'"},
        {"a b", "column 3: unable to parse requirement: found 'b', expected: in, notin, =, ==, "
                "!="},
        {"!a=b", "column 3: unable to parse requirement: found '=', expected: ',' or 'end of "
                 "string'"},
        {"-app=x", "column 1: unable to parse requirement: invalid label key \"-app\""},
        {"app=-x", "column 5: unable to parse requirement: invalid label value \"-x\""},
        {"a>1", "column 2: unable to parse requirement: the '>' operator"},
    };
    for (const auto& [selector, error] : cases)
        QTest::addRow("%s", selector) << QString::fromUtf8(selector) << QString::fromUtf8(error);
}

void TestLabelSelector::selectorErrorsSayWhere()
{
    QFETCH(QString, selector);
    QFETCH(QString, error);
    const Result<LabelSelector> parsed = LabelSelector::parse(selector);
    QVERIFY(!parsed.ok());
    const QString message = parsed.error().toString();
    QVERIFY2(message.startsWith(u"label selector \"%1\", "_qs.arg(selector) + error),
             qPrintable(message));
}

QTEST_GUILESS_MAIN(TestLabelSelector)
#include "tst_labelselector.moc"
