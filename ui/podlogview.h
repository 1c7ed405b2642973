// The live log of one Kubernetes pod or of a Deployment's pods merged, in the same view as a
// Docker container's log: the lines tagged with their pod, secrets masked, and the choices of
// `kubectl logs` (container, previous, tail, since, follow).
#pragma once

#include "podlogfeed.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QTimer;

namespace launchdeck {

class LogModel;
class LogView;

namespace kube {
class KubeCluster;
struct ClusterStatus;
struct LiveObject;
} // namespace kube

class PodLogView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PodLogView)

public:
    // Lines held at most; older ones leave the view as new ones arrive.
    static constexpr qsizetype kCapacity = 200'000;
    static constexpr int kDefaultTail = 1000;

    // `cluster` is not owned and must outlive the view. `pods` are read first (containers and
    // the environment to mask), then their logs are followed.
    PodLogView(kube::KubeCluster* cluster, const QString& nameSpace, const QStringList& pods,
               QWidget* parent = nullptr);
    // Ends the stream.
    ~PodLogView() override;

    const QStringList& pods() const { return m_pods; }
    LogModel* model() const { return m_model; }
    LogView* logView() const { return m_view; }
    QComboBox* containerChoice() const { return m_containerChoice; }
    QComboBox* podChoice() const { return m_podChoice; }
    QCheckBox* previousToggle() const { return m_previous; }
    QComboBox* tailChoice() const { return m_tailChoice; }
    QComboBox* sinceChoice() const { return m_sinceChoice; }
    QCheckBox* followToggle() const { return m_follow; }
    QLabel* statusLine() const { return m_status; }

    // Each change reads the log anew with the new choice.
    void setContainer(const QString& container);
    QString container() const { return m_container; }
    void setPrevious(bool previous);
    // Lines from the end of the log to start with, -1 for all.
    void setTail(int lines);
    // Only lines of the last `seconds`, 0 for all.
    void setSince(int seconds);
    void setFollow(bool follow);
    // Shows the server's time of each line (it is always asked for).
    void setTimestamps(bool on);

    // Secrets the pods reference (as the API server serves them, data in base64): their values
    // are masked too. Reads the log anew, so lines already on screen are masked.
    void setSecrets(const QList<QJsonObject>& secrets);
    // Further values to mask. Reads the log anew.
    void setMaskedValues(const QStringList& values);
    QStringList maskedValues() const { return m_feed.maskedValues(); }
    // Whether a stream is open now.
    bool isStreaming() const { return m_streamId != 0; }
    // Reads the log again from the tail.
    void reload();

Q_SIGNALS:
    // The stream ended by itself: `error` is empty when the pods ended (or follow was off).
    void streamEnded(const QString& error);

private:
    void buildLayout();
    void readPods();
    void onPodRead(quint64 request, const kube::LiveObject& object, const QString& error);
    void onClusterStatus(const kube::ClusterStatus& status);
    void openStream();
    void stopStream();
    void applyMasks();
    void fillContainers(const QJsonObject& pod);
    QString followingText() const;
    void setStatus(const QString& text);
    void showLines(const QList<kube::PodLogLine>& lines);
    void flushBacklog();

    QPointer<kube::KubeCluster> m_cluster;
    QString m_nameSpace;
    QStringList m_pods;

    LogModel* m_model;
    LogView* m_view;
    QComboBox* m_containerChoice;
    QComboBox* m_podChoice;
    QCheckBox* m_previous;
    QComboBox* m_tailChoice;
    QComboBox* m_sinceChoice;
    QCheckBox* m_follow;
    QLabel* m_status;
    QTimer* m_readRetry;
    // The first lines of several pods arrive pod by pod: they are held until the streams go
    // quiet (or a second has passed) and shown in time order, as one log.
    QTimer* m_backlogQuiet;
    QElapsedTimer m_backlogAge;
    bool m_gatheringBacklog = false;
    QList<kube::PodLogLine> m_backlog;

    PodLogFeed m_feed;
    // Pod reads in flight, by request id; the stream opens when none is left.
    QHash<quint64, QString> m_reads;
    QHash<QString, QJsonObject> m_podObjects;
    QStringList m_readErrors;
    bool m_waitingForCluster = false; // a read failed while the cluster was away
    int m_readAttempt = 0;            // reads again after a failure, before giving up
    bool m_reconnecting = false;      // the cluster is away: its streams resume when it is back
    quint64 m_streamId = 0;
    QString m_container;
    bool m_isPrevious = false;
    bool m_isFollowing = true;
    int m_tail = kDefaultTail;
    int m_sinceSeconds = 0;
    QList<QJsonObject> m_secrets;
    QStringList m_extraSecrets;
};

} // namespace launchdeck
