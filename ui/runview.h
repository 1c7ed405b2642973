// One run in detail: its steps with status and durations, the artifacts it kept with a way to
// open its folder, and its log.
#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QSplitter;
class QTreeView;

namespace launchdeck {

class LogModel;
class LogView;
class StepsModel;

class RunView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunView)

public:
    // Neither model is owned.
    RunView(StepsModel* steps, LogModel* log, QWidget* parent = nullptr);

    void setTitle(const QString& title);
    // Paths relative to `runDir`; an empty runDir disables "Open folder".
    void setArtifacts(const QStringList& artifacts, const QString& runDir);
    QString runDir() const { return m_runDir; }

    QTreeView* stepsView() const { return m_steps; }
    QListWidget* artifactsList() const { return m_artifacts; }
    QPushButton* openFolderButton() const { return m_openFolder; }
    LogView* logView() const { return m_log; }
    QSplitter* splitter() const { return m_splitter; }

private:
    QLabel* m_title;
    QTreeView* m_steps;
    QListWidget* m_artifacts;
    QPushButton* m_openFolder;
    LogView* m_log;
    QSplitter* m_splitter;
    QString m_runDir;
};

} // namespace launchdeck
