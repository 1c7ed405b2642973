// Key/value rows of environment variables that override a pipeline's own for one run.
#pragma once

#include "pipeline/pipeline.h"

#include <QWidget>

class QTableWidget;
class QToolButton;

namespace launchdeck {

class EnvOverridesEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnvOverridesEditor)

public:
    explicit EnvOverridesEditor(QWidget* parent = nullptr);

    // Rows with an empty name are left out; a later row wins over an earlier one of that name.
    EnvList overrides() const;
    void setOverrides(const EnvList& overrides);
    void addRow(const QString& name = {}, const QString& value = {});
    QTableWidget* table() const { return m_table; }

private:
    QTableWidget* m_table;
    QToolButton* m_add;
    QToolButton* m_remove;
};

} // namespace launchdeck
