// Differential test of the two YAML parsers: every input read with libyaml's parser where it
// takes the text, and with yaml-cpp's alone, gives the same documents (node by node: kind, tag,
// style, mark, value) and the same findings, from the loader and from full validation.
#include "core/yamllibyamldocuments.h"
#include "core/yamlsource.h"
#include "validation/validator.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

using namespace launchdeck;

namespace {

// A yaml-cpp tree written out with everything a reader may look at.
void dump(const YAML::Node& node, QByteArray& out, int depth = 0)
{
    if (out.size() > 4 * 1024 * 1024 || depth > 600) {
        out += "...";
        return;
    }
    const YAML::Mark mark = node.Mark();
    out += QByteArray::number(node.Type()) + ' ' + QByteArray::fromStdString(node.Tag()) + ' ' +
           QByteArray::number(node.Style()) + " @" + QByteArray::number(mark.pos) + ':' +
           QByteArray::number(mark.line) + ':' + QByteArray::number(mark.column);
    if (node.IsScalar())
        out += " =" + QByteArray::fromStdString(node.Scalar()).toPercentEncoding();
    out += '\n';
    if (node.IsSequence()) {
        for (const YAML::Node& item : node)
            dump(item, out, depth + 1);
    } else if (node.IsMap()) {
        for (const auto& entry : node) {
            dump(entry.first, out, depth + 1);
            dump(entry.second, out, depth + 1);
        }
    }
}

struct Reading
{
    bool complete = false;
    QByteArray trees;
    Diagnostics findings;
    Diagnostics validation;
};

Reading readWith(YamlParserChoice choice, const QString& path, const QByteArray& bytes)
{
    setYamlParserChoice(choice);
    Reading reading;
    reading.complete = forEachYamlDocument(
        path, bytes, reading.findings, [&reading](const YamlDocument& document) {
            reading.trees += "--- " + QByteArray::number(document.index) + '\n';
            dump(document.root, reading.trees);
        });
    reading.validation = validateText(path, bytes, ValidationLevel::Strict);
    setYamlParserChoice(YamlParserChoice::Fastest);
    return reading;
}

QString describe(const Diagnostics& findings)
{
    QStringList lines;
    for (const Diagnostic& d : findings)
        lines << formatDiagnostic(d);
    return lines.join(QLatin1Char('\n'));
}

// Edge cases: the shapes manifests take, and the ones where the parsers could part ways.
const char* const edgeCases[] = {
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n",
    "a: 1\n---\nb: 2\n---\n- x\n- y\n",
    "---\na: 1\n...\n---\nb: 2\n",
    "",
    "# only a comment\n",
    "---\n",
    "---\n---\n",
    "a: 1\n---\n# nothing\n",
    "...\n",
    "a:\nb: 2\n",
    "a: ~\nb: null\nc: Null\nd: NULL\ne: nULL\nf: 'null'\ng: \"~\"\n",
    "n: 123\ns: \"123\"\nq: '123'\nb: true\nt: \"true\"\nf: 1.5\nx: 0x1F\n",
    "list: [a, 'b', \"c\", 1, {k: v}, [x, y]]\nmap: {a: 1, b: [2, 3], c: {d: e}}\n",
    "flow: [a,\n  b,\n  c]\nm: {a: 1,\n  b: 2}\n",
    "pairs: [a: b, c: d]\n",
    "? complex\n: value\n",
    "? [a, b]\n: c\n{x: y}: z\n",
    "literal: |\n  line one\n  line two\n\n  after blank\nnext: 1\n",
    "keep: |+\n  kept\n\n\nstrip: |-\n  stripped\n\nclip: |\n  clipped\n\n",
    "indented: |2\n    four spaces\n  two\nx: 1\n",
    "folded: >\n  folded\n  text\n\n  para\nmore: >-\n  a\n  b\n",
    "trailing: |\n  text   \n  more\t\n",
    "plain: this is\n  multi line\nq: 'single\n  multi'\nd: \"double\n  multi\"\n",
    "esc: \"tab\\there \\u00e9 \\x41 \\\\ \\\"\"\n",
    "single: 'it''s'\nempty: ''\nemptyd: \"\"\n",
    "anchors:\n  base: &b {a: 1, b: 2}\n  use: *b\n  merged:\n    <<: *b\n    c: 3\n",
    "merge: {<<: [*x]}\n",
    "tags: !!str 123\nmine: !thing x\nseq: !!seq [a]\n",
    "%YAML 1.2\n---\na: 1\n",
    "%TAG ! tag:example.com,2000:\n---\na: !x 1\n",
    "\xEF\xBB\xBF"
    "a: 1\n",
    "unicode: h\xC3\xA9llo w\xC3\xB6rld \xE2\x9C\x93\nk\xC3\xA9y: v\n",
    "a: 1\r\nb:\r\n  - x\r\n  - y\r\n",
    "a:\n\t- x\n",
    "a: 1\tb\nc: \t2\n",
    "a: b # comment\n# full line\nc: [d, # inside\n  e]\n",
    "- a\n- - b\n  - c\n- k: v\n  l: w\n-\n- ''\n",
    "key:\n- a\n- b\nother:\n  - c\n",
    "a: b: c\n",
    "a: [b\n",
    "a: {b: c\n",
    "a: 'unclosed\n",
    "a: \"unclosed\n",
    ",x\n",
    "- a\n,\n",
    "a: 1\n a: 2\n",
    "a: 1\na: 2\n",
    "- a\nb: c\n",
    "*undefined\n",
    "a: &x 1\nb: *x\n",
    "url: http://example.com:8080/path?q=1#frag\ntime: 12:30:45\nneg: -1\ndash: - x\n",
    "colon: a:b\nflow: [a:b, c: d]\nm: {a:b}\n",
    "- [a, b]: c\n",
    "a: @x\n",
    "a: `x\n",
    "a: |\n  x\n b: 1\n",
    "a: >1\n  x\n",
    "top\n",
    "\"just a string\"\n",
    "[1, 2, 3]\n",
    "{}\n",
    "a: {}\nb: []\nc: {  }\n",
    "a:    spaced   value   \n",
    ". dot: 1\n",
    "a: .5\nb: .inf\n",
    "x: 'a' b\n",
    "x: \"a\" b\n",
    "x: [a]b\n",
    "- !!null\n- !!int 3\n",
    "deep: "
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]"
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
    "a: 1\n--- \nb: 2\n--- # c\nc: 3\n",
    "--- a\n--- [b]\n--- {c: d}\n",
    "a: 1\n...\n",
    // Found by feeding mutated inputs to both parsers.
    "- [a?, b]: c\n",
    "labels: {a?p: web}\nsel: {app: web?}\nm: {?b: 2}\nl: [1, ?x]\n",
    "- \n|\n",
    "a: |\n\nb: 1\n",
    "a: 1\n... # end\nb: 2\n",
};

} // namespace

class TestYamlParsers final : public QObject
{
    Q_OBJECT

private:
    int m_inputs = 0;
    int m_libyaml = 0;

    void compare(const QString& path, const QByteArray& bytes)
    {
        ++m_inputs;
        if (LibyamlDocuments::open(bytes, 1 << 20))
            ++m_libyaml;
        const Reading fast = readWith(YamlParserChoice::Fastest, path, bytes);
        const Reading reference = readWith(YamlParserChoice::YamlCppOnly, path, bytes);
        const QByteArray shown = bytes.left(400).toPercentEncoding(" \n:-[]{},'\"#|>");
        if (fast.trees != reference.trees)
            qWarning().noquote() << path << shown << "\nlibyaml:\n"
                                 << fast.trees.left(2000) << "\nyaml-cpp:\n"
                                 << reference.trees.left(2000);
        QVERIFY2(fast.trees == reference.trees, qPrintable(path));
        QVERIFY2(fast.complete == reference.complete, qPrintable(path));
        QVERIFY2(fast.findings == reference.findings,
                 qPrintable(path + QLatin1Char('\n') + QString::fromLatin1(shown) +
                            QLatin1String("\nlibyaml:\n") + describe(fast.findings) +
                            QLatin1String("\nyaml-cpp:\n") + describe(reference.findings)));
        QVERIFY2(fast.validation == reference.validation,
                 qPrintable(path + QLatin1Char('\n') + QString::fromLatin1(shown) +
                            QLatin1String("\nlibyaml:\n") + describe(fast.validation) +
                            QLatin1String("\nyaml-cpp:\n") + describe(reference.validation)));
    }

    // The file, and the file cut short after each of its lines (or bytes, for small files):
    // half-written manifests, empty nodes, errors at every place.
    void compareWithPrefixes(const QString& path, const QByteArray& bytes)
    {
        compare(path, bytes);
        if (QTest::currentTestFailed())
            return;
        const bool everyByte = bytes.size() <= 400;
        for (qsizetype cut = 0; cut < bytes.size(); ++cut) {
            if (everyByte || bytes[cut] == '\n' || bytes[cut] == ':') {
                compare(path + QStringLiteral(" (first %1 bytes)").arg(cut), bytes.left(cut));
                if (QTest::currentTestFailed())
                    return;
            }
        }
    }

    void compareFolder(const QString& folder)
    {
        QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
        QStringList files;
        while (it.hasNext())
            files << it.next();
        files.sort();
        QVERIFY2(!files.isEmpty(), qPrintable(folder));
        for (const QString& file : std::as_const(files)) {
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            compareWithPrefixes(file, f.readAll());
            if (QTest::currentTestFailed())
                return;
        }
    }

private slots:
    void edgeCases()
    {
        int index = 0;
        for (const char* text : ::edgeCases) {
            compareWithPrefixes(QStringLiteral("edge-%1.yaml").arg(index++), QByteArray(text));
            if (QTest::currentTestFailed())
                return;
        }
    }

    void sampleWorkspace()
    {
        compareFolder(QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample"));
    }
    void testData() { compareFolder(QStringLiteral(LAUNCHDECK_TEST_DATA)); }
    void fuzzCorpora()
    {
        compareFolder(QStringLiteral(LAUNCHDECK_SOURCE_DIR "/tests/fuzz/corpus"));
    }

    // Not vacuous: most of the well-formed inputs above went through libyaml.
    void libyamlTakesMostInputs()
    {
        qInfo("%d inputs, %d read by libyaml", m_inputs, m_libyaml);
        QVERIFY(m_libyaml * 4 > m_inputs);
    }
};

QTEST_GUILESS_MAIN(TestYamlParsers)
#include "tst_yamlparsers.moc"
