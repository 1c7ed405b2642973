// What the Deploy and Rollback dialogs share: the preview of the change, asked for a moment
// after the fields last changed; the protected environment's name typed to confirm; OK held
// back until the dialog can start; and the layout below the dialog's own fields.
#pragma once

#include "core/result.h"
#include "deploy/deploymentengine.h"

#include <QDialog>

#include <functional>

class QDialogButtonBox;
class QLabel;
class QLayout;
class QLineEdit;
class QPushButton;
class QTextEdit;
class QTimer;

namespace launchdeck {

// The blocking preview the dialogs run on pool threads; the Deployments tab binds it to the
// engine, tests to fixed answers.
using PreviewFunction =
    std::function<Result<deploy::DeploymentPreview>(const deploy::DeploymentRequest&)>;

// What Deploy or Rollback would change: the diff ('+' green, '-' red, monospace) with the
// preview's notes, computed off the GUI thread; an answer to a superseded request is dropped.
class DeploymentPreviewPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentPreviewPane)

public:
    explicit DeploymentPreviewPane(PreviewFunction preview, QWidget* parent = nullptr);

    void request(const deploy::DeploymentRequest& request);
    void showPreview(const deploy::DeploymentPreview& preview);
    void showError(const QString& error);

    bool isBusy() const { return m_busy; }
    QTextEdit* diffView() const { return m_diff; }
    QLabel* summaryLabel() const { return m_summary; }

Q_SIGNALS:
    void previewReady(const launchdeck::deploy::DeploymentPreview& preview);

private:
    PreviewFunction m_preview;
    QLabel* m_summary;
    QTextEdit* m_diff;
    quint64 m_generation = 0;
    bool m_busy = false;
};

// The environment's name typed to confirm an action on a protected environment; always
// confirmed for an unprotected one.
class ProtectionField final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProtectionField)

public:
    explicit ProtectionField(QWidget* parent = nullptr);

    void setEnvironment(const QString& name, bool isProtected);
    bool isConfirmed() const;
    QLineEdit* edit() const { return m_edit; }

Q_SIGNALS:
    void confirmationChanged();

private:
    QLabel* m_label;
    QLineEdit* m_edit;
    QString m_name;
    bool m_protected = false;
};

// A dialog that starts nothing itself: its owner reads request() once it is accepted.
class DeploymentDialogBase : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentDialogBase)

public:
    virtual deploy::DeploymentRequest request() const = 0;
    // The dialog's fields are complete and a protected environment's name is typed.
    virtual bool canStart() const = 0;

    ProtectionField* protection() const { return m_protection; }
    DeploymentPreviewPane* preview() const { return m_previewPane; }
    QPushButton* okButton() const;

    // Edits closer together than this ask for one preview.
    static constexpr int kPreviewDelayMs = 250;

public Q_SLOTS:
    // Refuses while canStart() is false, whatever asked (a click, Enter, a test).
    void accept() override;

protected:
    DeploymentDialogBase(PreviewFunction preview, QWidget* parent);

    // Lays the dialog out: `fields` on top, then the preview, the confirmation and the buttons.
    void setFields(QLayout* fields);
    // A preview of request() once the fields rest for kPreviewDelayMs.
    void schedulePreview();
    // OK follows canStart(); call it when a field canStart() reads changed.
    void updateOk();

private:
    ProtectionField* m_protection;
    DeploymentPreviewPane* m_previewPane;
    QDialogButtonBox* m_buttons;
    QTimer* m_previewTimer;
};

} // namespace launchdeck
