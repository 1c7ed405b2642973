// Tests of the validation entry point: classification, the sample workspace, reports.
#include "validation/report.h"
#include "validation/validator.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace launchdeck;

namespace {
const QString kSample = QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample");
}

class TestValidator final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void classification_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("kind");
        QTest::newRow("workspace") << QStringLiteral("w/launchdeck.yaml")
                                   << QByteArray("version: 1\n") << int(FileKind::Workspace);
        QTest::newRow("pipeline") << QStringLiteral("w/pipelines/build.yaml")
                                  << QByteArray("name: b\n") << int(FileKind::Pipeline);
        QTest::newRow("template") << QStringLiteral("t.yaml")
                                  << QByteArray("name: t\nprovider: kubernetes\nresources: []\n")
                                  << int(FileKind::Template);
        QTest::newRow("compose") << QStringLiteral("c.yaml")
                                 << QByteArray("services:\n  a:\n    image: x:1\n")
                                 << int(FileKind::Compose);
        QTest::newRow("kubernetes")
            << QStringLiteral("k.yaml")
            << QByteArray("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
            << int(FileKind::Kubernetes);
        QTest::newRow("pipeline by content")
            << QStringLiteral("ci/deploy.yaml")
            << QByteArray("name: d\nsteps:\n  - name: a\n    run: make\n")
            << int(FileKind::Pipeline);
        QTest::newRow("broken pipeline by content")
            << QStringLiteral("ci/deploy.yaml")
            << QByteArray("stages: [build]\nsteps:\n  - name: a\n    runn: make\n")
            << int(FileKind::Pipeline);
        QTest::newRow("workspace by content")
            << QStringLiteral("ops/deck.yaml")
            << QByteArray("version: 1\nenvironments:\n  dev: {target: local}\n")
            << int(FileKind::Workspace);
        QTest::newRow("compose with steps is no pipeline")
            << QStringLiteral("c.yaml") << QByteArray("services: {}\nsteps: []\n")
            << int(FileKind::Compose);
        QTest::newRow("other yaml")
            << QStringLiteral("o.yaml") << QByteArray("a: 1\n") << int(FileKind::Yaml);
        QTest::newRow("broken") << QStringLiteral("b.yaml") << QByteArray("a: [\n")
                                << int(FileKind::Unknown);
    }
    void classification()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, text);
        QFETCH(int, kind);
        QCOMPARE(int(classifyFile(path, text)), kind);
    }

    void pipelineOutsidePipelinesFolderIsChecked()
    {
        const FileCheck broken =
            checkText(QStringLiteral("ci/deploy.yaml"),
                      "steps:\n  - name: build\n    run: make\n  - name: ship\n    run: ./ship\n"
                      "    needs: [biuld]\n",
                      ValidationLevel::Standard);
        QCOMPARE(broken.kind, FileKind::Pipeline);
        QCOMPARE(broken.diagnostics.size(), 1);
        QCOMPARE(broken.diagnostics[0].rule, QStringLiteral("unknown-step"));
        QCOMPARE(broken.diagnostics[0].line, 6);
        QVERIFY(isError(broken.diagnostics[0].severity));

        const FileCheck good =
            checkText(QStringLiteral("ci/deploy.yaml"), "steps:\n  - name: build\n    run: make\n",
                      ValidationLevel::Standard);
        QCOMPARE(good.kind, FileKind::Pipeline);
        QVERIFY(good.diagnostics.isEmpty());
    }

    void unrecognisedFileNamesEveryKind()
    {
        const FileCheck check =
            checkText(QStringLiteral("o.yaml"), "a: 1\n", ValidationLevel::Standard);
        QCOMPARE(check.kind, FileKind::Yaml);
        QCOMPARE(check.diagnostics.size(), 1);
        QCOMPARE(check.diagnostics[0].rule, QStringLiteral("unknown-format"));
        QCOMPARE(check.diagnostics[0].message,
                 QStringLiteral("not recognised as a workspace, pipeline, template, Compose file "
                                "or Kubernetes manifest; only its YAML was checked"));
    }

    void sampleWorkspaceIsCleanAtEveryLevel()
    {
        const QStringList files = validationTargets(kSample);
        QVERIFY(files.size() >= 6);
        QVERIFY(files.first().endsWith(QStringLiteral("launchdeck.yaml")) ||
                files.contains(QDir(kSample).filePath(QStringLiteral("launchdeck.yaml"))));
        for (const ValidationLevel level :
             {ValidationLevel::Basic, ValidationLevel::Standard, ValidationLevel::Strict}) {
            for (const QString& file : files) {
                const Diagnostics found = validateFile(file, level);
                for (const Diagnostic& d : found)
                    QVERIFY2(!isError(d.severity), qPrintable(formatDiagnostic(d)));
            }
        }
    }

    void kubernetesFindingsArePlaced()
    {
        const QByteArray text = "apiVersion: apps/v1\n"
                                "kind: Deployment\n"
                                "metadata: {name: web}\n"
                                "spec:\n"
                                "  replicas: three\n"
                                "  selector: {matchLabels: {app: web}}\n"
                                "  template:\n"
                                "    metadata: {labels: {app: web}}\n"
                                "    spec:\n"
                                "      containers:\n"
                                "        - name: web\n"
                                "          image: nginx:latest\n"
                                "          imagePullPolice: Always\n";
        const Diagnostics found =
            validateText(QStringLiteral("k.yaml"), text, ValidationLevel::Standard);
        QStringList rules;
        for (const Diagnostic& d : found)
            rules.append(d.rule + u'@' + QString::number(d.line));
        QVERIFY2(rules.contains(QStringLiteral("wrong-type@5")), qPrintable(rules.join(u' ')));
        QVERIFY2(rules.contains(QStringLiteral("unknown-field@13")), qPrintable(rules.join(u' ')));
        QVERIFY2(rules.contains(QStringLiteral("latest-tag@12")), qPrintable(rules.join(u' ')));
    }

    void kubernetesMergeKeysAreResolved()
    {
        const QByteArray text = "apiVersion: apps/v1\n"
                                "kind: Deployment\n"
                                "metadata: {name: web}\n"
                                "spec:\n"
                                "  selector: {matchLabels: {app: web}}\n"
                                "  template:\n"
                                "    metadata: {labels: {app: web}}\n"
                                "    spec:\n"
                                "      containers:\n"
                                "        - &web\n"
                                "          name: web\n"
                                "          image: nginx:latest\n"
                                "        - <<: *web\n"
                                "          name: sidecar\n";
        const Diagnostics found =
            validateText(QStringLiteral("k.yaml"), text, ValidationLevel::Standard);
        QStringList rules;
        for (const Diagnostic& d : found)
            rules.append(d.rule + u'@' + QString::number(d.line) + u' ' + d.message);
        for (const Diagnostic& d : found)
            QVERIFY2(!d.message.contains(u"<<"), qPrintable(rules.join(u'\n')));
        // Both containers use the image written on line 12: each is reported there.
        int latest = 0;
        for (const Diagnostic& d : found)
            latest += d.rule == u"latest-tag" && d.line == 12 ? 1 : 0;
        QVERIFY2(latest == 2, qPrintable(rules.join(u'\n')));
    }

    void levelsChangeWhatRuns()
    {
        const QByteArray text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                "spec:\n  containers:\n    - name: a\n      image: busybox:1.36\n";
        const auto count = [&](ValidationLevel level) {
            return validateText(QStringLiteral("p.yaml"), text, level).size();
        };
        QVERIFY(count(ValidationLevel::Basic) < count(ValidationLevel::Standard));
        QVERIFY(count(ValidationLevel::Standard) <= count(ValidationLevel::Strict));
    }

    void emptyAndUnknown()
    {
        const Diagnostics empty =
            validateText(QStringLiteral("e.yaml"), QByteArray(), ValidationLevel::Standard);
        QCOMPARE(empty.size(), 1);
        QCOMPARE(empty[0].rule, QStringLiteral("empty"));
        const Diagnostics other =
            validateText(QStringLiteral("o.yaml"), "a: 1\n", ValidationLevel::Standard);
        QCOMPARE(other.size(), 1);
        QCOMPARE(other[0].rule, QStringLiteral("unknown-format"));
        const Diagnostics missing =
            validateFile(QStringLiteral("/nonexistent.yaml"), ValidationLevel::Standard);
        QCOMPARE(missing[0].rule, QStringLiteral("unreadable"));
    }

    void pipelinesAreChecked()
    {
        const Diagnostics found = validateText(QStringLiteral("w/pipelines/p.yaml"),
                                               "name: p\nsteps:\n  - name: a\n    runn: echo\n",
                                               ValidationLevel::Standard);
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0].rule, QStringLiteral("missing-run"));
        QCOMPARE(found[1].rule, QStringLiteral("unknown-key"));
        QCOMPARE(found[1].line, 4);
    }

    void reports()
    {
        const QList<FileReport> reports = {
            {QStringLiteral("a.yaml"),
             {{QString(), 3, 7, Severity::High, QStringLiteral("unknown-field"),
               QStringLiteral("bad")},
              {QString(), 4, 1, Severity::Low, QStringLiteral("no-anti-affinity"),
               QStringLiteral("meh")}}},
            {QStringLiteral("b.yaml"), {}}};
        const ReportSummary summary = summarize(reports);
        QCOMPARE(summary.files, 2);
        QCOMPARE(summary.errors, 1);
        QCOMPARE(summary.warnings, 1);
        const QString text = formatTextReport(reports);
        QVERIFY(text.startsWith(QStringLiteral("a.yaml:3:7: high: bad [unknown-field]\n")));
        QVERIFY(text.endsWith(QStringLiteral("2 files checked: 1 error, 1 warning\n")));
        const QJsonObject json = QJsonDocument::fromJson(formatJsonReport(reports)).object();
        QCOMPARE(json[u"summary"][u"errors"].toInt(), 1);
        const QJsonObject first = json[u"files"].toArray()[0].toObject();
        QCOMPARE(first[u"path"].toString(), QStringLiteral("a.yaml"));
        const QJsonObject d = first[u"diagnostics"].toArray()[0].toObject();
        QCOMPARE(d[u"line"].toInt(), 3);
        QCOMPARE(d[u"column"].toInt(), 7);
        QCOMPARE(d[u"severity"].toString(), QStringLiteral("high"));
        QCOMPARE(d[u"rule"].toString(), QStringLiteral("unknown-field"));
    }
};

QTEST_GUILESS_MAIN(TestValidator)
#include "tst_validator.moc"
