// The validation corpus: Compose files and manifests written the way people write them today,
// and files the real tools refuse, each headed by what `docker compose config` or a current
// API server says of it. Validation must agree: the files a tool accepts get no refusal
// finding, the files it refuses get exactly the findings their header names.
#include "policy/kubepolicy.h"
#include "validation/validator.h"

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace launchdeck;

namespace {

const QString kCorpus = QStringLiteral(LAUNCHDECK_TEST_DATA "/corpus");

struct Expectation
{
    QString rule;
    int line = 0;
    QStringList messages; // substrings the finding's message holds
};

struct CorpusCase
{
    QString verdict; // what the real tool says, from the header
    bool accepted = false;
    QList<Expectation> expected;
    std::optional<KubeVersion> kubernetesVersion; // validate as for a cluster of that release
    QString error;                                // a header that cannot be read
};

// Reads the comment block at the top of a corpus file (the format: tests/data/corpus/README.md).
CorpusCase readHeader(const QByteArray& text)
{
    static const QRegularExpression expectLine(QStringLiteral(R"(^([a-z0-9-]+) line (\d+)$)"));
    CorpusCase c;
    bool verdictSeen = false;
    for (const QByteArray& raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (!line.startsWith(u'#'))
            break;
        const QString body = line.mid(1).trimmed();
        const qsizetype colon = body.indexOf(u':');
        if (colon < 0)
            continue;
        const QString key = body.left(colon).trimmed();
        const QString value = body.mid(colon + 1).trimmed();
        if (key == u"docker compose config" || key == u"kube-apiserver") {
            c.verdict = value;
            verdictSeen = true;
        } else if (key == u"expect") {
            if (value == u"accepted") {
                c.accepted = true;
                continue;
            }
            const QRegularExpressionMatch m = expectLine.match(value);
            if (!m.hasMatch()) {
                c.error = QStringLiteral("unreadable expect line '%1'").arg(value);
                return c;
            }
            c.expected.append({m.captured(1), m.captured(2).toInt(), {}});
        } else if (key == u"kubernetes-version") {
            c.kubernetesVersion = KubeVersion::parse(value);
            if (!c.kubernetesVersion) {
                c.error = QStringLiteral("unreadable kubernetes-version '%1'").arg(value);
                return c;
            }
        } else if (key == u"expect-message") {
            if (c.expected.isEmpty()) {
                c.error = QStringLiteral("expect-message before any expect line");
                return c;
            }
            c.expected.last().messages.append(value);
        }
    }
    if (!verdictSeen)
        c.error = QStringLiteral("no '# docker compose config:' or '# kube-apiserver:' line");
    else if (c.accepted == !c.expected.isEmpty())
        c.error = QStringLiteral("expect either 'accepted' or refusal findings, not both/neither");
    else if (c.accepted != c.verdict.startsWith(u"accepts"))
        c.error =
            QStringLiteral("the tool's verdict '%1' disagrees with the expectation").arg(c.verdict);
    return c;
}

// Findings that mean "the real tool refuses this": not Launchdeck's own policy opinions.
bool isRefusal(const Diagnostic& d)
{
    if (d.severity != Severity::High && d.severity != Severity::Critical)
        return false;
    const PolicyRule* policy = findKubePolicyRule(d.rule);
    return policy == nullptr || policy->semantic;
}

QStringList corpusFiles(const QString& folder)
{
    QDirIterator it(folder, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files,
                    QDirIterator::Subdirectories);
    QStringList files;
    while (it.hasNext())
        files.append(it.next());
    std::sort(files.begin(), files.end());
    return files;
}

QString describe(const Diagnostics& findings)
{
    QStringList lines;
    for (const Diagnostic& d : findings)
        lines.append(QStringLiteral("  %1 line %2: %3").arg(d.rule).arg(d.line).arg(d.message));
    return lines.isEmpty() ? QStringLiteral("  (none)") : lines.join(u'\n');
}

} // namespace

class TestValidationCorpus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Enough cases of each kind that agreement means something.
    void corpusCoversBothTools()
    {
        for (const QString& kind : {QStringLiteral("compose"), QStringLiteral("kubernetes")}) {
            const qsizetype files = corpusFiles(kCorpus + u'/' + kind).size();
            QVERIFY2(
                files >= 10,
                qPrintable(QStringLiteral("only %1 %2 files in the corpus").arg(files).arg(kind)));
        }
    }

    void corpus_data()
    {
        QTest::addColumn<QString>("path");
        for (const QString& file : corpusFiles(kCorpus))
            QTest::newRow(qPrintable(file.mid(kCorpus.size() + 1))) << file;
    }

    void corpus()
    {
        QFETCH(QString, path);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const CorpusCase c = readHeader(file.readAll());
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));

        ValidationOptions options{ValidationLevel::Standard, {}};
        if (c.kubernetesVersion)
            options.kubernetes = {KubeCluster{*c.kubernetesVersion, {}, false}};
        const FileCheck check = checkFile(path, options);
        QVERIFY2(check.kind == FileKind::Compose || check.kind == FileKind::Kubernetes ||
                     check.kind == FileKind::Unknown,
                 qPrintable(QStringLiteral("checked as %1").arg(fileKindName(check.kind))));
        Diagnostics refusals;
        for (const Diagnostic& d : check.diagnostics) {
            if (isRefusal(d))
                refusals.append(d);
        }
        const QString found = describe(refusals);
        if (c.accepted) {
            QVERIFY2(refusals.isEmpty(),
                     qPrintable(QStringLiteral("the tool accepts this file (%1), Launchdeck "
                                               "refuses it:\n%2")
                                    .arg(c.verdict, found)));
            return;
        }
        for (const Expectation& e : c.expected) {
            const auto match =
                std::find_if(refusals.begin(), refusals.end(), [&e](const Diagnostic& d) {
                    if (d.rule != e.rule || d.line != e.line)
                        return false;
                    return std::all_of(e.messages.begin(), e.messages.end(),
                                       [&d](const QString& s) { return d.message.contains(s); });
                });
            QVERIFY2(match != refusals.end(),
                     qPrintable(QStringLiteral("expected %1 at line %2%3 (the tool: %4); "
                                               "found:\n%5")
                                    .arg(e.rule)
                                    .arg(e.line)
                                    .arg(e.messages.isEmpty() ? QString()
                                                              : QStringLiteral(" saying '%1'")
                                                                    .arg(e.messages.join(u"', '")))
                                    .arg(c.verdict, found)));
            refusals.erase(match);
        }
        QVERIFY2(
            refusals.isEmpty(),
            qPrintable(
                QStringLiteral("refusals the header does not name:\n%1").arg(describe(refusals))));
    }
};

QTEST_GUILESS_MAIN(TestValidationCorpus)
#include "tst_validationcorpus.moc"
