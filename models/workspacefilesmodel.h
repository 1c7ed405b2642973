// The workspace's folders and YAML files for the file tree, read by Qt's background gatherer
// so a large repository never stalls the window.
#pragma once

#include <QFileSystemModel>

namespace launchdeck {

class WorkspaceFilesModel final : public QFileSystemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkspaceFilesModel)

public:
    explicit WorkspaceFilesModel(QObject* parent = nullptr);

    static bool isYamlFile(const QString& path);

    // Shows `root`; returns its index for the view's root.
    QModelIndex setWorkspaceRoot(const QString& root);
    QString workspaceRoot() const { return m_root; }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    QString m_root;
};

} // namespace launchdeck
