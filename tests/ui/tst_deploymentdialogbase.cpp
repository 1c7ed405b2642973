// What the Deploy and Rollback dialogs share, through DeploymentDialogBase: the same layout
// below their own fields, one preview for a burst of edits (after the delay, of the last
// request), and OK and accept() held back while the dialog cannot start.
#include "deploydialog.h"
#include "rollbackdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>
#include <QTextEdit>

#include <atomic>
#include <memory>

using namespace launchdeck;

namespace {

constexpr int kTimeoutMs = 20'000;

// A preview that counts its calls and names the requested version in its diff.
struct CountingPreview
{
    std::shared_ptr<std::atomic_int> calls = std::make_shared<std::atomic_int>(0);

    PreviewFunction function() const
    {
        return [calls = calls](
                   const deploy::DeploymentRequest& request) -> Result<deploy::DeploymentPreview> {
            ++*calls;
            deploy::DeploymentPreview preview;
            preview.application = request.application;
            preview.environment = request.environment;
            preview.to = Revision{2, u"shop/web:" + request.version};
            preview.diff = {u"+ image: shop/web:" + request.version,
                            u"+ revision: " + QString::number(request.toRevision.value_or(0))};
            return preview;
        };
    }
};

Workspace makeWorkspace()
{
    Workspace workspace;
    Environment staging;
    staging.name = QStringLiteral("staging");
    Environment production;
    production.name = QStringLiteral("production");
    production.isProtected = true;
    workspace.environments = {staging, production};
    Application web;
    web.name = QStringLiteral("web");
    web.image = QStringLiteral("shop/web");
    web.version = QStringLiteral("1.0");
    workspace.applications = {web};
    return workspace;
}

// The dialog's top-level layout from the bottom up.
void verifyLayoutTail(DeploymentDialogBase* dialog)
{
    QLayout* layout = dialog->layout();
    QVERIFY(layout);
    const int count = layout->count();
    QVERIFY(count >= 5);
    QVERIFY(qobject_cast<QDialogButtonBox*>(layout->itemAt(count - 1)->widget()));
    QCOMPARE(layout->itemAt(count - 2)->widget(), dialog->protection());
    QCOMPARE(layout->itemAt(count - 3)->widget(), dialog->preview());
    QVERIFY(qobject_cast<QLabel*>(layout->itemAt(count - 4)->widget()));
    QVERIFY(layout->itemAt(0)->layout()); // the dialog's own fields
    QCOMPARE(dialog->okButton()->parentWidget(), layout->itemAt(count - 1)->widget());
}

} // namespace

class TestDeploymentDialogBase final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bothDialogsShareTheLayout()
    {
        const Workspace workspace = makeWorkspace();
        DeployDialog deploy(workspace, {}, {});
        RollbackDialog rollback(workspace, u"web"_qs, u"staging"_qs, std::nullopt, {}, {});
        verifyLayoutTail(&deploy);
        verifyLayoutTail(&rollback);
        QCOMPARE(deploy.okButton()->text(), DeployDialog::tr("&Deploy"));
        QCOMPARE(rollback.okButton()->text(), RollbackDialog::tr("&Roll Back"));
    }

    void deployEditsAskForOnePreview()
    {
        CountingPreview preview;
        DeployDialog dialog(makeWorkspace(), preview.function(), {});
        dialog.show();
        QTRY_COMPARE_WITH_TIMEOUT(preview.calls->load(), 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.preview()->isBusy(), kTimeoutMs);
        QVERIFY(dialog.preview()->diffView()->toPlainText().contains(u"shop/web:1.0"));

        for (const QString& version : {u"1.1"_qs, u"1.2"_qs, u"1.3"_qs})
            dialog.versionBox()->setEditText(version);
        QTRY_COMPARE_WITH_TIMEOUT(preview.calls->load(), 2, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            dialog.preview()->diffView()->toPlainText().contains(u"shop/web:1.3"), kTimeoutMs);
        QTest::qWait(DeploymentDialogBase::kPreviewDelayMs * 2);
        QCOMPARE(preview.calls->load(), 2);
    }

    void rollbackRevisionChangesAskForAPreview()
    {
        CountingPreview preview;
        RollbackDialog dialog(makeWorkspace(), u"web"_qs, u"staging"_qs,
                              Revision{3, QStringLiteral("shop/web:1.2")}, preview.function(),
                              [](const QString&, const QString&) {
                                  return QList<Revision>{{2, QStringLiteral("shop/web:1.1")},
                                                         {1, QStringLiteral("shop/web:1.0")}};
                              });
        dialog.show();
        QTRY_COMPARE_WITH_TIMEOUT(dialog.revisionBox()->count(), 3, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(preview.calls->load(), 1, kTimeoutMs);
        dialog.revisionBox()->setCurrentIndex(1);
        dialog.revisionBox()->setCurrentIndex(2);
        QTRY_COMPARE_WITH_TIMEOUT(preview.calls->load(), 2, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            dialog.preview()->diffView()->toPlainText().contains(u"+ revision: 1"), kTimeoutMs);
    }

    void acceptRefusedUntilTheDialogCanStart()
    {
        const Workspace workspace = makeWorkspace();
        RollbackDialog rollback(workspace, u"web"_qs, u"production"_qs, std::nullopt, {}, {});
        DeploymentDialogBase* base = &rollback;
        base->show();
        QVERIFY(!base->okButton()->isEnabled());
        base->accept();
        QCOMPARE(base->result(), int(QDialog::Rejected));
        QVERIFY(base->isVisible());
        rollback.reasonEdit()->setText(QStringLiteral("bad release"));
        QVERIFY(!base->canStart());
        QVERIFY(!base->okButton()->isEnabled());
        // The confirmation the base holds moves OK as the dialog's own fields do.
        base->protection()->edit()->setText(QStringLiteral("production"));
        QVERIFY(base->canStart());
        QVERIFY(base->okButton()->isEnabled());
        QTest::mouseClick(base->okButton(), Qt::LeftButton);
        QCOMPARE(base->result(), int(QDialog::Accepted));
        QCOMPARE(base->request().kind, DeploymentKind::Rollback);
        QCOMPARE(base->request().reason, u"bad release"_qs);
    }
};

QTEST_MAIN(TestDeploymentDialogBase)
#include "tst_deploymentdialogbase.moc"
