// The dialog that builds an image on a Docker host from a folder with a Dockerfile, showing the
// daemon's output as it comes, and on request pushes the tags that name a registry.
#pragma once

#include "docker/dockerimagetransfer.h"

#include <QDialog>
#include <QPointer>
#include <QSet>
#include <QStringList>

#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace launchdeck {

class DockerHost;
class DockerImageBuilder;
struct DockerBuildRequest;

class DockerBuildDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerBuildDialog)

public:
    explicit DockerBuildDialog(DockerHost* host, QWidget* parent = nullptr);
    // Cancels a running build; the builder's thread ends at once.
    ~DockerBuildDialog() override;

    // A build, or the pushes after it, is running.
    bool isBuilding() const { return m_building; }
    // The request the fields describe, or an error for the status line (a build argument
    // without '=', no folder).
    bool describeRequest(DockerBuildRequest* request, QString* error) const;
    // The tags typed that name a registry ("registry:5000/shop/web:1.0"): what is pushed.
    QStringList registryTags() const;
    QCheckBox* pushBox() const { return m_push; }
    QLineEdit* tagsEdit() const { return m_tags; }
    QLineEdit* folderEdit() const { return m_folder; }
    QPlainTextEdit* outputView() const { return m_output; }
    QLabel* statusLabel() const { return m_status; }

public Q_SLOTS:
    void build();
    void cancelBuild();
    void reject() override;

Q_SIGNALS:
    // The image was built; `imageId` is "sha256:…".
    void imageBuilt(const QString& imageId);
    // A tag was pushed after the build, its manifest now `digest` in the registry; or it failed
    // in the daemon's words.
    void imagePushed(const QString& tag, const QString& digest);
    void pushFailed(const QString& tag, const QString& error);
    // The build and every push asked after it ended, well or not (not when cancelled).
    void finished();

private:
    void chooseFolder();
    void appendLine(const QString& line, bool error = false);
    void finish(const QString& imageId, const QString& error);
    void setBuilding(bool building);
    void updatePushBox();
    void pushNext();
    void pushProgressed(quint64 request, const QList<PullProgress>& lines);
    void pushFinished(quint64 request, const TransferredImage& image, const QString& error);

    QPointer<DockerHost> m_host;
    QLineEdit* m_folder = nullptr;
    QPushButton* m_browse = nullptr;
    QLineEdit* m_dockerfile = nullptr;
    QLineEdit* m_tags = nullptr;
    QPlainTextEdit* m_buildArgs = nullptr;
    QCheckBox* m_noCache = nullptr;
    QCheckBox* m_push = nullptr;
    QPlainTextEdit* m_output = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_buildButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_closeButton = nullptr;
    std::unique_ptr<DockerImageBuilder> m_builder;
    quint64 m_generation = 0; // answers of an earlier builder are dropped
    bool m_building = false;
    // The pushes after a build: the tags still to push, the host's id of the running one (0:
    // none), the lines already shown for it, and what each push came to.
    QStringList m_toPush;
    quint64 m_pushRequest = 0;
    QSet<QString> m_pushSaid;
    QString m_builtId;
    QStringList m_pushResults;
};

} // namespace launchdeck
