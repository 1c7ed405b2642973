// Kubernetes manifest files of many documents: validated one document at a time in bounded
// memory, with the alias guard per document and the cross-object checks over the whole file.
// A program of its own, so the peak memory it measures is this validation's alone.
#include "fakes/processmemory.h"
#include "validation/validator.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;

namespace {

QString findingsText(const Diagnostics& diagnostics)
{
    QString text;
    for (const Diagnostic& d : diagnostics.mid(0, 5))
        text += formatDiagnostic(d) + u'\n';
    return text;
}

QByteArray aliasBomb()
{
    QByteArray text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n"
                      "  a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char name = 'b'; name <= 'k'; ++name) {
        text += "  " + QByteArray(1, name) + ": &" + QByteArray(1, name) + " [";
        for (int i = 0; i < 10; ++i)
            text += (i ? ", *" : "*") + QByteArray(1, char(name - 1));
        text += "]\n";
    }
    return text;
}

} // namespace

class TestManifestStream final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void manyDocumentsInBoundedMemory()
    {
        // 300,000 ConfigMaps of 7 nodes (keys aside): 2.1 million over the file, past the
        // 2,000,000 one document may have. Held at once, their trees took about 2 GB.
        constexpr int kDocuments = 300'000;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("configmaps.yaml"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QByteArray chunk;
            for (int i = 0; i < kDocuments; ++i) {
                chunk += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c" +
                         QByteArray::number(i) + "}\ndata: {k: v}\n";
                if (chunk.size() > (1 << 20)) {
                    file.write(chunk);
                    chunk.clear();
                }
            }
            file.write(chunk);
        }
        test::resetPeakResident();
        const qint64 before = test::peakResidentKiB();
        const FileCheck check = checkFile(path, ValidationLevel::Strict);
        const qint64 peak = test::peakResidentKiB();
        QCOMPARE(check.kind, FileKind::Kubernetes);
        QCOMPARE(check.documents, kDocuments);
        QVERIFY2(check.diagnostics.isEmpty(), qPrintable(findingsText(check.diagnostics)));
        // The file itself is 22 MB and stays in memory while it is read; its trees must not.
        const qint64 grownMiB = (peak - before) / 1024;
        qInfo("peak resident memory %lld MiB, %lld MiB above the start",
              static_cast<long long>(peak / 1024), static_cast<long long>(grownMiB));
        QVERIFY2(peak > 0 && grownMiB < 400,
                 qPrintable(QStringLiteral("validating grew peak memory by %1 MiB").arg(grownMiB)));
    }

    void aliasBombRefusedAloneAndTheNextDocumentChecked()
    {
        const QByteArray text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\n---\n" +
                                aliasBomb() +
                                "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                                "spec:\n  portz: []\n";
        const FileCheck check = checkText(QStringLiteral("k.yaml"), text, ValidationLevel::Basic);
        QCOMPARE(check.kind, FileKind::Kubernetes);
        const auto bomb = std::find_if(check.diagnostics.begin(), check.diagnostics.end(),
                                       [](const Diagnostic& d) { return d.rule == u"yaml-size"; });
        QVERIFY2(bomb != check.diagnostics.end(), qPrintable(findingsText(check.diagnostics)));
        QCOMPARE(bomb->severity, Severity::Critical);
        QVERIFY2(bomb->message.contains(u"aliases"), qPrintable(bomb->message));
        QVERIFY(bomb->line > 4 && bomb->line < 20);
        // The Service after the bomb was still read and checked, at its own line.
        const int serviceLine = static_cast<int>(text.left(text.indexOf("portz")).count('\n')) + 1;
        const auto unknown =
            std::find_if(check.diagnostics.begin(), check.diagnostics.end(),
                         [](const Diagnostic& d) { return d.rule == u"unknown-field"; });
        QVERIFY2(unknown != check.diagnostics.end(), qPrintable(findingsText(check.diagnostics)));
        QCOMPARE(unknown->line, serviceLine);
        QCOMPARE(unknown->column, 3);
    }

    void crossDocumentChecksSeeTheWholeFile()
    {
        // The Service comes first, the Deployment it selects three documents later; a second
        // Service selects nothing; a ConfigMap is defined twice.
        const QByteArray text =
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
            "spec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n"
            "---\napiVersion: v1\nkind: Service\nmetadata: {name: lost}\n"
            "spec:\n  selector: {app: nobody}\n  ports: [{port: 80}]\n"
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
            "spec:\n  selector: {matchLabels: {app: web}}\n  template:\n"
            "    metadata: {labels: {app: web}}\n"
            "    spec:\n      containers:\n      - name: web\n        image: web:1\n"
            "        ports: [{containerPort: 8080, name: http}]\n"
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
        const FileCheck check =
            checkText(QStringLiteral("k.yaml"), text, ValidationLevel::Standard);
        QCOMPARE(check.documents, 5);
        QStringList rules;
        for (const Diagnostic& d : check.diagnostics)
            rules.append(d.rule + u'@' + QString::number(d.line));
        QVERIFY2(rules.contains(QStringLiteral("dangling-service@12")),
                 qPrintable(rules.join(u' ')));
        QVERIFY2(rules.contains(QStringLiteral("duplicate-resource@34")),
                 qPrintable(rules.join(u' ')));
        QVERIFY2(!rules.contains(QStringLiteral("dangling-service@5")),
                 qPrintable(rules.join(u' ')));
        QVERIFY2(
            std::none_of(rules.begin(), rules.end(),
                         [](const QString& r) { return r.startsWith(u"invalid-target-ports"); }),
            qPrintable(rules.join(u' ')));
    }
};

QTEST_GUILESS_MAIN(TestManifestStream)
#include "tst_manifeststream.moc"
