// Tests of syntax errors: each common mistake is explained in plain words at the line to change.
#include "core/diagnostic.h"
#include "core/yamlsource.h"

#include <QTest>

using namespace launchdeck;

class TestYamlSyntax final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void explained_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("words");
        QTest::newRow("missing space before a nested block")
            << QByteArray("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
                          "  selector:\n    matchLabels:Labelz\n      app: web\n")
            << 6 << 16
            << "missing space after ':' in 'matchLabels:Labelz' — write 'matchLabels: Labelz'";
        QTest::newRow("missing space before a sibling key")
            << QByteArray("spec:\n  containers:\n    - name: web\n      image:nginx\n"
                          "      ports:\n        - 80\n")
            << 4 << 12 << "write 'image: nginx'";
        QTest::newRow("second colon in a value")
            << QByteArray("services:\n  app:\n    command: echo ready: yes\n") << 3 << 24
            << "quote it ('command: \"echo ready: yes\"')";
        QTest::newRow("indented under a value")
            << QByteArray("metadata:\n  name: web\n    namespace: shop\n") << 3 << 5
            << "indented deeper than line 2, where 'name: web' has its value";
        QTest::newRow("list entry among keys")
            << QByteArray("name: build\n- run: make\n") << 2 << 1 << "a list entry ('- ')";
        QTest::newRow("indentation of no enclosing block")
            << QByteArray("services:\n    web:\n      image: a:1\n  db:\n    image: b:1\n") << 4
            << 3 << "indented by 2 spaces, which matches no block";
        QTest::newRow("key among list entries")
            << QByteArray("steps:\n  - run: make\n  name: build\n") << 3 << 3
            << "line 2 started a list at the same indentation";
        QTest::newRow("unclosed list")
            << QByteArray("name: web\nports: [80, 443\nimage: nginx:1.25\n") << 2 << 8
            << "the list opened here with '[' is never closed";
        QTest::newRow("unclosed flow mapping")
            << QByteArray("limits: {cpus: 1\nimage: nginx:1.25\n") << 1 << 9
            << "the mapping opened here with '{' is never closed";
        QTest::newRow("crossed brackets")
            << QByteArray("env: [a, {b: 1]\n") << 1 << 15
            << "where the '{' opened at line 1, column 10 must be closed first with '}'";
        QTest::newRow("stray closing bracket")
            << QByteArray("ports: [80, 443]]\n") << 1 << 17 << "']' closes nothing";
        QTest::newRow("text after a closing quote")
            << QByteArray("message: 'it's done'\n") << 1 << 14 << "text after the closing '";
        QTest::newRow("reserved character")
            << QByteArray("owner: @team\n") << 1 << 8 << "'@' cannot start a plain value";
        QTest::newRow("list entry after a key")
            << QByteArray("args: - --verbose\n") << 1 << 7
            << "a list entry ('- ') cannot follow a key on its line";
        QTest::newRow("alias of no anchor") << QByteArray("defaults: &base {a: 1}\nweb: *bsae\n")
                                            << 2 << 6 << "the alias '*bsae' names no anchor";
        QTest::newRow("unknown escape") << QByteArray("path: \"C:\\data\"\n") << 1 << 10
                                        << "unknown escape '\\d' in a double-quoted string";
    }

    void explained()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, words);
        Diagnostics out;
        QVERIFY(!parseYaml(QStringLiteral("f.yaml"), text, out).readable);
        QCOMPARE(out.size(), 1);
        const QString found = formatDiagnostic(out[0]);
        QCOMPARE(out[0].rule, QStringLiteral("yaml-syntax"));
        QVERIFY2(out[0].message.contains(words), qPrintable(found));
        QVERIFY2(out[0].line == line && out[0].column == column, qPrintable(found));
        // The parser's own words stay, for whoever knows them.
        QVERIFY2(out[0].message.contains(u"(the parser says '"), qPrintable(found));
    }

    void unrecognisedErrorsKeepTheParserWords()
    {
        Diagnostics out;
        parseYaml(QStringLiteral("f.yaml"), "a: !<tag\n", out);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("yaml-syntax"));
        QVERIFY2(!out[0].message.isEmpty() && out[0].line == 1, qPrintable(out[0].message));
    }
};

QTEST_GUILESS_MAIN(TestYamlSyntax)
#include "tst_yamlsyntax.moc"
