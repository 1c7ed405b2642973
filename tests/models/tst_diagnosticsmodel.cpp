// DiagnosticsModel: per-file keyed diffs, never a reset for a routine update, and the filter.
#include "diagnosticsfiltermodel.h"
#include "diagnosticsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace launchdeck;

namespace {

Diagnostic finding(const QString& path, int line, Severity severity, const QString& rule,
                   const QString& message = {})
{
    return Diagnostic{
        path,     line, 3,
        severity, rule, message.isEmpty() ? rule + u" at line " + QString::number(line) : message};
}

} // namespace

class TestDiagnosticsModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_model = new DiagnosticsModel(this);
        m_tester = new QAbstractItemModelTester(
            m_model, QAbstractItemModelTester::FailureReportingMode::QtTest, this);
    }
    void cleanup()
    {
        delete m_tester;
        delete m_model;
    }

    void firstFindingsAreInserted()
    {
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        QSignalSpy counts(m_model, &DiagnosticsModel::countsChanged);
        m_model->setDiagnostics(QStringLiteral("/w/a.yaml"),
                                {finding(QStringLiteral("/w/a.yaml"), 4, Severity::High, u"r1"_qs),
                                 finding(QStringLiteral("/w/a.yaml"), 2, Severity::Low, u"r2"_qs)});
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(counts.count(), 1);
        QCOMPARE(m_model->errorCount(), 1);
        QCOMPARE(m_model->warningCount(), 1);
        // Sorted by line within a file.
        QCOMPARE(m_model->index(0, DiagnosticsModel::LineColumn).data().toInt(), 2);
        QCOMPARE(m_model->index(1, DiagnosticsModel::RuleColumn).data().toString(), u"r1"_qs);
        QCOMPARE(m_model->index(1, DiagnosticsModel::SeverityColumn).data().toString(),
                 severityName(Severity::High));
        QVERIFY(!m_model->index(1, DiagnosticsModel::SeverityColumn)
                     .data(Qt::DecorationRole)
                     .value<QIcon>()
                     .isNull());
    }

    void movedFindingIsAChangeNotARemoval()
    {
        const QString a = QStringLiteral("/w/a.yaml");
        m_model->setDiagnostics(a, {finding(a, 4, Severity::High, u"r1"_qs, u"m1"_qs),
                                    finding(a, 9, Severity::Medium, u"r2"_qs, u"m2"_qs)});
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);

        // A line was inserted above both findings.
        m_model->setDiagnostics(a, {finding(a, 5, Severity::High, u"r1"_qs, u"m1"_qs),
                                    finding(a, 10, Severity::Medium, u"r2"_qs, u"m2"_qs)});
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
        QCOMPARE(changed.at(1).at(0).toModelIndex().row(), 1);
        QCOMPARE(m_model->index(1, DiagnosticsModel::LineColumn).data().toInt(), 10);

        // The same again changes nothing at all.
        changed.clear();
        m_model->setDiagnostics(a, {finding(a, 5, Severity::High, u"r1"_qs, u"m1"_qs),
                                    finding(a, 10, Severity::Medium, u"r2"_qs, u"m2"_qs)});
        QCOMPARE(changed.count(), 0);
    }

    void fixedFindingIsRemovedAlone()
    {
        const QString a = QStringLiteral("/w/a.yaml");
        const QString b = QStringLiteral("/w/b.yaml");
        m_model->setDiagnostics(a, {finding(a, 1, Severity::High, u"r1"_qs),
                                    finding(a, 2, Severity::High, u"r2"_qs),
                                    finding(a, 3, Severity::Info, u"r3"_qs)});
        m_model->setDiagnostics(b, {finding(b, 7, Severity::Critical, u"r9"_qs)});
        QCOMPARE(m_model->rowCount(), 4);
        QCOMPARE(m_model->errorCount(), 3);
        QCOMPARE(m_model->infoCount(), 1);

        QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        m_model->setDiagnostics(
            a, {finding(a, 1, Severity::High, u"r1"_qs), finding(a, 3, Severity::Info, u"r3"_qs)});
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 1);
        QCOMPARE(removed.at(0).at(2).toInt(), 1);
        QCOMPARE(m_model->rowCount(), 3);
        // The other file's row is still there, after this file's rows.
        QCOMPARE(m_model->index(2, DiagnosticsModel::RuleColumn).data().toString(), u"r9"_qs);
        QCOMPARE(m_model->errorCount(), 2);
    }

    void newFindingIsInsertedInPlace()
    {
        const QString a = QStringLiteral("/w/a.yaml");
        const QString b = QStringLiteral("/w/b.yaml");
        m_model->setDiagnostics(
            a, {finding(a, 1, Severity::High, u"r1"_qs), finding(a, 8, Severity::High, u"r8"_qs)});
        m_model->setDiagnostics(b, {finding(b, 2, Severity::Low, u"x"_qs)});
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
        m_model->setDiagnostics(a, {finding(a, 1, Severity::High, u"r1"_qs),
                                    finding(a, 4, Severity::Medium, u"r4"_qs),
                                    finding(a, 8, Severity::High, u"r8"_qs)});
        QCOMPARE(removed.count(), 0);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 1);
        QCOMPARE(inserted.at(0).at(2).toInt(), 1);
        QCOMPARE(m_model->index(1, DiagnosticsModel::RuleColumn).data().toString(), u"r4"_qs);
        QCOMPARE(m_model->diagnosticsFor(a).size(), 3);
        QCOMPARE(m_model->diagnosticsFor(b).size(), 1);
    }

    void replacedFindingsAreOneRemovalAndOneInsertion()
    {
        const QString a = QStringLiteral("/w/a.yaml");
        m_model->setDiagnostics(a, {finding(a, 1, Severity::High, u"old1"_qs),
                                    finding(a, 2, Severity::High, u"old2"_qs)});
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
        m_model->setDiagnostics(a, {finding(a, 1, Severity::High, u"new1"_qs),
                                    finding(a, 2, Severity::High, u"new2"_qs),
                                    finding(a, 3, Severity::High, u"new3"_qs)});
        QCOMPARE(removed.count(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(2).toInt() - inserted.at(0).at(1).toInt() + 1, 3);
        QCOMPARE(m_model->rowCount(), 3);
    }

    void emptyFileLeavesNoTrace()
    {
        const QString a = QStringLiteral("/w/a.yaml");
        const QString b = QStringLiteral("/w/b.yaml");
        m_model->setDiagnostics(a, {finding(a, 1, Severity::High, u"r1"_qs)});
        m_model->setDiagnostics(b, {finding(b, 1, Severity::High, u"r2"_qs)});
        m_model->setDiagnostics(a, {});
        QCOMPARE(m_model->rowCount(), 1);
        // b's group now starts at row 0; an update of b must land there.
        m_model->setDiagnostics(
            b, {finding(b, 1, Severity::High, u"r2"_qs), finding(b, 5, Severity::High, u"r5"_qs)});
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(m_model->index(1, DiagnosticsModel::RuleColumn).data().toString(), u"r5"_qs);
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        m_model->clear();
        QCOMPARE(reset.count(), 1);
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(m_model->errorCount(), 0);
    }

    void randomEditsMatchTheTarget()
    {
        // Whatever the old and new lists, the rows end up exactly the new list.
        const QString a = QStringLiteral("/w/a.yaml");
        std::srand(7);
        Diagnostics current;
        for (int round = 0; round < 200; ++round) {
            Diagnostics next;
            const int n = std::rand() % 8;
            for (int k = 0; k < n; ++k)
                next.append(finding(a, 1 + std::rand() % 6, Severity(std::rand() % 5),
                                    QStringLiteral("r%1").arg(std::rand() % 4),
                                    QStringLiteral("m%1").arg(std::rand() % 3)));
            m_model->setDiagnostics(a, next);
            sortDiagnostics(next);
            QCOMPARE(m_model->diagnosticsFor(a), next);
            QCOMPARE(m_model->rowCount(), next.size());
        }
    }

    void baseDirectoryShortensPaths()
    {
        const QString a = QStringLiteral("/w/templates/a.yaml");
        m_model->setDiagnostics(a, {finding(a, 1, Severity::High, u"r1"_qs)});
        m_model->setBaseDirectory(QStringLiteral("/w"));
        QCOMPARE(m_model->index(0, DiagnosticsModel::FileColumn).data().toString(),
                 u"templates/a.yaml"_qs);
    }

    void filterBySeverityAndText()
    {
        DiagnosticsFilterModel filter;
        QAbstractItemModelTester proxyTester(
            &filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        filter.setSourceModel(m_model);
        const QString a = QStringLiteral("/w/a.yaml");
        m_model->setDiagnostics(a, {finding(a, 1, Severity::Critical, u"yaml-syntax"_qs),
                                    finding(a, 2, Severity::Medium, u"latest-tag"_qs),
                                    finding(a, 3, Severity::Info, u"hint"_qs)});
        QCOMPARE(filter.rowCount(), 3);
        filter.setTierVisible(DiagnosticsModel::Tier::Warning, false);
        QCOMPARE(filter.rowCount(), 2);
        filter.setText(u"SYNTAX"_qs);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, DiagnosticsModel::RuleColumn).data().toString(),
                 u"yaml-syntax"_qs);
        filter.setText({});
        filter.setTierVisible(DiagnosticsModel::Tier::Warning, true);
        filter.sort(DiagnosticsModel::SeverityColumn, Qt::DescendingOrder);
        QCOMPARE(filter.index(0, DiagnosticsModel::RuleColumn).data().toString(), u"hint"_qs);
    }

private:
    DiagnosticsModel* m_model = nullptr;
    QAbstractItemModelTester* m_tester = nullptr;
};

QTEST_MAIN(TestDiagnosticsModel)
#include "tst_diagnosticsmodel.moc"
