// Tests of yamlChild(): the answers of a const `node[key]`, without yaml-cpp's invalid nodes.
#include "core/yamllookup.h"
#include "core/yamlsource.h"

#include <QTest>

using namespace launchdeck;

namespace {

YAML::Node rootOf(const QByteArray& text)
{
    Diagnostics out;
    const YamlFile file = parseYaml(QStringLiteral("l.yaml"), text, out);
    return file.documents.isEmpty() ? YAML::Node() : file.documents.first().root;
}

} // namespace

class TestYamlLookup final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Wherever yaml-cpp's own lookup finds a value, yamlChild() finds the same node.
    void sameAsTheLibrary_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("key");
        QTest::newRow("present") << QByteArray("a: 1\nb: 2\n") << QByteArray("b");
        QTest::newRow("missing") << QByteArray("a: 1\n") << QByteArray("b");
        QTest::newRow("first of two") << QByteArray("a: 1\na: 2\n") << QByteArray("a");
        QTest::newRow("mapping value") << QByteArray("a: {b: 1}\n") << QByteArray("a");
        QTest::newRow("null value") << QByteArray("a:\nb: 1\n") << QByteArray("a");
        QTest::newRow("quoted key") << QByteArray("\"a\": 1\n") << QByteArray("a");
        QTest::newRow("non-scalar keys")
            << QByteArray("? [a]\n: 1\n? {a: 1}\n: 2\na: 3\n") << QByteArray("a");
        QTest::newRow("merged") << QByteArray("base: &b {x: 1}\nm: {<<: *b, y: 2}\n")
                                << QByteArray("m");
        QTest::newRow("empty key") << QByteArray("\"\": 1\n") << QByteArray("");
    }
    void sameAsTheLibrary()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, key);
        const YAML::Node root = rootOf(text);
        QVERIFY(root.IsMap());
        const YAML::Node expected = root[key.toStdString()];
        const YAML::Node found = yamlChild(root, key.toStdString());
        QCOMPARE(found.IsDefined(), expected.IsDefined());
        if (expected.IsDefined()) {
            QVERIFY(found.is(expected));
            QCOMPARE(found.Mark().line, expected.Mark().line);
            QCOMPARE(found.Mark().column, expected.Mark().column);
        } else {
            QCOMPARE(found.Type(), YAML::NodeType::Undefined); // asked its type, it does not throw
        }
    }

    void mergedKeysAreFound()
    {
        const YAML::Node m = yamlChild(rootOf("base: &b {x: 1}\nm: {<<: *b, y: 2}\n"), "m");
        QCOMPARE(yamlText(yamlChild(m, "x")), QStringLiteral("1"));
        QCOMPARE(yamlText(yamlChild(m, "y")), QStringLiteral("2"));
        QVERIFY(!yamlChild(m, "<<").IsDefined());
    }

    // Where yaml-cpp would throw or hand out an invalid node, an undefined node.
    void notAMapping()
    {
        const YAML::Node root = rootOf("s: [a, b]\nv: text\nn: ~\n");
        for (const char* key : {"s", "v", "n", "missing"}) {
            const YAML::Node inner = yamlChild(yamlChild(root, key), "a");
            QVERIFY2(!inner.IsDefined(), key);
            QCOMPARE(inner.Type(), YAML::NodeType::Undefined);
        }
        QVERIFY(!yamlChild(YAML::Node(), "a").IsDefined());
        QVERIFY(!yamlChild(YAML::Node(YAML::NodeType::Undefined), "a").IsDefined());
    }

    // The answer shares the document's tree: it outlives the node it was looked up in.
    void outlivesTheParent()
    {
        YAML::Node value;
        {
            const YAML::Node root = rootOf("a: {b: deep}\n");
            value = yamlChild(yamlChild(root, "a"), "b");
        }
        QCOMPARE(yamlText(value), QStringLiteral("deep"));
    }
};

QTEST_GUILESS_MAIN(TestYamlLookup)
#include "tst_yamllookup.moc"
