// The render preview: what a template becomes for Compose or Kubernetes, following the
// editor's text as the user types.
#pragma once

#include "core/diagnostic.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QStackedWidget;

namespace launchdeck {

class RenderPreview final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RenderPreview)

public:
    explicit RenderPreview(QWidget* parent = nullptr);

    // "compose" or "kubernetes", as ValidationService::render takes it.
    QString target() const;
    void setTarget(const QString& target);

    // Whether the file in the editor is a template; other files have nothing to render.
    void setApplicable(bool applicable);
    bool isApplicable() const { return m_applicable; }
    void showOutput(const QString& output, const Diagnostics& diagnostics);
    QString output() const;

Q_SIGNALS:
    void targetChanged(const QString& target);

private:
    QComboBox* m_target;
    QStackedWidget* m_stack;
    QPlainTextEdit* m_output;
    QLabel* m_notice;
    QLabel* m_status;
    bool m_applicable = false;
};

} // namespace launchdeck
