// The deployment matrix's cell delegate: the words of each kind of cell (asking, deployed,
// not deployed, the host's error, running here and elsewhere, the revision rolled out), its
// height of three lines, a painted progress bar while a deployment runs here, and the
// Deployments tab painting with it.
#include "deploymentcelldelegate.h"
#include "deploymentmatrixmodel.h"
#include "deploymentstab.h"

#include <QImage>
#include <QPainter>
#include <QTableView>
#include <QTest>

using namespace launchdeck;

namespace {

deploy::PairStatus status(const QString& environment)
{
    deploy::PairStatus pair;
    pair.application = QStringLiteral("web");
    pair.environment = environment;
    pair.health = deploy::PairStatus::Health::NotDeployed;
    pair.desiredReplicas = 2;
    return pair;
}

DeploymentRecord record(DeploymentStage stage, std::optional<DeploymentStatus> outcome)
{
    DeploymentRecord made;
    made.id = QStringLiteral("d7");
    made.application = QStringLiteral("web");
    made.environment = QStringLiteral("staging");
    made.to = Revision{7, QStringLiteral("shop/web:2.4.1")};
    made.who = QStringLiteral("ana");
    made.stage = stage;
    made.status = outcome;
    made.startedAt = QDateTime::currentDateTimeUtc().addSecs(-90);
    if (outcome)
        made.finishedAt = made.startedAt.addSecs(60);
    return made;
}

QImage paintCell(const QTableView& view, const QModelIndex& index)
{
    const DeploymentCellDelegate delegate;
    QStyleOptionViewItem option;
    option.initFrom(&view);
    option.widget = &view;
    option.rect =
        QRect(QPoint(0, 0), QSize(240, DeploymentCellDelegate::cellHeight(option.fontMetrics)));
    QImage image(option.rect.size(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    delegate.paint(&painter, option, index);
    return image;
}

} // namespace

class TestDeploymentCellDelegate final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cellWords()
    {
        DeploymentMatrixModel model;
        model.setNames({u"web"_qs}, {u"staging"_qs, u"production"_qs, u"qa"_qs});
        const QModelIndex staging = model.index(0, 0);
        const QModelIndex production = model.index(0, 1);
        const QModelIndex qa = model.index(0, 2);

        DeploymentCellDelegate::Lines lines = DeploymentCellDelegate::lines(staging);
        QVERIFY(!lines.known);
        QCOMPARE(lines.revision, DeploymentCellDelegate::tr("Asking for the status…"));

        deploy::PairStatus deployed = status(u"staging"_qs);
        deployed.live = Revision{7, QStringLiteral("shop/web:2.4.1")};
        deployed.health = deploy::PairStatus::Health::Healthy;
        deployed.runningReplicas = 2;
        deployed.last = record(DeploymentStage::Completed, DeploymentStatus::Completed);
        deploy::PairStatus broken = status(u"production"_qs);
        broken.health = deploy::PairStatus::Health::Unknown;
        broken.hostError = QStringLiteral("unix:///absent.sock: connection refused");
        deploy::PairStatus elsewhere = status(u"qa"_qs);
        elsewhere.running = record(DeploymentStage::Monitoring, std::nullopt);
        model.applyStatus({deployed, broken, elsewhere});

        lines = DeploymentCellDelegate::lines(staging);
        QVERIFY(lines.known);
        QCOMPARE(lines.revision, u"r7 · 2.4.1"_qs);
        QCOMPARE(lines.health, u"healthy"_qs + u"  2/2");
        QVERIFY2(lines.last.contains(u"deploy r7") && lines.last.endsWith(u"by ana"),
                 qPrintable(lines.last));
        QVERIFY(!lines.lastIsError);
        QCOMPARE(lines.percent, -1);

        lines = DeploymentCellDelegate::lines(production);
        QCOMPARE(lines.revision, DeploymentCellDelegate::tr("Not deployed"));
        QCOMPARE(lines.last, broken.hostError);
        QVERIFY(lines.lastIsError);

        lines = DeploymentCellDelegate::lines(qa);
        QCOMPARE(
            lines.last,
            DeploymentCellDelegate::tr("Running elsewhere: %1").arg(QStringLiteral("Monitoring")));

        model.setProgress(u"web"_qs, u"staging"_qs, DeploymentStage::Deploying, 40);
        lines = DeploymentCellDelegate::lines(staging);
        QCOMPARE(lines.percent, 40);
        QCOMPARE(lines.progress, QStringLiteral("Deploying") + QStringLiteral(" 40%"));
        model.clearProgress(u"web"_qs, u"staging"_qs);
        QCOMPARE(DeploymentCellDelegate::lines(staging).percent, -1);
    }

    void cellWordsWhileDeploying()
    {
        DeploymentMatrixModel model;
        model.setNames({u"web"_qs}, {u"staging"_qs, u"production"_qs});
        // A first deployment in MONITORING, run elsewhere: its revision, its replicas.
        deploy::PairStatus first = status(u"staging"_qs);
        first.running = record(DeploymentStage::Monitoring, std::nullopt);
        first.servingRevision = 7;
        first.health = deploy::PairStatus::Health::Healthy;
        first.runningReplicas = 2;
        // A redeploy over revision 6.
        deploy::PairStatus again = status(u"production"_qs);
        again.live = Revision{6, QStringLiteral("shop/web:2.4.0")};
        again.running = record(DeploymentStage::Deploying, std::nullopt);
        again.servingRevision = 6;
        again.health = deploy::PairStatus::Health::Healthy;
        again.runningReplicas = 2;
        model.applyStatus({first, again});

        DeploymentCellDelegate::Lines lines = DeploymentCellDelegate::lines(model.index(0, 0));
        QCOMPARE(lines.revision, u"r7 · 2.4.1 ("_qs + QStringLiteral("monitoring") + u')');
        QCOMPARE(lines.health, u"healthy"_qs + u"  2/2");
        QCOMPARE(
            lines.last,
            DeploymentCellDelegate::tr("Running elsewhere: %1").arg(QStringLiteral("Monitoring")));

        lines = DeploymentCellDelegate::lines(model.index(0, 1));
        QCOMPARE(lines.revision, u"r6 · 2.4.0 → r7 · 2.4.1"_qs);

        // Run here, the stage of its events is the one shown.
        model.setProgress(u"web"_qs, u"staging"_qs, DeploymentStage::Completed, 100);
        lines = DeploymentCellDelegate::lines(model.index(0, 0));
        QVERIFY2(lines.revision.startsWith(u"r7 · 2.4.1 (") &&
                     lines.revision.contains(QStringLiteral("completed")),
                 qPrintable(lines.revision));
    }

    void paintsProgressWhileRunningHere()
    {
        DeploymentMatrixModel model;
        model.setNames({u"web"_qs}, {u"staging"_qs});
        deploy::PairStatus deployed = status(u"staging"_qs);
        deployed.live = Revision{7, QStringLiteral("shop/web:2.4.1")};
        deployed.health = deploy::PairStatus::Health::Healthy;
        model.applyStatus({deployed});
        QTableView view;
        view.setModel(&model);
        const QModelIndex cell = model.index(0, 0);

        const QImage idle = paintCell(view, cell);
        model.setProgress(u"web"_qs, u"staging"_qs, DeploymentStage::Deploying, 60);
        const QImage running = paintCell(view, cell);
        QVERIFY(idle != running);
        // The bar fills the third line (its frame may reach into the gap above it); the first
        // two lines stay as they were.
        const int thirdLine = 4 + 2 * view.fontMetrics().height() + 2;
        QCOMPARE(idle.copy(0, 0, idle.width(), thirdLine),
                 running.copy(0, 0, running.width(), thirdLine));
        model.clearProgress(u"web"_qs, u"staging"_qs);
        QCOMPARE(paintCell(view, cell), idle);
    }

    void heightOfThreeLines()
    {
        QTableView view;
        const DeploymentCellDelegate delegate;
        QStyleOptionViewItem option;
        option.initFrom(&view);
        const QSize hint = delegate.sizeHint(option, {});
        QCOMPARE(hint.height(), DeploymentCellDelegate::cellHeight(option.fontMetrics));
        QVERIFY(hint.height() >= 3 * option.fontMetrics.height());
    }

    void tabPaintsItsMatrixWithIt()
    {
        DeploymentsTab tab(nullptr);
        QVERIFY(qobject_cast<DeploymentCellDelegate*>(tab.matrixView()->itemDelegate()));
    }
};

QTEST_MAIN(TestDeploymentCellDelegate)
#include "tst_deploymentcelldelegate.moc"
