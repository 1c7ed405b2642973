// Tests of the core: units, the safe YAML loader and strict mapping reader.
#include "core/diagnostic.h"
#include "core/units.h"
#include "core/yamlmapreader.h"
#include "core/yamlsource.h"

#include <QTest>

using namespace launchdeck;
using namespace std::chrono_literals;

class TestCore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("ms") << QStringLiteral("250ms") << qint64(250);
        QTest::newRow("s") << QStringLiteral("30s") << qint64(30'000);
        QTest::newRow("compound") << QStringLiteral("1h30m") << qint64(5'400'000);
        QTest::newRow("fraction") << QStringLiteral("1.5s") << qint64(1500);
        QTest::newRow("bare number") << QStringLiteral("30") << qint64(-1);
        QTest::newRow("unknown unit") << QStringLiteral("3w") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const auto parsed = parseDuration(text);
        if (ms < 0) {
            QVERIFY(!parsed);
        } else {
            QVERIFY(parsed);
            QCOMPARE(parsed->count(), ms);
            QCOMPARE(parseDuration(formatDuration(*parsed))->count(), ms);
        }
    }

    void quantities()
    {
        QCOMPARE(parseQuantity(u"250m")->milli, 250);
        QCOMPARE(parseQuantity(u"2")->milli, 2000);
        QCOMPARE(parseQuantity(u"0.5")->milli, 500);
        QCOMPARE(parseQuantity(u"512Mi")->value(), 536870912.0);
        QCOMPARE(parseQuantity(u"1e3")->value(), 1000.0);
        QCOMPARE(parseQuantity(u"1k")->value(), 1000.0);
        QVERIFY(!parseQuantity(u"512MB"));
        QVERIFY(!parseQuantity(u"lots"));
        QVERIFY(!parseQuantity(u""));
    }

    void ports()
    {
        const auto simple = parsePortMapping(u"8080:80");
        QVERIFY(simple);
        QCOMPARE(simple->hostPort, 8080);
        QCOMPARE(simple->containerPort, 80);
        const auto full = parsePortMapping(u"127.0.0.1:5353:53/udp");
        QVERIFY(full);
        QCOMPARE(full->hostIp, QStringLiteral("127.0.0.1"));
        QCOMPARE(full->protocol, QStringLiteral("udp"));
        QCOMPARE(formatPortMapping(*full), QStringLiteral("127.0.0.1:5353:53/udp"));
        QVERIFY(!parsePortMapping(u"70000:80"));
        QVERIFY(!parsePortMapping(u"80/xtp"));
        QVERIFY(!parsePortMapping(u"a:b"));
        QVERIFY(isPortName(u"http"));
        QVERIFY(!isPortName(u"8080"));
        QVERIFY(!isPortName(u"a-very-long-port-name"));
        QVERIFY(isDnsLabel(u"web-1"));
        QVERIFY(!isDnsLabel(u"Web"));
    }

    void yamlSyntaxErrorHasPosition()
    {
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("f.yaml"), "a: 1\nb: [1, 2\n", out);
        QVERIFY(!file.readable);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("yaml-syntax"));
        QVERIFY(out[0].line >= 2);
        QVERIFY(out[0].column > 0);
    }

    void yamlDuplicateKey()
    {
        Diagnostics out;
        const YamlFile file =
            parseYaml(QStringLiteral("f.yaml"), "a: 1\nb:\n  c: 1\n  c: 2\n", out);
        QVERIFY(file.readable);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("duplicate-key"));
        QCOMPARE(out[0].line, 4);
        QCOMPARE(out[0].column, 3);
    }

    void yamlDuplicateKeyInLargeMapping()
    {
        QByteArray text;
        for (int i = 0; i < 100; ++i)
            text += "key" + QByteArray::number(i) + ": " + QByteArray::number(i) + "\n";
        text += "key42: again\n";
        Diagnostics out;
        QVERIFY(parseYaml(QStringLiteral("f.yaml"), text, out).readable);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("duplicate-key"));
        QCOMPARE(out[0].line, 101);
    }

    void yamlTabs()
    {
        Diagnostics out;
        parseYaml(QStringLiteral("f.yaml"), "a:\n\tb: 1\n", out);
        QVERIFY(!out.isEmpty());
        QCOMPARE(out[0].rule, QStringLiteral("yaml-tab"));
        QCOMPARE(out[0].line, 2);
        QCOMPARE(out[0].column, 1);
    }

    void yamlMultiDocument()
    {
        Diagnostics out;
        const YamlFile file =
            parseYaml(QStringLiteral("f.yaml"), "a: 1\n---\nb: 2\n---\nc: 3\n", out);
        QVERIFY(out.isEmpty());
        QCOMPARE(file.documents.size(), 3);
        QCOMPARE(yamlLine(file.documents[2].root["c"]), 5);
    }

    void yamlBinaryAndEncoding()
    {
        Diagnostics out;
        QVERIFY(!parseYaml(QStringLiteral("f"), QByteArray("a: 1\n\0\x01", 7), out).readable);
        QCOMPARE(out.last().rule, QStringLiteral("not-text"));
        QCOMPARE(out.last().line, 2);
        QVERIFY(!parseYaml(QStringLiteral("f"), QByteArray("a: \xff\xfe\n"), out).readable);
        QCOMPARE(out.last().rule, QStringLiteral("not-text"));
        QVERIFY(parseYaml(QStringLiteral("f"), QByteArray("a: \xc3\xa9t\xc3\xa9\n"), out).readable);
    }

    void yamlDeepNesting()
    {
        Diagnostics out;
        QByteArray text;
        for (int i = 0; i < 10'000; ++i)
            text += '[';
        for (int i = 0; i < 10'000; ++i)
            text += ']';
        QVERIFY(!parseYaml(QStringLiteral("deep.yaml"), text, out).readable);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("yaml-depth"));
    }

    void yamlAliasBomb()
    {
        Diagnostics out;
        QByteArray text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        char previous = 'a';
        for (char name = 'b'; name <= 'k'; ++name) {
            text += QByteArray(1, name) + ": &" + QByteArray(1, name) + " [";
            for (int i = 0; i < 10; ++i)
                text += (i ? ", *" : "*") + QByteArray(1, previous);
            text += "]\n";
            previous = name;
        }
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!parseYaml(QStringLiteral("bomb.yaml"), text, out).readable);
        QCOMPARE(out.last().rule, QStringLiteral("yaml-size"));
    }

    void yamlNodeLimitCountsEachDocument()
    {
        // Twenty documents of 9 nodes each under a limit of 50: the limit is a document's.
        QByteArray text;
        for (int i = 0; i < 20; ++i)
            text += "---\nkind: ConfigMap\nmetadata: {name: c" + QByteArray::number(i) +
                    "}\ndata: {k: v}\n";
        YamlLimits limits;
        limits.maxNodes = 50;
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("many.yaml"), text, out, limits);
        QVERIFY2(out.isEmpty(), qPrintable(out.value(0).message));
        QVERIFY(file.readable);
        QCOMPARE(file.documents.size(), 20);
        QCOMPARE(yamlLine(file.documents[19].root["data"]), 20 * 4);
    }

    void yamlLargeDocumentIsNotCalledAnAliasBomb()
    {
        QByteArray text = "values:\n";
        for (int i = 0; i < 100; ++i)
            text += "  - " + QByteArray::number(i) + "\n";
        YamlLimits limits;
        limits.maxNodes = 50;
        Diagnostics out;
        QVERIFY(!parseYaml(QStringLiteral("big.yaml"), text, out, limits).readable);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("yaml-size"));
        QVERIFY2(!out[0].message.contains(u"alias"), qPrintable(out[0].message));
        QVERIFY2(out[0].message.contains(u"50 nodes"), qPrintable(out[0].message));
    }

    void yamlAliasSelfNestingIsRefused()
    {
        Diagnostics out;
        QVERIFY(!parseYaml(QStringLiteral("loop.yaml"), "a: &x\n  b: *x\n", out).readable);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("yaml-size"));
        QCOMPARE(out[0].line, 2);
    }

    void yamlDocumentsArriveOneByOne()
    {
        // A refused document is reported; the documents around it still arrive, in order.
        QByteArray bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (char name = 'b'; name <= 'k'; ++name) {
            bomb += QByteArray(1, name) + ": &" + QByteArray(1, name) + " [";
            for (int i = 0; i < 10; ++i)
                bomb += (i ? ", *" : "*") + QByteArray(1, char(name - 1));
            bomb += "]\n";
        }
        const QByteArray text = "first: 1\n---\n" + bomb + "---\nlast: 2\n";
        Diagnostics out;
        QList<int> seen;
        QVERIFY(!forEachYamlDocument(QStringLiteral("f.yaml"), text, out,
                                     [&seen](const YamlDocument& document) {
                                         seen.append(document.index);
                                         QVERIFY(document.root.IsMap());
                                     }));
        QCOMPARE(seen, QList<int>({0, 2}));
        QCOMPARE(out.size(), 1);
        QVERIFY2(out[0].message.contains(u"aliases"), qPrintable(out[0].message));
    }

    void yamlStrayCommaDoesNotLoop_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("comma quote") << QByteArray(",'");
        QTest::newRow("comma") << QByteArray(",x");
        QTest::newRow("after sequence") << QByteArray("- a\n,");
        QTest::newRow("after separator") << QByteArray("a: 1\n---\n, x");
        QTest::newRow("after anchor") << QByteArray("&x ,");
        QTest::newRow("after tag") << QByteArray("!t ,");
        QTest::newRow("after alias") << QByteArray("&s:por*b,*b,");
        QTest::newRow("after quoted") << QByteArray("\"a\",");
    }
    void yamlStrayCommaDoesNotLoop()
    {
        QFETCH(QByteArray, text);
        Diagnostics out;
        QVERIFY(!parseYaml(QStringLiteral("c.yaml"), text, out).readable);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("yaml-syntax"));
        QVERIFY(out[0].line >= 1);
    }

    void yamlUnterminatedQuotes()
    {
        for (const QByteArray& text : {QByteArray("name: \"web\nimage: nginx\n"),
                                       QByteArray("a: 1\nb: 'it''s\n"), QByteArray("\"key: 1\n")}) {
            Diagnostics out;
            QVERIFY2(!parseYaml(QStringLiteral("q.yaml"), text, out).readable, text.constData());
            QCOMPARE(out.size(), 1);
            QCOMPARE(out[0].rule, QStringLiteral("yaml-syntax"));
        }
        Diagnostics out;
        const YamlFile fine =
            parseYaml(QStringLiteral("q.yaml"),
                      "a: \"x \\\" y\"\nb: 'it''s'\nc: \"multi\n  line\"\nd: it's\n", out);
        QVERIFY(fine.readable);
        QVERIFY(out.isEmpty());
        QCOMPARE(yamlText(fine.documents[0].root["a"]), QStringLiteral("x \" y"));
    }

    void yamlCommaInFlowIsFine()
    {
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("f.yaml"), "a: [1\n  , 2]\nb: x, y\n", out);
        QVERIFY(file.readable);
        QVERIFY(out.isEmpty());
        QCOMPARE(file.documents[0].root["a"].size(), size_t(2));
    }

    void yamlMergeKeys()
    {
        const QByteArray text = "base: &base\n"
                                "  image: shop/web:1.0\n"
                                "  restart: always\n"
                                "extra: &extra\n"
                                "  restart: never\n"
                                "  user: app\n"
                                "one:\n"
                                "  <<: *base\n"
                                "  image: shop/web:2.0\n"
                                "two:\n"
                                "  <<: [*extra, *base]\n"
                                "three:\n"
                                "  image: own\n"
                                "  <<: *base\n"
                                "four: &four {<<: *extra, port: 80}\n"
                                "five: {<<: *four}\n";
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("f.yaml"), text, out);
        QVERIFY2(out.isEmpty(), qPrintable(out.isEmpty() ? QString() : out[0].message));
        QVERIFY(file.readable);
        const YAML::Node root = file.documents[0].root;
        const YAML::Node one = root["one"];
        QVERIFY(!one["<<"]);
        QCOMPARE(one.size(), std::size_t(2));
        QCOMPARE(yamlText(one["image"]), QStringLiteral("shop/web:2.0"));
        QCOMPARE(yamlLine(one["image"]), 9);
        QCOMPARE(yamlText(one["restart"]), QStringLiteral("always"));
        // A merged value is the one written under the anchor: findings about it point there.
        QCOMPARE(yamlLine(one["restart"]), 3);
        const YAML::Node two = root["two"];
        QCOMPARE(yamlText(two["restart"]), QStringLiteral("never")); // earlier in the list wins
        QCOMPARE(yamlLine(two["restart"]), 5);
        QCOMPARE(yamlText(two["image"]), QStringLiteral("shop/web:1.0"));
        QCOMPARE(yamlLine(two["image"]), 2);
        QCOMPARE(yamlText(two["user"]), QStringLiteral("app"));
        QCOMPARE(yamlText(root["three"]["image"]), QStringLiteral("own"));
        QCOMPARE(yamlText(root["three"]["restart"]), QStringLiteral("always"));
        QCOMPARE(yamlText(root["five"]["user"]), QStringLiteral("app"));
        QCOMPARE(yamlText(root["five"]["port"]), QStringLiteral("80"));
    }

    void yamlMergeOfWhatIsNoMapping()
    {
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("f.yaml"),
                                        "list: &list [1, 2]\n"
                                        "maps: &maps {a: 1}\n"
                                        "one:\n"
                                        "  b: 2\n"
                                        "  <<: *list\n"
                                        "two:\n"
                                        "  <<: [*maps, text]\n",
                                        out);
        QCOMPARE(out.size(), 2);
        QCOMPARE(out[0].rule, QStringLiteral("yaml-merge"));
        QCOMPARE(out[0].severity, Severity::Critical);
        QCOMPARE(out[0].line, 5);
        QCOMPARE(out[0].column, 3);
        QVERIFY2(out[0].message.contains(u"sequence"), qPrintable(out[0].message));
        QCOMPARE(out[1].rule, QStringLiteral("yaml-merge"));
        QCOMPARE(out[1].line, 7);
        QVERIFY2(out[1].message.contains(u"entry 2"), qPrintable(out[1].message));
        // The mappings that could be merged still are.
        QCOMPARE(yamlText(file.documents[0].root["two"]["a"]), QStringLiteral("1"));
    }

    void yamlMergeKeyTwiceIsADuplicate()
    {
        Diagnostics out;
        parseYaml(QStringLiteral("f.yaml"),
                  "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n  \"<<\": quoted\n", out);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("duplicate-key"));
        QCOMPARE(out[0].line, 5);
    }

    void yamlQuotedMergeKeyIsAKey()
    {
        Diagnostics out;
        const YamlFile file =
            parseYaml(QStringLiteral("f.yaml"), "a: &a {x: 1}\nb: {\"<<\": *a}\n", out);
        QVERIFY(out.isEmpty());
        QVERIFY(file.documents[0].root["b"]["<<"].IsMap());
        QVERIFY(!file.documents[0].root["b"]["x"]);
    }

    void yamlMergeBombIsRefused()
    {
        QByteArray text = "base: &base {";
        for (int i = 0; i < 20; ++i)
            text += (i ? ", k" : "k") + QByteArray::number(i) + ": v";
        text += "}\n";
        for (int i = 0; i < 100; ++i)
            text += "m" + QByteArray::number(i) + ": {<<: *base}\n";
        YamlLimits limits;
        limits.maxNodes = 2000;
        Diagnostics out;
        QVERIFY(!parseYaml(QStringLiteral("f.yaml"), text, out, limits).readable);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("yaml-size"));
    }

    void yamlSizeLimit()
    {
        Diagnostics out;
        YamlLimits limits;
        limits.maxBytes = 16;
        QVERIFY(!parseYaml(QStringLiteral("big"), QByteArray(17, 'a'), out, limits).readable);
        QCOMPARE(out[0].rule, QStringLiteral("file-too-large"));
    }

    void mapReaderUnknownKeySuggests()
    {
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("w.yaml"), "image: web\nreplica: 2\n", out);
        YamlMapReader reader(file.documents[0].root, file.path, QStringLiteral("application 'web'"),
                             out);
        QCOMPARE(*reader.string("image"), QStringLiteral("web"));
        QVERIFY(!reader.integer("replicas", 0, 100));
        reader.finish();
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("unknown-key"));
        QCOMPARE(out[0].line, 2);
        QVERIFY2(out[0].message.contains(QStringLiteral("did you mean 'replicas'")),
                 qPrintable(out[0].message));
    }

    void mapReaderTypes()
    {
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("w.yaml"),
                                        "n: abc\nt: 30\nd: 30s\nq: 12XB\ne: bleu\nb: yes\n", out);
        YamlMapReader reader(file.documents[0].root, file.path, QStringLiteral("x"), out);
        QVERIFY(!reader.integer("n", 0, 10));
        QVERIFY(!reader.duration("t"));
        QCOMPARE(reader.duration("d")->count(), 30'000);
        QVERIFY(!reader.quantity("q"));
        QVERIFY(!reader.oneOf("e", {QStringLiteral("blue"), QStringLiteral("green")}));
        QVERIFY(!reader.boolean("b"));
        QVERIFY(!reader.string("missing", true));
        reader.finish();
        QCOMPARE(out.size(), 6);
        QVERIFY(out[3].message.contains(QStringLiteral("did you mean 'blue'")));
        QCOMPARE(out[5].rule, QStringLiteral("missing-field"));
    }

    void formatting()
    {
        const Diagnostic d{QStringLiteral("a.yaml"),
                           3,
                           7,
                           Severity::Medium,
                           QStringLiteral("latest-tag"),
                           QStringLiteral("image uses latest")};
        QCOMPARE(formatDiagnostic(d),
                 QStringLiteral("a.yaml:3:7: medium: image uses latest [latest-tag]"));
        QCOMPARE(severityFromName(u"HIGH"), std::optional<Severity>(Severity::High));
        QVERIFY(isError(Severity::Critical));
        QVERIFY(!isError(Severity::Medium));
    }
};

QTEST_GUILESS_MAIN(TestCore)
#include "tst_core.moc"
